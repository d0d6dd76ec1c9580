package dev.commission.core.ledger;

/**
 * How the caller of a long audit (Reconcile, RebuildRankings) follows it and stops it: the audit
 * reports its progress between slices and stops at the next slice once {@link #cancelled()}.
 */
public interface AuditControl {
    /** No progress wanted, never cancelled. */
    AuditControl NONE = new AuditControl() {
    };

    /** Called between slices, from the audit's thread. */
    default void progress(AuditProgress progress) {
    }

    default boolean cancelled() {
        return false;
    }
}
