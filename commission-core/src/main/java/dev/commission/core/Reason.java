package dev.commission.core;

/**
 * Why an operation was refused. The Lua scripts answer with these exact words as the first
 * element of their reply (those whose {@link #source()} is {@link Source#SCRIPT}); the server
 * maps each to one gRPC status code.
 */
public enum Reason {
    /** Bad input: see the field violations. Found in Java, before any script runs. */
    INVALID_ARGUMENT(Kind.INVALID, Source.ENGINE),
    CAMPAIGN_NOT_FOUND(Kind.NOT_FOUND),
    STEWARD_NOT_FOUND(Kind.NOT_FOUND),
    /** Found by {@code GetOrder}, which reads the order hash directly. */
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
    /** The SMS batch id was used with other recipients or another sending time. */
    SMS_BATCH_CONFLICT(Kind.CONFLICT),
    CAMPAIGN_CLOSED(Kind.PRECONDITION),
    /** A debit would take a steward below zero. */
    INSUFFICIENT_BALANCE(Kind.PRECONDITION),
    /** Refunds would exceed what the order paid. */
    REFUND_EXCEEDS_PAID(Kind.PRECONDITION),
    /** A refund by lines names a SKU the order does not have, or more of it than is left to refund. */
    REFUND_LINES_UNKNOWN(Kind.PRECONDITION),
    /** A total would reach 2^53, beyond what Lua numbers and sorted-set scores hold exactly. */
    TOTAL_OVERFLOW(Kind.PRECONDITION),
    /** No dead letter has the id given (or it names another order). */
    DEAD_LETTER_NOT_FOUND(Kind.NOT_FOUND),
    /** The dead letter was replayed or discarded already: it cannot be the other. */
    DEAD_LETTER_CLOSED(Kind.PRECONDITION),
    /** A catalogue's staged slices were gone (expired) when it was to replace the old one; set it again. */
    CATALOGUE_INCOMPLETE(Kind.ABORTED),
    /** Figures kept moving faster than a rebuild could set them right; the caller may retry. */
    LEDGER_MOVED(Kind.ABORTED, Source.ENGINE);

    /** The family of a reason; the server maps each family to one status code. */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT, PRECONDITION, ABORTED }

    /** Who finds it: a script's reply, or the engine's Java code (never a script). */
    public enum Source { SCRIPT, ENGINE }

    private final Kind kind;
    private final Source source;

    Reason(Kind kind) {
        this(kind, Source.SCRIPT);
    }

    Reason(Kind kind, Source source) {
        this.kind = kind;
        this.source = source;
    }

    public Kind kind() {
        return kind;
    }

    public Source source() {
        return source;
    }
}
