package dev.commission.core.ledger;

/**
 * How many journal entries a rebuild replayed, up to which one, and how many stored figures
 * (ranking entries, steward figures, placement counts, totals) it found wrong and set right.
 */
public record RebuildResult(long entriesReplayed, String ledgerLastId, long figuresRepaired) {
}
