package dev.commission.core.ledger;

import dev.commission.core.CampaignKeys;
import dev.commission.core.CommissionException;
import dev.commission.core.FieldViolation;
import dev.commission.core.operation.ScriptRunner;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.redisson.api.RedissonClient;

/**
 * The campaign journal: paging through it, reconciling against it, rebuilding from it. A page is
 * one script; Reconcile and RebuildRankings work in slices that each hold Redis for a few
 * milliseconds, however large the campaign.
 */
public final class LedgerBook {
    static final String PAGE_SCRIPT = "ledger-page";
    /** How many Reconcile or RebuildRankings calls one instance runs at once. */
    static final int CONCURRENT_AUDITS = 2;

    private static final String LAST_STREAM_ID = "18446744073709551615-18446744073709551615";

    private final ScriptRunner runner;
    /**
     * Audits block on Redis one slice after another, on threads of their own, never a Redis or
     * gRPC thread. Each holds a replay of its campaign's ledger in memory, so at most
     * {@link #CONCURRENT_AUDITS} run at once; more wait their turn (and stop at once if their
     * caller left meanwhile).
     */
    private final Executor audits = Executors.newFixedThreadPool(CONCURRENT_AUDITS, runnable -> {
        Thread thread = new Thread(runnable, "campaign-audit");
        thread.setDaemon(true);
        return thread;
    });

    /** Loads the ledger's scripts; reads and writes all go through {@code runner}. */
    public LedgerBook(RedissonClient redisson, ScriptRunner runner) {
        this.runner = runner;
        runner.register(PAGE_SCRIPT);
        runner.register(AuditReader.SCRIPT);
        runner.register(Repair.SCRIPT);
    }

    /**
     * Up to {@code limit} entries after the entry {@code after} (exclusive; from the beginning when
     * empty), oldest first. {@code nextAfter} is the last id when the page is full, else "".
     */
    public CompletionStage<LedgerPage> list(CampaignKeys keys, String after, int limit) {
        String start;
        try {
            start = after == null || after.isEmpty() ? "-" : "(" + streamId(after);
        } catch (CommissionException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (start.equals("(" + LAST_STREAM_ID)) {
            return CompletableFuture.completedFuture(new LedgerPage(List.of(), ""));
        }
        return runner.run(PAGE_SCRIPT, List.of(keys.campaign(), keys.ledger()), List.of(start, Integer.toString(limit)))
                .thenApply(reply -> {
                    Object raw = reply.values().get(1);
                    @SuppressWarnings("unchecked")
                    List<Object> items = raw instanceof List<?> l ? (List<Object>) l : List.of();
                    List<LedgerEntry> entries = LedgerEntryDecoder.decodeAll(items);
                    String next = !entries.isEmpty() && entries.size() >= limit
                            ? entries.get(entries.size() - 1).entryId() : "";
                    return new LedgerPage(List.copyOf(entries), next);
                });
    }

    /**
     * Checks every invariant against the ledger, in slices of a few milliseconds each (see
     * {@link CampaignAudit}); never writes. Runs on an audit thread of its own; {@code control}
     * hears its progress and can stop it.
     */
    public CompletionStage<ReconcileReport> reconcile(CampaignKeys keys, AuditControl control) {
        return CompletableFuture.supplyAsync(() -> Reconciliation.run(new AuditReader(runner, keys, control)), audits);
    }

    /**
     * Sets every ranking, the totals, the stewards' figures and the placement counts right from
     * the ledger alone, in slices, while the campaign keeps moving: each figure found wrong is
     * set to what the ledger says as of the moment it is set (see {@link Repair}).
     */
    public CompletionStage<RebuildResult> rebuild(CampaignKeys keys, AuditControl control) {
        return CompletableFuture.supplyAsync(() -> Repair.run(new AuditReader(runner, keys, control), runner, keys), audits);
    }

    /** A stream id {@code <ms>-<seq>}, each part an unsigned 64-bit number, as Redis accepts it. */
    private static String streamId(String id) {
        int dash = id.indexOf('-');
        try {
            if (dash > 0) {
                Long.parseUnsignedLong(id.substring(0, dash));
                Long.parseUnsignedLong(id.substring(dash + 1));
                return id;
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal
        }
        throw CommissionException.invalid(List.of(new FieldViolation("after", "must be an entry_id from an earlier page")));
    }
}
