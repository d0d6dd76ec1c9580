package dev.commission.core;

/**
 * Why an operation was refused. The Lua scripts answer with these exact words as the first
 * element of their reply; the server maps each to one gRPC status code.
 */
public enum Reason {
    /** Bad input: see the field violations. */
    INVALID_ARGUMENT(Kind.INVALID),
    CAMPAIGN_NOT_FOUND(Kind.NOT_FOUND),
    STEWARD_NOT_FOUND(Kind.NOT_FOUND),
    ORDER_NOT_FOUND(Kind.NOT_FOUND),
    /** The campaign id exists with a different definition. */
    CAMPAIGN_CONFLICT(Kind.CONFLICT),
    /** The steward exists with a different name or placement. */
    STEWARD_CONFLICT(Kind.CONFLICT),
    /** The order number was settled with a different payload. */
    ORDER_CONFLICT(Kind.CONFLICT),
    /** The refund id was used with a different payload. */
    REFUND_CONFLICT(Kind.CONFLICT),
    /** The adjustment id was used with a different payload. */
    ADJUSTMENT_CONFLICT(Kind.CONFLICT),
    /** The transfer id was used with a different payload. */
    TRANSFER_CONFLICT(Kind.CONFLICT),
    CAMPAIGN_CLOSED(Kind.PRECONDITION),
    /** A debit would take a steward below zero. */
    INSUFFICIENT_BALANCE(Kind.PRECONDITION),
    /** Refunds would exceed what the order paid. */
    REFUND_EXCEEDS_PAID(Kind.PRECONDITION),
    /** A refund by lines names a SKU the order does not have, or more of it than is left to refund. */
    REFUND_LINES_UNKNOWN(Kind.PRECONDITION),
    /** A total would reach 2^53, beyond what Lua numbers and sorted-set scores hold exactly. */
    TOTAL_OVERFLOW(Kind.PRECONDITION),
    /** The ledger moved while a rebuild was computed; the caller may retry. */
    LEDGER_MOVED(Kind.ABORTED);

    /** The family of a reason; the server maps each family to one status code. */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT, PRECONDITION, ABORTED }

    private final Kind kind;

    Reason(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
