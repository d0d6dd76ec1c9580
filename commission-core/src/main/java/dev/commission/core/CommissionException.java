package dev.commission.core;

import java.util.List;

/** An operation refused for a business reason; nothing was written. */
public final class CommissionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Reason reason;
    private final transient List<FieldViolation> violations;

    public CommissionException(Reason reason, String message) {
        this(reason, message, List.of());
    }

    public CommissionException(Reason reason, String message, List<FieldViolation> violations) {
        super(message, null, false, false);
        this.reason = reason;
        this.violations = List.copyOf(violations);
    }

    public static CommissionException invalid(List<FieldViolation> violations) {
        StringBuilder message = new StringBuilder("invalid request:");
        for (FieldViolation v : violations) {
            message.append(' ').append(v.field()).append(' ').append(v.description()).append(';');
        }
        return new CommissionException(Reason.INVALID_ARGUMENT, message.toString(), violations);
    }

    public Reason reason() {
        return reason;
    }

    public List<FieldViolation> violations() {
        return violations;
    }
}
