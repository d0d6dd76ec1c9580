package dev.commission.core.queue;

import dev.commission.core.CommissionEngine;
import dev.commission.core.CommissionException;
import dev.commission.core.Reason;
import dev.commission.core.Validator;
import dev.commission.core.operation.ScriptReply;
import dev.commission.core.operation.ScriptRunner;
import dev.commission.core.order.Order;
import dev.commission.core.order.OrderLine;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.order.SettleStrategy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;

/**
 * The durable settlement queue: a settlement is accepted once its partition's stream holds it;
 * workers ({@link SettlementWorkers}) settle it through the engine, then acknowledge it. Every
 * change of the queue's state is one script ({@code lua/queue-*.lua}); reads go to the keys.
 */
public final class SettlementQueue {
    /** Deliveries after which a settlement that keeps failing is parked as a dead letter. */
    public static final int MAX_DELIVERIES = 10;
    public static final int MAX_BATCH = 500;
    private static final String[] SCRIPTS = {"queue-submit", "queue-read", "queue-claim", "queue-settled",
        "queue-retry", "queue-dead", "queue-replay", "queue-discard", "queue-stats", "queue-prune"};
    private static final String DEAD_LETTER_ID = "(\\d{1,2})/(\\d{1,20})-(\\d{1,20})";
    private static final int ENTRY_WIDTH = 10;

    private final RedissonClient redisson;
    private final ScriptRunner runner;
    private final CommissionEngine engine;
    private final boolean cluster;

    /** Loads the queue's scripts into Redis. */
    public SettlementQueue(RedissonClient redisson, ScriptRunner runner, CommissionEngine engine) {
        this.redisson = redisson;
        this.runner = runner;
        this.engine = engine;
        this.cluster = redisson.getConfig().isClusterConfig();
        for (String script : SCRIPTS) {
            runner.register(script);
        }
    }

    /**
     * Stores one settlement, after the same validation as {@link CommissionEngine#settle}. The same
     * order with the same payload answers where it stands; another payload is ORDER_CONFLICT.
     */
    public CompletionStage<Submission> submit(SettleCommission request) {
        return submitAll(List.of(request)).get(0);
    }

    /**
     * Stores each settlement, each validated and answered on its own (in the order given): the
     * valid ones go in one script call, or under Redis Cluster one call per partition (a script's
     * keys must share a slot there).
     */
    public List<CompletionStage<Submission>> submitAll(List<SettleCommission> requests) {
        List<CompletableFuture<Submission>> results = new ArrayList<>();
        QueueKeys[] keysOf = new QueueKeys[requests.size()];
        Map<Integer, List<Integer>> byCall = new java.util.TreeMap<>();
        for (int i = 0; i < requests.size(); i++) {
            SettleCommission request = requests.get(i);
            CompletableFuture<Submission> result = new CompletableFuture<>();
            results.add(result);
            try {
                request.validate();
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                continue;
            }
            keysOf[i] = QueueKeys.of(request.campaignId(), request.orderNo());
            byCall.computeIfAbsent(cluster ? keysOf[i].partition() : 0, p -> new ArrayList<>()).add(i);
        }
        byCall.forEach((call, members) -> {
            List<Object> scriptKeys = new ArrayList<>();
            List<Object> args = new ArrayList<>();
            for (int i : members) {
                SettleCommission r = requests.get(i);
                scriptKeys.add(keysOf[i].stream());
                scriptKeys.add(keysOf[i].settlement(r.campaignId(), r.orderNo()));
                args.add(SettleStrategy.fingerprint(r));
                args.add(entryText(r));
            }
            runner.run("queue-submit", scriptKeys, args).whenComplete((reply, failure) -> {
                for (int m = 0; m < members.size(); m++) {
                    int i = members.get(m);
                    SettleCommission r = requests.get(i);
                    if (failure != null) {
                        results.get(i).completeExceptionally(failure);
                        continue;
                    }
                    String word = reply.string(1 + 2 * m);
                    if (word.equals(Reason.ORDER_CONFLICT.name())) {
                        results.get(i).completeExceptionally(new CommissionException(Reason.ORDER_CONFLICT,
                                "order " + r.orderNo() + " was submitted with a different payload"));
                    } else if (word.equals("APPLIED") || word.equals("DUPLICATE")) {
                        results.get(i).complete(new Submission(r.campaignId(), r.orderNo(),
                                SettlementState.valueOf(reply.string(2 + 2 * m))));
                    } else {
                        results.get(i).completeExceptionally(new IllegalStateException("queue-submit answered " + word));
                    }
                }
            });
        });
        return new ArrayList<>(results);
    }

