package dev.commission.core.ledger;

/**
 * Where a running audit stands: its phase ({@code ledger}, {@code totals}, {@code stewards},
 * {@code rankings}, {@code placements}, {@code orders}, {@code repair}), how many items of that
 * phase are done out of how many (0 when not known), and the ledger entry it has replayed up to.
 */
public record AuditProgress(String phase, long done, long total, String ledgerPosition) {
}
