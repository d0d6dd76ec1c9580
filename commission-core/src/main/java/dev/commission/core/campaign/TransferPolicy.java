package dev.commission.core.campaign;

/** What happens to a steward's earnings when it changes group or region. */
public enum TransferPolicy {
    /** The steward's whole total moves to the new group and region (the default). */
    FOLLOW,
    /** What was earned stays credited to the old group and region. */
    STAY
}