    /**
     * Where an order stands: its queue record, and the order itself (read through the engine) for
     * an order settled directly or settled while its entry waits for its acknowledgement.
     */
    public CompletionStage<Settlement> get(String campaignId, String orderNo) {
        return validated(() -> new Validator().id("campaign_id", campaignId).id("order_no", orderNo).throwIfInvalid(), () -> {
            QueueKeys keys = QueueKeys.of(campaignId, orderNo);
            CompletableFuture<Map<String, String>> record = redisson.<String, String>getMap(
                    keys.settlement(campaignId, orderNo), StringCodec.INSTANCE).readAllMapAsync().toCompletableFuture();
            CompletableFuture<Order> order = engine.getOrder(campaignId, orderNo).toCompletableFuture()
                    .handle((o, error) -> {
                        if (error == null) {
                            return o;
                        }
                        if (unwrap(error) instanceof CommissionException e && e.reason().kind() == Reason.Kind.NOT_FOUND) {
                            return null;
                        }
                        throw error instanceof RuntimeException r ? r : new IllegalStateException(error);
                    });
            return record.thenCombine(order, (r, o) -> settlement(campaignId, orderNo, r, o));
        });
    }

    private static Settlement settlement(String campaignId, String orderNo, Map<String, String> r, Order order) {
        boolean settled = order != null && order.state() != Order.State.AWAITING_SETTLEMENT;
        if (r.isEmpty()) {
            if (!settled) {
                throw new CommissionException(Reason.ORDER_NOT_FOUND,
                        "order " + orderNo + " was never submitted nor settled");
            }
            return new Settlement(campaignId, orderNo, SettlementState.SETTLED, 0, new QueueError("", "", ""),
                    order.settledCommissionFen(), 0, 0, "");
        }
        SettlementState state = SettlementState.valueOf(r.get("state"));
        if (settled && state == SettlementState.QUEUED) {
            state = SettlementState.SETTLED;
        }
        long commission = state == SettlementState.SETTLED
                ? (settled ? order.settledCommissionFen() : number(r, "commission")) : 0;
        return new Settlement(campaignId, orderNo, state, (int) number(r, "attempts"),
                new QueueError(r.get("err_code"), r.get("err_reason"), r.get("err_message")), commission,
                number(r, "queued_at"), number(r, "settled_at"),
                state == SettlementState.DEAD && r.containsKey("dead")
                        ? QueueKeys.of(campaignId, orderNo).partition() + "/" + r.get("dead") : "");
    }

    /** Dead letters, partition by partition, oldest first within each, optionally of one campaign. */
    public CompletionStage<DeadLetterPage> deadLetters(String campaignId, String after, int limit) {
        String filter = campaignId == null ? "" : campaignId;
        String from = after == null ? "" : after;
        return validated(() -> {
            Validator v = new Validator();
            if (!filter.isEmpty()) {
                v.id("campaign_id", filter);
            }
            v.check(from.isEmpty() || from.matches(DEAD_LETTER_ID) && partitionOf(from) < QueueKeys.PARTITIONS,
                    "after", "must be the next_after of an earlier page");
            v.range("limit", limit, 1, 1000).throwIfInvalid();
        }, () -> {
            int partition = from.isEmpty() ? 0 : partitionOf(from);
            StreamMessageId start = from.isEmpty() ? StreamMessageId.MIN : next(streamId(from));
            return page(partition, start, filter, limit, new ArrayList<>());
        });
    }

