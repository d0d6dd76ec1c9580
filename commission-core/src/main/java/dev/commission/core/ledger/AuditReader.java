package dev.commission.core.ledger;

import dev.commission.core.CampaignKeys;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.operation.ScriptReply;
import dev.commission.core.operation.ScriptRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The reads of an audit (Reconcile, RebuildRankings), each one bounded call of
 * {@code lua/audit-read.lua} or {@code lua/ledger-page.lua}, made one after another on the
 * audit's own thread. Every slice comes with the ledger position it was read at, and the ledger
 * itself is folded into a {@link LedgerReplay} up to any position asked for, so each slice is
 * compared with what the ledger said at the very instant it was read.
 */
final class AuditReader {
    static final String SCRIPT = "audit-read";
    /** Journal entries per ledger read, and items per figure read: each read stays within a few ms. */
    static final int LEDGER_SLICE = 500;
    static final int SLICE = 100;
    /** The longest an audit waits between two calls; see {@link #paced}. */
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** One slice: what was read, at which ledger position, with the campaign's policy and journal length. */
    record Slice(String position, TransferPolicy policy, long ledgerLength, List<String> rows) {
    }

    private final ScriptRunner runner;
    private final CampaignKeys keys;
    private final AuditControl control;
    private LedgerReplay replay;
    private long ledgerLength;

    AuditReader(ScriptRunner runner, CampaignKeys keys, AuditControl control) {
        this.runner = runner;
        this.keys = keys;
        this.control = control;
    }

    /** The campaign's policy and ledger position now; starts an empty replay under that policy. */
    Slice start() {
        Slice now = read(List.of("position"));
        replay = new LedgerReplay(now.policy());
        ledgerLength = now.ledgerLength();
        return now;
    }

    LedgerReplay replay() {
        return replay;
    }

    /** Reads one slice of {@code audit-read.lua} ({@code args}: what, then its arguments). */
    Slice read(List<String> args) {
        if (control.cancelled()) {
            throw new AuditCancelledException();
        }
        ScriptReply reply = paced(() -> runner.run(SCRIPT, List.of(keys.campaign(), keys.ledger()), List.copyOf(args)));
        List<Object> raw = reply.values();
        List<String> rows = new ArrayList<>();
        if (raw.get(4) instanceof List<?> list) {
            list.forEach(v -> rows.add(v == null ? "" : v.toString()));
        }
        return new Slice(reply.string(1), TransferPolicy.valueOf(reply.string(2)), reply.number(3), rows);
    }

    /** Folds the journal into the replay up to and including entry {@code position}. */
    void advanceTo(String position) {
        while (compare(replay.lastEntryId(), position) < 0) {
            if (control.cancelled()) {
                throw new AuditCancelledException();
            }
            String start = replay.lastEntryId().isEmpty() ? "-" : "(" + replay.lastEntryId();
            ScriptReply reply = paced(() -> runner.run(LedgerBook.PAGE_SCRIPT, List.of(keys.campaign(), keys.ledger()),
                    List.of(start, Integer.toString(LEDGER_SLICE))));
            Object raw = reply.values().get(1);
            @SuppressWarnings("unchecked")
            List<Object> items = raw instanceof List<?> l ? (List<Object>) l : List.of();
            List<LedgerEntry> entries = LedgerEntryDecoder.decodeAll(items);
            if (entries.isEmpty()) {
                throw new IllegalStateException("the ledger ends before entry " + position + " it was read at");
            }
            for (LedgerEntry entry : entries) {
                if (compare(entry.entryId(), position) > 0) {
                    break;
                }
                replay.apply(entry);
            }
            control.progress(new AuditProgress("ledger", replay.entriesReplayed(), ledgerLength, replay.lastEntryId()));
        }
    }

    /**
     * One call, then a pause as long as the call took (at most 50 ms): an audit never keeps Redis
     * busy more than about half the time, so other campaigns' settlements on the shard keep their
     * latency while it runs, at the price of an audit that takes about twice as long.
     */
    private static ScriptReply paced(Supplier<CompletionStage<ScriptReply>> call) {
        long start = System.nanoTime();
        ScriptReply reply = await(call.get());
        long took = Math.min(System.nanoTime() - start, MAX_PAUSE_NANOS);
        try {
            TimeUnit.NANOSECONDS.sleep(took);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditCancelledException();
        }
        return reply;
    }

    /** Orders two stream ids {@code <ms>-<seq>} ("" before every id). */
    static int compare(String a, String b) {
        if (a.isEmpty() || b.isEmpty()) {
            return Boolean.compare(!a.isEmpty(), !b.isEmpty());
        }
        int da = a.indexOf('-');
        int db = b.indexOf('-');
        int byMs = Long.compareUnsigned(Long.parseUnsignedLong(a.substring(0, da)), Long.parseUnsignedLong(b.substring(0, db)));
        return byMs != 0 ? byMs
                : Long.compareUnsigned(Long.parseUnsignedLong(a.substring(da + 1)), Long.parseUnsignedLong(b.substring(db + 1)));
    }

    /** Waits for a Redis call on the audit's thread; its failure is rethrown as it is. */
    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditCancelledException();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new CompletionException(cause);
        }
    }

    /** Tells the caller how far a phase has come. */
    void progress(String phase, long done, long total) {
        control.progress(new AuditProgress(phase, done, total, replay.lastEntryId()));
    }
}
