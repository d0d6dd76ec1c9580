package dev.commission.core.ledger;

import java.util.List;

/** Every invariant checked on one consistent view of a campaign. */
public record ReconcileReport(List<InvariantCheck> checks, String ledgerLastId) {

    public boolean clean() {
        return checks.stream().allMatch(InvariantCheck::ok);
    }
}