    private CompletionStage<DeadLetterPage> page(int partition, StreamMessageId start, String campaignId, int limit,
                                                 List<DeadLetter> found) {
        if (partition >= QueueKeys.PARTITIONS) {
            return CompletableFuture.completedFuture(new DeadLetterPage(found, ""));
        }
        QueueKeys keys = new QueueKeys(partition);
        int batch = Math.max(limit - found.size(), 50);
        return redisson.<String, String>getStream(keys.deadLetters(), StringCodec.INSTANCE)
                .rangeAsync(batch, start, StreamMessageId.MAX).toCompletableFuture()
                .thenCompose(entries -> statuses(keys, entries.keySet()).thenCompose(statuses -> {
                    StreamMessageId last = null;
                    for (Map.Entry<StreamMessageId, Map<String, String>> e : entries.entrySet()) {
                        last = e.getKey();
                        DeadLetter letter = deadLetter(partition, e.getKey(), e.getValue(), statuses.get(e.getKey().toString()));
                        if (campaignId.isEmpty() || campaignId.equals(letter.request().campaignId())) {
                            found.add(letter);
                            if (found.size() == limit) {
                                return CompletableFuture.completedFuture(
                                        new DeadLetterPage(found, letter.id()));
                            }
                        }
                    }
                    if (entries.size() == batch) {
                        return page(partition, next(last), campaignId, limit, found);
                    }
                    return page(partition + 1, StreamMessageId.MIN, campaignId, limit, found);
                }));
    }

    private CompletionStage<Map<String, String>> statuses(QueueKeys keys, java.util.Set<StreamMessageId> ids) {
        LinkedHashSet<String> names = new LinkedHashSet<>();
        ids.forEach(id -> names.add(id.toString()));
        if (names.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        return redisson.<String, String>getMap(keys.deadLetterStatus(), StringCodec.INSTANCE).getAllAsync(names);
    }

    private static DeadLetter deadLetter(int partition, StreamMessageId id, Map<String, String> f, String status) {
        String state = status == null ? "OPEN" : status;
        String[] parts = state.split("\\|", 3);
        DeadLetter.Status letterStatus = DeadLetter.Status.valueOf(parts[0]);
        return new DeadLetter(partition + "/" + id, request(f), (int) number(f, "attempts"),
                new QueueError(f.get("code"), f.get("reason"), f.get("message")), number(f, "at"), letterStatus,
                parts.length > 1 ? Long.parseLong(parts[1]) : 0, parts.length > 2 ? parts[2] : "");
    }

    /** Queues an open dead letter again with a fresh delivery count; a replayed one answers as it is. */
    public CompletionStage<DeadLetter> replay(String id) {
        return closeLetter("queue-replay", id, List.of());
    }

    /** Closes an open dead letter without settling it, keeping the reason with it. */
    public CompletionStage<DeadLetter> discard(String id, String reason) {
        return validated(() -> new Validator().text("reason", reason, 500).throwIfInvalid(),
                () -> closeLetter("queue-discard", id, List.of(reason)));
    }

    private CompletionStage<DeadLetter> closeLetter(String script, String id, List<Object> extra) {
        return validated(() -> new Validator().check(id != null && id.matches(DEAD_LETTER_ID)
                        && partitionOf(id) < QueueKeys.PARTITIONS, "id", "must be a dead letter id such as 3/1700000000000-0")
                .throwIfInvalid(), () -> letter(id).thenCompose(letter -> {
                    SettleCommission r = letter.request();
                    QueueKeys keys = new QueueKeys(partitionOf(id));
                    List<Object> args = new ArrayList<>(List.of(streamId(id).toString(), r.campaignId(), r.orderNo()));
                    args.addAll(extra);
                    return runner.run(script, List.of(keys.stream(), keys.settlement(r.campaignId(), r.orderNo()),
                            keys.deadLetters(), keys.deadLetterStatus(), keys.stats()), args);
                }).thenCompose(reply -> letter(id)));
    }

    private CompletionStage<DeadLetter> letter(String id) {
        int partition = partitionOf(id);
        QueueKeys keys = new QueueKeys(partition);
        StreamMessageId streamId = streamId(id);
        return redisson.<String, String>getStream(keys.deadLetters(), StringCodec.INSTANCE)
                .rangeAsync(1, streamId, streamId).toCompletableFuture()
                .thenCompose(entries -> {
                    Map<String, String> fields = entries.get(streamId);
                    if (fields == null) {
                        throw new CommissionException(Reason.DEAD_LETTER_NOT_FOUND, "no dead letter " + id);
                    }
                    return statuses(keys, entries.keySet())
                            .thenApply(s -> deadLetter(partition, streamId, fields, s.get(streamId.toString())));
                });
    }

    /** The figures of every partition, and their sums. */
    public CompletionStage<QueueStats> stats() {
        List<CompletableFuture<QueueStats.Partition>> parts = new ArrayList<>();
        for (int p = 0; p < QueueKeys.PARTITIONS; p++) {
            QueueKeys keys = new QueueKeys(p);
            int partition = p;
            parts.add(runner.run("queue-stats", List.of(keys.stream(), keys.stats()), List.of(QueueKeys.GROUP))
                    .thenApply(reply -> {
                        String oldest = reply.string(3);
                        long age = oldest.isEmpty() ? 0
                                : Math.max(0, reply.number(4) - Long.parseLong(oldest.substring(0, oldest.indexOf('-'))));
                        return new QueueStats.Partition(partition, reply.number(1), reply.number(2), age,
                                reply.number(5), reply.number(6));
                    }).toCompletableFuture());
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<QueueStats.Partition> list = parts.stream().map(CompletableFuture::join).toList();
            QueueStats.Partition total = new QueueStats.Partition(-1,
                    list.stream().mapToLong(QueueStats.Partition::depth).sum(),
                    list.stream().mapToLong(QueueStats.Partition::inFlight).sum(),
                    list.stream().mapToLong(QueueStats.Partition::oldestUnacknowledgedMs).max().orElse(0),
                    list.stream().mapToLong(QueueStats.Partition::deliveriesRetried).sum(),
                    list.stream().mapToLong(QueueStats.Partition::deadLetters).sum());
            return new QueueStats(list, total);
        });
    }

