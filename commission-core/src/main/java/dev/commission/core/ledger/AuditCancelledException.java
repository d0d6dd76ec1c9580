package dev.commission.core.ledger;

import java.util.concurrent.CancellationException;

/** An audit stopped between two slices because its caller went away; nothing half-done is left. */
public final class AuditCancelledException extends CancellationException {
    public AuditCancelledException() {
        super("the audit was cancelled");
    }
}
