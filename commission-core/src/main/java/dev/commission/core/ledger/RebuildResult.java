package dev.commission.core.ledger;

/** How many journal entries a rebuild replayed, up to which one. */
public record RebuildResult(long entriesReplayed, String ledgerLastId) {
}