    // What workers do.

    /** Delivers to {@code consumer} up to {@code count} entries of a partition never delivered before. */
    CompletionStage<List<QueueEntry>> read(int partition, String consumer, int count) {
        QueueKeys keys = new QueueKeys(partition);
        return runner.run("queue-read", List.of(keys.stream()), List.of(QueueKeys.GROUP, consumer, Integer.toString(count)))
                .thenApply(reply -> entries(partition, reply, 1));
    }

    /**
     * Forgets the consumers of a partition that hold nothing and have not read for {@code idleMs}:
     * those of instances that are gone. Returns their names.
     */
    CompletionStage<List<String>> prune(int partition, long idleMs) {
        QueueKeys keys = new QueueKeys(partition);
        return runner.run("queue-prune", List.of(keys.stream()), List.of(QueueKeys.GROUP, Long.toString(idleMs)))
                .thenApply(reply -> {
                    List<String> gone = new ArrayList<>();
                    for (int i = 1; i < reply.size(); i++) {
                        gone.add(reply.string(i));
                    }
                    return gone;
                });
    }

    /** Entries taken over by a claim, and where the next claim of the partition starts. */
    record Claim(String cursor, List<QueueEntry> entries) {
    }

    /**
     * Takes over the entries of a partition whose last delivery was not acknowledged within its
     * back-off: {@code visibilityMs} doubled per delivery made, at most {@code longestBackoffMs}.
     */
    CompletionStage<Claim> claim(int partition, String consumer, long visibilityMs, long longestBackoffMs, int count,
                                 String cursor) {
        QueueKeys keys = new QueueKeys(partition);
        return runner.run("queue-claim", List.of(keys.stream(), keys.stats()), List.of(QueueKeys.GROUP, consumer,
                        Long.toString(visibilityMs), Long.toString(longestBackoffMs), Integer.toString(count), cursor))
                .thenApply(reply -> new Claim(reply.string(1), entries(partition, reply, 2)));
    }

    /** A delivered entry whose settlement succeeded, crediting {@code commissionFen}. */
    record Settled(QueueEntry entry, long commissionFen) {
    }

    /** Acknowledges settled entries of one partition, in one script call. */
    CompletionStage<ScriptReply> settled(int partition, List<Settled> settled) {
        QueueKeys keys = new QueueKeys(partition);
        List<Object> scriptKeys = new ArrayList<>(List.of(keys.stream()));
        List<Object> args = new ArrayList<>(List.of(QueueKeys.GROUP));
        for (Settled s : settled) {
            SettleCommission r = s.entry().request();
            scriptKeys.add(keys.settlement(r.campaignId(), r.orderNo()));
            args.addAll(List.of(s.entry().entryId(), Integer.toString(s.entry().deliveries()), Long.toString(s.commissionFen())));
        }
        return runner.run("queue-settled", scriptKeys, args);
    }

