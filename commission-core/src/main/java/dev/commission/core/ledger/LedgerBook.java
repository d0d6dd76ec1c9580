package dev.commission.core.ledger;

import dev.commission.core.CampaignKeys;
import dev.commission.core.CommissionException;
import dev.commission.core.FieldViolation;
import dev.commission.core.Reason;
import dev.commission.core.operation.ScriptRunner;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.redisson.api.RedissonClient;

/**
 * The campaign journal: paging through it, reconciling against it, rebuilding from it. Every
 * read is one script, so a page, a report or a rebuild sees one consistent view.
 */
public final class LedgerBook {
    static final String PAGE_SCRIPT = "ledger-page";
    /** How often a rebuild starts over when the ledger moved under it, after the first try. */
    static final int REBUILD_RETRIES = 3;

    private static final String LAST_STREAM_ID = "18446744073709551615-18446744073709551615";

    private final ScriptRunner runner;

    /** Loads the ledger's scripts; reads and writes all go through {@code runner}. */
    public LedgerBook(RedissonClient redisson, ScriptRunner runner) {
        this.runner = runner;
        runner.register(PAGE_SCRIPT);
        runner.register(LedgerSnapshot.SCRIPT);
        runner.register(RebuildPlan.SCRIPT);
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
                    List<LedgerEntry> entries = LedgerSnapshot.entries(items);
                    String next = !entries.isEmpty() && entries.size() >= limit
                            ? entries.get(entries.size() - 1).entryId() : "";
                    return new LedgerPage(List.copyOf(entries), next);
                });
    }

    /** Checks every invariant on one consistent view of the campaign; never writes. */
    public CompletionStage<ReconcileReport> reconcile(CampaignKeys keys) {
        return snapshot(keys).thenApply(s -> Reconciliation.report(s, LedgerReplay.of(s.policy(), s.entries())));
    }

    /**
     * Recomputes every ranking, the totals, the stewards' figures and the placement counts from the
     * ledger alone and swaps them in atomically. When the ledger moved between the read and the
     * swap, nothing is written and the rebuild starts over, up to {@link #REBUILD_RETRIES} times;
     * then it fails with {@link Reason#LEDGER_MOVED}.
     */
    public CompletionStage<RebuildResult> rebuild(CampaignKeys keys) {
        return rebuild(keys, () -> CompletableFuture.completedFuture(null));
    }

    /** {@link #rebuild(CampaignKeys)} with a step run between the replay and the swap, for tests. */
    CompletionStage<RebuildResult> rebuild(CampaignKeys keys, Supplier<CompletionStage<?>> beforeSwap) {
        return attempt(keys, beforeSwap, 0);
    }

    private CompletionStage<RebuildResult> attempt(CampaignKeys keys, Supplier<CompletionStage<?>> beforeSwap,
                                                   int retry) {
        return snapshot(keys)
                .thenCompose(snapshot -> {
                    LedgerReplay replay = LedgerReplay.of(snapshot.policy(), snapshot.entries());
                    return beforeSwap.get().thenCompose(ignored -> swap(keys, snapshot, replay));
                })
                .handle((result, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(result);
                    }
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    if (cause instanceof CommissionException e && e.reason() == Reason.LEDGER_MOVED
                            && retry < REBUILD_RETRIES) {
                        return attempt(keys, beforeSwap, retry + 1);
                    }
                    return CompletableFuture.<RebuildResult>failedFuture(cause);
                })
                .thenCompose(stage -> stage);
    }

    /** Reads the campaign in one script: the ledger, and everything that must agree with it. */
    CompletionStage<LedgerSnapshot> snapshot(CampaignKeys keys) {
        return runner.run(LedgerSnapshot.SCRIPT, LedgerSnapshot.keys(keys), List.of()).thenApply(LedgerSnapshot::decode);
    }

    /**
     * Writes what {@code replay} computed from {@code snapshot}, unless the ledger's last entry is
     * no longer {@code replay.lastEntryId()}: then {@link Reason#LEDGER_MOVED} and nothing written.
     */
    CompletionStage<RebuildResult> swap(CampaignKeys keys, LedgerSnapshot snapshot, LedgerReplay replay) {
        RebuildPlan plan = RebuildPlan.of(keys, snapshot, replay);
        return runner.run(RebuildPlan.SCRIPT, plan.keys(), plan.args())
                .thenApply(reply -> new RebuildResult(replay.entriesReplayed(), reply.string(1)));
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
