package dev.commission.core.ledger;

import java.util.List;

/** One reconciliation invariant and what differs, if anything. */
public record InvariantCheck(String name, List<String> discrepancies) {

    public boolean ok() {
        return discrepancies.isEmpty();
    }
}