    CompletionStage<ScriptReply> retry(QueueEntry entry, QueueError error) {
        QueueKeys keys = new QueueKeys(entry.partition());
        SettleCommission r = entry.request();
        return runner.run("queue-retry", List.of(keys.stream(), keys.settlement(r.campaignId(), r.orderNo())),
                List.of(entry.entryId(), Integer.toString(entry.deliveries()), error.code(), error.reason(), error.message()));
    }

    CompletionStage<ScriptReply> dead(QueueEntry entry, int attempts, QueueError error) {
        QueueKeys keys = new QueueKeys(entry.partition());
        SettleCommission r = entry.request();
        return runner.run("queue-dead", List.of(keys.stream(), keys.settlement(r.campaignId(), r.orderNo()),
                        keys.deadLetters(), keys.deadLetterStatus(), keys.stats()),
                List.of(QueueKeys.GROUP, entry.entryId(), Integer.toString(attempts), error.code(), error.reason(),
                        error.message()));
    }

    private static List<QueueEntry> entries(int partition, ScriptReply reply, int from) {
        List<QueueEntry> entries = new ArrayList<>();
        for (int i = from; i + ENTRY_WIDTH <= reply.size(); i += ENTRY_WIDTH) {
            SettleCommission request = new SettleCommission(reply.string(i + 2), reply.string(i + 3), reply.string(i + 4),
                    parseLines(reply.string(i + 7)), reply.string(i + 5), reply.string(i + 6), reply.string(i + 9),
                    reply.string(i + 8));
            entries.add(new QueueEntry(partition, reply.string(i), (int) reply.number(i + 1) + (from == 1 ? 0 : 1), request));
        }
        return entries;
    }

    private static SettleCommission request(Map<String, String> f) {
        return new SettleCommission(f.get("c"), f.get("o"), f.get("s"), parseLines(f.getOrDefault("l", "")),
                f.get("r"), f.get("g"), f.get("n"), f.get("b"));
    }

    /**
     * A settlement as its stream entry stores it, in the one field {@code e}: campaign id, order no,
     * steward id, region, group, lines, buyer id and steward name, joined by single spaces (an
     * empty one as an empty token), the name last since it may hold spaces (ids and lines hold
     * none). queue_fields in shared.lua reads it back; one field instead of eight saves Redis
     * handling each argument on the way in, in the script, in the append-only file and in the stream.
     */
    static String entryText(SettleCommission r) {
        return String.join(" ", r.campaignId(), r.orderNo(), r.stewardId(), r.regionId(), r.groupId(), lines(r.lines()),
                r.buyerId(), r.stewardName());
    }

    /** Lines as stored in a stream entry: {@code sku,quantity,paid_fen} joined by {@code ;} (ids hold neither). */
    static String lines(List<OrderLine> lines) {
        StringBuilder text = new StringBuilder();
        for (OrderLine line : lines) {
            if (!text.isEmpty()) {
                text.append(';');
            }
            text.append(line.skuId()).append(',').append(line.quantity()).append(',').append(line.paidFen());
        }
        return text.toString();
    }

    static List<OrderLine> parseLines(String text) {
        List<OrderLine> lines = new ArrayList<>();
        if (text.isEmpty()) {
            return lines;
        }
        for (String line : text.split(";")) {
            String[] parts = line.split(",");
            lines.add(new OrderLine(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2])));
        }
        return lines;
    }

    private static int partitionOf(String deadLetterId) {
        return Integer.parseInt(deadLetterId.substring(0, deadLetterId.indexOf('/')));
    }

    private static StreamMessageId streamId(String deadLetterId) {
        String id = deadLetterId.substring(deadLetterId.indexOf('/') + 1);
        int dash = id.indexOf('-');
        return new StreamMessageId(Long.parseUnsignedLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1)));
    }

    private static StreamMessageId next(StreamMessageId id) {
        return new StreamMessageId(id.getId0(), id.getId1() + 1);
    }

    private static long number(Map<String, String> hash, String field) {
        String value = hash.get(field);
        return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
    }

    static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof java.util.concurrent.CompletionException || e instanceof java.util.concurrent.ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static <T> CompletionStage<T> validated(Runnable validation, Supplier<CompletionStage<T>> action) {
        try {
            validation.run();
            return action.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
