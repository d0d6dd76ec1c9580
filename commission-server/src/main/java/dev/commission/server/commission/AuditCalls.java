package dev.commission.server.commission;

import dev.commission.core.ledger.AuditControl;
import dev.commission.core.ledger.AuditProgress;
import io.grpc.Context;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one Reconcile or RebuildRankings call: logs where it stands every few seconds, hands
 * its progress to a streaming caller about once a second, and stops it once the caller is gone
 * (cancelled, or its deadline passed).
 */
final class AuditCalls implements AuditControl {
    private static final Logger log = LoggerFactory.getLogger(AuditCalls.class);
    private static final long LOG_EVERY = TimeUnit.SECONDS.toNanos(5);
    private static final long SEND_EVERY = TimeUnit.SECONDS.toNanos(1);

    private final String operation;
    private final String campaignId;
    private final Context call;
    private final Consumer<AuditProgress> sink;
    private final long started = System.nanoTime();
    private long lastLog = started;
    private long lastSent = started;

    private AuditCalls(String operation, String campaignId, Consumer<AuditProgress> sink) {
        this.operation = operation;
        this.campaignId = campaignId;
        this.call = Context.current();
        this.sink = sink;
    }

    /** For a unary call: progress goes to the log only. Must be made on the call's thread. */
    static AuditCalls logged(String operation, String campaignId) {
        return new AuditCalls(operation, campaignId, progress -> { });
    }

    /** For a streaming call: progress goes to the log and to {@code sink}. Must be made on the call's thread. */
    static AuditCalls streamed(String operation, String campaignId, Consumer<AuditProgress> sink) {
        return new AuditCalls(operation, campaignId, sink);
    }

    /** Called from the audit's one thread, between slices. */
    @Override
    public void progress(AuditProgress progress) {
        long now = System.nanoTime();
        if (now - lastLog >= LOG_EVERY) {
            lastLog = now;
            log.info("{} {}: {} {}{} after {} s, ledger replayed up to {}", operation, campaignId, progress.phase(),
                    progress.done(), progress.total() > 0 ? "/" + progress.total() : "",
                    TimeUnit.NANOSECONDS.toSeconds(now - started), progress.ledgerPosition());
        }
        if (now - lastSent >= SEND_EVERY) {
            lastSent = now;
            sink.accept(progress);
        }
    }

    @Override
    public boolean cancelled() {
        return call.isCancelled();
    }
}
