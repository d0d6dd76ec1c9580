package dev.commission.core.ledger;

import java.util.List;

/** A page of the journal; {@code nextAfter} is empty when the journal ends here. */
public record LedgerPage(List<LedgerEntry> entries, String nextAfter) {
}
