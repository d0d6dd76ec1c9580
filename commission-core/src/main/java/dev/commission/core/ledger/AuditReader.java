package dev.commission.core.ledger;

import dev.commission.core.CampaignKeys;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.operation.ScriptReply;
import dev.commission.core.operation.ScriptRunner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The reads of an audit (Reconcile, RebuildRankings), each one bounded call of
 * {@code lua/audit-read.lua}, made one after another on the audit's own thread. Every slice comes
 * with the ledger position it was read at, and the ledger itself is folded into a
 * {@link LedgerReplay} up to any position asked for, so each slice is compared with what the
 * ledger said at the very instant it was read.
 *
 * <p>Two rules keep an audit from crowding out the campaigns that share its Redis:
 * <ul>
 * <li>Each call is sized to take about {@link #TARGET_MICROS} of Redis time. The script says how
 *     long it ran; the next call of the same kind asks for as many items as fit that budget at
 *     the rate just measured (at most twice as many as the last, at least one).</li>
 * <li>After each call the audit pauses as long as it has been busy since the last pause (the call
 *     and the Java work around it, at most 50 ms): it never uses more than about half of Redis or
 *     of one core, at the price of taking about twice as long.</li>
 * </ul>
 */
final class AuditReader {
    static final String SCRIPT = "audit-read";
    /** The Redis time one call aims at: far below the 20 ms no call may exceed, and a small wait for a call queued behind it. */
    static final long TARGET_MICROS = 2_000;
    /** Items the first call of each kind asks for, and the most any call asks for. */
    static final int FIRST_SLICE = 50;
    static final int MAX_SLICE = 2_000;
    /** The longest an audit waits between two calls; see {@link #paced}. */
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** One slice: what was read, at which ledger position, with the campaign's policy and journal length. */
    record Slice(String position, TransferPolicy policy, long ledgerLength, List<String> rows) {
    }

    private final ScriptRunner runner;
    private final CampaignKeys keys;
    private final AuditControl control;
    /** Items per call, by kind of read, as the last call of that kind measured them. */
    private final Map<String, Integer> sliceSizes = new HashMap<>();
    private long busySince = System.nanoTime();
    private long longestCallMicros;
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

    /** How many items the next read of {@code kind} asks for. */
    int sliceSize(String kind) {
        return sliceSizes.getOrDefault(kind, FIRST_SLICE);
    }

    /** The longest Redis time of any call so far, in microseconds, as the script measured it. */
    long longestCallMicros() {
        return longestCallMicros;
    }

    /**
     * Reads one slice of {@code audit-read.lua} ({@code args}: what, then its arguments) that
     * asked for {@code items} items; the time it took sizes the next read of the same
     * {@code kind} (reads whose items cost alike).
     */
    Slice read(String kind, List<String> args, int items) {
        ScriptReply reply = call(kind, args, items);
        List<String> rows = new ArrayList<>();
        if (reply.values().get(4) instanceof List<?> list) {
            list.forEach(v -> rows.add(v == null ? "" : v.toString()));
        }
        return new Slice(reply.string(1), TransferPolicy.valueOf(reply.string(2)), reply.number(3), rows);
    }

    /** A read that covers no list of items (a position, or a few named fields). */
    Slice read(List<String> args) {
        return read(args.get(0), args, 0);
    }

    /**
     * Point reads ({@code op}: hvalues, zscores, sismember) of {@code items} of {@code key}, in
     * slices sized by time: hands each item and its value to {@code each} once the replay has
     * reached the slice's position, then that position to {@code sliceDone}.
     */
    void points(String op, String key, List<String> items, BiConsumer<String, String> each, Consumer<String> sliceDone) {
        for (int from = 0; from < items.size(); ) {
            List<String> batch = items.subList(from, Math.min(items.size(), from + sliceSize(op)));
            from += batch.size();
            List<String> args = new ArrayList<>(batch.size() + 2);
            args.add(op);
            args.add(key);
            args.addAll(batch);
            Slice s = read(op, args, batch.size());
            advanceTo(s.position());
            for (int i = 0; i < batch.size(); i++) {
                each.accept(batch.get(i), s.rows().get(i));
            }
            sliceDone.accept(s.position());
        }
    }

    /** Folds the journal into the replay up to and including entry {@code position}. */
    void advanceTo(String position) {
        while (compare(replay.lastEntryId(), position) < 0) {
            String start = replay.lastEntryId().isEmpty() ? "-" : "(" + replay.lastEntryId();
            int count = sliceSize("ledger");
            ScriptReply reply = call("ledger", List.of("ledger", start, Integer.toString(count)), count);
            @SuppressWarnings("unchecked")
            List<Object> items = reply.values().get(4) instanceof List<?> l ? (List<Object>) l : List.of();
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

    /** One paced call of the script; sizes the next call of its kind by the Redis time this one took. */
    private ScriptReply call(String kind, List<String> args, int items) {
        if (control.cancelled()) {
            throw new AuditCancelledException();
        }
        ScriptReply reply = paced(() -> runner.run(SCRIPT, List.of(keys.campaign(), keys.ledger()), List.copyOf(args)));
        long micros = Math.max(1, reply.number(5));
        longestCallMicros = Math.max(longestCallMicros, micros);
        if (items > 0) {
            sliceSizes.put(kind, nextSliceSize(items, micros));
        }
        return reply;
    }

    /**
     * Items the next call asks for after {@code items} took {@code micros} of Redis time: as many
     * as fit {@link #TARGET_MICROS} at that rate, at most twice as many as before (one fast call
     * proves little), never more than {@link #MAX_SLICE}, never fewer than one.
     */
    static int nextSliceSize(int items, long micros) {
        long fit = items * TARGET_MICROS / Math.max(1, micros);
        return (int) Math.max(1, Math.min(Math.min(MAX_SLICE, 2L * items), fit));
    }

    /**
     * One call, then a pause as long as the audit has been busy since its last pause (at most
     * 50 ms): an audit never keeps Redis, or a core, busy more than about half the time, so other
     * campaigns' settlements on the shard keep their latency while it runs, at the price of an
     * audit that takes about twice as long.
     */
    private ScriptReply paced(Supplier<CompletionStage<ScriptReply>> call) {
        ScriptReply reply = await(call.get());
        long busy = Math.min(System.nanoTime() - busySince, MAX_PAUSE_NANOS);
        try {
            TimeUnit.NANOSECONDS.sleep(busy);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditCancelledException();
        }
        busySince = System.nanoTime();
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
