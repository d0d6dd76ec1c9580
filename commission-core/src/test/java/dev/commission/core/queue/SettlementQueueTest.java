package dev.commission.core.queue;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.campaign;
import static dev.commission.core.EngineFixture.engine;
import static dev.commission.core.EngineFixture.lines;
import static dev.commission.core.EngineFixture.refused;
import static dev.commission.core.EngineFixture.steward;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.core.CommissionException;
import dev.commission.core.Reason;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.order.SettleResult;
import dev.commission.core.order.SettleStrategy;
import dev.commission.core.steward.Steward;
import dev.commission.core.testing.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.api.RScript;
import org.redisson.api.stream.StreamConsumer;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.RedisTimeoutException;
import org.redisson.client.codec.StringCodec;

/** The settlement queue against a real redis-server, with workers on short timeouts. */
@ExtendWith(RedisExtension.class)
class SettlementQueueTest {
    private static final SettlementWorkers.Options FAST = SettlementWorkers.Options.defaults(2)
            .withTimeouts(Duration.ofMillis(100), Duration.ofMillis(400));

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    /** The last request a worker settled, per order. */
    private final Map<String, SettleCommission> delivered = new ConcurrentHashMap<>();
    private SettlementWorkers workers;

    @BeforeEach
    void campaignWithStewards() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
    }

    @AfterEach
    void stopWorkers() {
        if (workers != null) {
            workers.stop(Duration.ofSeconds(10));
        }
    }

    private static SettlementQueue queue() {
        return engine().settlements();
    }

    private static SettleCommission order(String orderNo, long paidFen) {
        return new SettleCommission("c1", orderNo, "s1", lines(paidFen));
    }

    private void startWorkers(Function<SettleCommission, CompletionStage<SettleResult>> settle) {
        workers = new SettlementWorkers(queue(), request -> {
            calls.computeIfAbsent(request.orderNo(), o -> new AtomicInteger()).incrementAndGet();
            delivered.put(request.orderNo(), request);
            return settle.apply(request);
        }, SettlementWorkers::describeInCore, FAST).start();
    }

    private static Settlement settlement(String orderNo) {
        return await(queue().get("c1", orderNo));
    }

    private static void waitFor(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 30 s: " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Waits for the state; for SETTLED also for the acknowledgement, which records the attempts. */
    private static void waitForState(String orderNo, SettlementState state) {
        waitFor(orderNo + " " + state, () -> settlement(orderNo).state() == state);
        if (state == SettlementState.SETTLED) {
            waitFor("acknowledged", () -> await(queue().stats()).total().depth() == 0);
        }
    }

    @Test
    void anAcceptedSettlementIsSettledOnceAndReadsSettled() {
        Submission submitted = await(queue().submit(order("o1", 10_000)));
        assertEquals(SettlementState.QUEUED, submitted.state());
        assertEquals(SettlementState.QUEUED, settlement("o1").state());

        startWorkers(engine()::settle);
        waitForState("o1", SettlementState.SETTLED);

        Settlement settled = settlement("o1");
        assertEquals(1_000, settled.commissionFen());
        assertEquals(1, settled.attempts());
        assertTrue(settled.queuedAtMs() > 0 && settled.settledAtMs() >= settled.queuedAtMs(), settled.toString());
        assertEquals(1_000, await(engine().getSteward("c1", "s1")).earnedFen());
        waitFor("stream drained", () -> await(queue().stats()).total().depth() == 0);
    }

    @Test
    void queuedAtIsTheMillisecondOfTheEntryId() {
        await(queue().submit(order("o1", 10_000)));

        Map<String, String> record = record("o1");
        String entryMs = record.get("entry").substring(0, record.get("entry").indexOf('-'));
        assertEquals(entryMs, record.get("queued_at"));
        assertEquals(Long.parseLong(entryMs), settlement("o1").queuedAtMs());
    }

    /** An entry is one field: campaign, order, steward, region, group, lines, buyer, name, spaces between. */
    @Test
    void anEntryIsOneFieldWithEmptyTokensForTheFieldsNotGivenAndSettlesWithThemEmpty() {
        await(queue().submit(order("o1", 10_000)));
        assertEquals(Map.of("e", "c1 o1 s1   sku-0,1,10000  "), entryFields("o1"));

        startWorkers(engine()::settle);
        waitForState("o1", SettlementState.SETTLED);
        assertEquals(order("o1", 10_000), delivered.get("o1"));
        assertEquals(1_000, settlement("o1").commissionFen());
    }

    @Test
    void anEntryWithEveryFieldCarriesThemAllToTheSettlement() {
        SettleCommission full = new SettleCommission("c1", "o1", "s2", lines(10_000), "r2", "g2", "Steward Two", "v1");
        await(queue().submit(full));
        assertEquals(Map.of("e", "c1 o1 s2 r2 g2 sku-0,1,10000 v1 Steward Two"), entryFields("o1"));

        startWorkers(engine()::settle);
        waitForState("o1", SettlementState.SETTLED);
        assertEquals(full, delivered.get("o1"));
        Steward placed = await(engine().getSteward("c1", "s2"));
        assertEquals(List.of("Steward Two", "r2", "g2", 1_000L),
                List.of(placed.name(), placed.regionId(), placed.groupId(), placed.earnedFen()));
    }

    /** Entries and records stored before empty fields and attempts 0 were left out still settle. */
    @Test
    void anEntryOfThePreviousLayoutWithEmptyFieldsIsSettledTheSame() {
        SettleCommission request = order("o1", 10_000);
        QueueKeys keys = QueueKeys.of("c1", "o1");
        RedisExtension.redisson().getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, """
                        local id = redis.call('XADD', KEYS[1], '*', 'c', ARGV[1], 'o', ARGV[2], 's', ARGV[3], 'r', '',
                          'g', '', 'n', '', 'l', ARGV[4])
                        redis.call('HSET', KEYS[2], 'fp', ARGV[5], 'state', 'QUEUED', 'entry', id, 'queued_at',
                          ARGV[6], 'attempts', 0)
                        return id
                        """, RScript.ReturnType.STRING, List.of(keys.stream(), keys.settlement("c1", "o1")),
                "c1", "o1", "s1", SettlementQueue.lines(request.lines()), SettleStrategy.fingerprint(request), "1");
        assertEquals(Set.of("c", "o", "s", "r", "g", "n", "l"), entryFields("o1").keySet());
        assertEquals(SettlementState.QUEUED, await(queue().submit(request)).state());

        startWorkers(engine()::settle);
        waitForState("o1", SettlementState.SETTLED);
        assertEquals(request, delivered.get("o1"));
        assertEquals(1, settlement("o1").attempts());
        assertEquals(1_000, await(engine().getSteward("c1", "s1")).earnedFen());
        assertEquals(1, calls.get("o1").get());
    }

    /**
     * An entry of the layout earlier versions wrote (one field per non-empty value, here with a name
     * that holds spaces) is delivered with every field; parked, its dead letter holds them all; a
     * replay queues it again as one field, which settles it.
     */
    @Test
    void anEntryOfTheByFieldLayoutIsDeadLetteredAndReplayedAsOneFieldWithEveryField() {
        SettleCommission request = new SettleCommission("c1", "o1", "s2", lines(10_000), "r2", "g2", "Steward  Two", "v1");
        QueueKeys keys = QueueKeys.of("c1", "o1");
        RedisExtension.redisson().getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, """
                        local id = redis.call('XADD', KEYS[1], '*', 'c', 'c1', 'o', 'o1', 's', 's2', 'r', 'r2', 'g', 'g2',
                          'l', ARGV[1], 'b', 'v1', 'n', 'Steward  Two')
                        redis.call('HSET', KEYS[2], 'fp', ARGV[2], 'state', 'QUEUED', 'entry', id, 'queued_at',
                          string.match(id, '^%d+'))
                        return id
                        """, RScript.ReturnType.STRING, List.of(keys.stream(), keys.settlement("c1", "o1")),
                SettlementQueue.lines(request.lines()), SettleStrategy.fingerprint(request));
        startWorkers(r -> CompletableFuture.failedFuture(new CommissionException(Reason.CAMPAIGN_CLOSED, "fault injected")));
        waitForState("o1", SettlementState.DEAD);
        assertEquals(request, delivered.get("o1"));
        stopWorkers();

        DeadLetter letter = await(queue().replay(settlement("o1").deadLetterId()));
        assertEquals(request, letter.request());
        assertEquals(Map.of("e", "c1 o1 s2 r2 g2 sku-0,1,10000 v1 Steward  Two"), entryFields("o1"));
        delivered.remove("o1");
        startWorkers(engine()::settle);
        waitForState("o1", SettlementState.SETTLED);
        assertEquals(request, delivered.get("o1"));
        assertEquals(1_000, await(engine().getSteward("c1", "s2")).earnedFen());
    }

    @Test
    void aResubmissionIsHarmlessAndAnotherPayloadIsAConflict() {
        await(queue().submit(order("o1", 10_000)));
        assertEquals(SettlementState.QUEUED, await(queue().submit(order("o1", 10_000))).state());
        refused(Reason.ORDER_CONFLICT, () -> await(queue().submit(order("o1", 20_000))));
        assertEquals(1, await(queue().stats()).total().depth());

        startWorkers(engine()::settle);
        waitForState("o1", SettlementState.SETTLED);
        assertEquals(SettlementState.SETTLED, await(queue().submit(order("o1", 10_000))).state());
        assertEquals(1, calls.get("o1").get());
        assertEquals(1_000, await(engine().getSteward("c1", "s1")).earnedFen());
    }

    @Test
    void badInputIsRefusedUpFrontAndNothingIsQueued() {
        CommissionException e = refused(Reason.INVALID_ARGUMENT,
                () -> await(queue().submit(new SettleCommission("c1", "o 1", "s1", lines(-5)))));
        assertTrue(e.violations().stream().anyMatch(v -> v.field().equals("lines[0].paid_fen")), e.violations().toString());
        assertEquals(0, await(queue().stats()).total().depth());
        refused(Reason.ORDER_NOT_FOUND, () -> settlement("o1"));
    }

    @Test
    void anOrderSettledDirectlyReadsSettled() {
        await(engine().settle(order("o7", 5_000)));
        Settlement s = settlement("o7");
        assertEquals(SettlementState.SETTLED, s.state());
        assertEquals(500, s.commissionFen());
        assertEquals(0, s.attempts());
    }

    @Test
    void aTransientFaultIsRetriedWithBackOffAndSettledOnceAtTheFourthAttempt() {
        await(queue().submit(order("o1", 10_000)));
        startWorkers(request -> calls.get(request.orderNo()).get() <= 3
                ? CompletableFuture.failedFuture(new RedisTimeoutException("fault injected"))
                : engine().settle(request));

        waitForState("o1", SettlementState.SETTLED);
        Settlement s = settlement("o1");
        assertEquals(4, s.attempts());
        assertEquals("RedisTimeoutException", s.lastError().reason());
        assertEquals(4, calls.get("o1").get());
        assertEquals(1_000, await(engine().getSteward("c1", "s1")).earnedFen());
        assertEquals(3, await(queue().stats()).total().deliveriesRetried());
    }

    @Test
    void aPersistentFaultIsDeadLetteredAfterTenDeliveriesThenReplayedAndSettledOnce() {
        AtomicInteger broken = new AtomicInteger(1);
        await(queue().submit(order("o1", 10_000)));
        startWorkers(request -> broken.get() == 1
                ? CompletableFuture.failedFuture(new RedisTimeoutException("still broken"))
                : engine().settle(request));

        waitForState("o1", SettlementState.DEAD);
        Settlement dead = settlement("o1");
        assertEquals(10, dead.attempts());
        assertEquals(10, calls.get("o1").get());
        DeadLetterPage page = await(queue().deadLetters("c1", "", 10));
        assertEquals(1, page.deadLetters().size());
        DeadLetter letter = page.deadLetters().get(0);
        assertEquals(dead.deadLetterId(), letter.id());
        assertEquals(10, letter.attempts());
        assertEquals(DeadLetter.Status.OPEN, letter.status());
        assertEquals(order("o1", 10_000), letter.request());
        assertEquals(1, await(queue().stats()).total().deadLetters());

        broken.set(0);
        assertEquals(DeadLetter.Status.REPLAYED, await(queue().replay(letter.id())).status());
        assertEquals(DeadLetter.Status.REPLAYED, await(queue().replay(letter.id())).status());
        waitForState("o1", SettlementState.SETTLED);
        assertEquals(1, settlement("o1").attempts());
        assertEquals(11, calls.get("o1").get());
        assertEquals(1_000, await(engine().getSteward("c1", "s1")).earnedFen());
        assertEquals(0, await(queue().stats()).total().deadLetters());
        refused(Reason.DEAD_LETTER_CLOSED, () -> await(queue().discard(letter.id(), "too late")));
    }

    @Test
    void aReplayedDeadLetterQueuesEveryFieldOfTheSettlementAgain() {
        SettleCommission request = new SettleCommission("c1", "o1", "s2", lines(10_000), "r2", "g2", "", "v1");
        AtomicInteger broken = new AtomicInteger(1);
        await(queue().submit(request));
        startWorkers(r -> broken.get() == 1
                ? CompletableFuture.failedFuture(new CommissionException(Reason.CAMPAIGN_CLOSED, "fault injected"))
                : engine().settle(r));
        waitForState("o1", SettlementState.DEAD);

        broken.set(0);
        await(queue().replay(settlement("o1").deadLetterId()));
        waitForState("o1", SettlementState.SETTLED);
        assertEquals(request, delivered.get("o1"));
        assertEquals(1_000, await(engine().getSteward("c1", "s2")).earnedFen());
    }

    @Test
    void aRefusalOfTheRulesIsDeadLetteredAtOnceAndADiscardedLetterStaysVisible() {
        await(queue().submit(new SettleCommission("c1", "o1", "ghost", lines(1_000))));
        await(queue().submit(new SettleCommission("nope", "o2", "s1", lines(1_000))));
        startWorkers(engine()::settle);

        waitForState("o1", SettlementState.DEAD);
        waitFor("o2 dead", () -> await(queue().get("nope", "o2")).state() == SettlementState.DEAD);
        Settlement s = settlement("o1");
        assertEquals(1, s.attempts());
        assertEquals("STEWARD_NOT_FOUND", s.lastError().reason());
        assertEquals(2, await(queue().deadLetters("", "", 10)).deadLetters().size());
        assertEquals(1, await(queue().deadLetters("nope", "", 10)).deadLetters().size());

        DeadLetter discarded = await(queue().discard(s.deadLetterId(), "steward left the company"));
        assertEquals(DeadLetter.Status.DISCARDED, discarded.status());
        assertEquals("steward left the company", discarded.discardReason());
        DeadLetter listed = await(queue().deadLetters("c1", "", 10)).deadLetters().get(0);
        assertEquals(DeadLetter.Status.DISCARDED, listed.status());
        assertEquals(SettlementState.DEAD, settlement("o1").state());
        refused(Reason.DEAD_LETTER_CLOSED, () -> await(queue().replay(s.deadLetterId())));
        refused(Reason.DEAD_LETTER_NOT_FOUND, () -> await(queue().replay("3/1-0")));
    }

    @Test
    void anEntryReadByAWorkerThatDiedBeforeAcknowledgingIsSettledOnceByAnother() {
        await(queue().submit(order("o1", 10_000)));
        for (int p = 0; p < QueueKeys.PARTITIONS; p++) {
            await(queue().read(p, "died", 10));
        }
        assertEquals(1, await(queue().stats()).total().inFlight());

        startWorkers(engine()::settle);
        waitForState("o1", SettlementState.SETTLED);
        assertEquals(2, settlement("o1").attempts());
        assertEquals(1, calls.get("o1").get());
        assertEquals(1_000, await(engine().getSteward("c1", "s1")).earnedFen());
    }

    @Test
    void manyOrdersSettleExactlyOnce() {
        int n = 300;
        for (int i = 0; i < n; i++) {
            await(queue().submit(order("m" + i, 1_000)));
        }
        startWorkers(engine()::settle);
        waitFor("all settled", () -> await(queue().stats()).total().depth() == 0);
        assertEquals(n * 100L, await(engine().getSteward("c1", "s1")).earnedFen());
        assertTrue(await(engine().reconcile("c1")).clean());
        assertEquals(List.of(), calls.entrySet().stream().filter(e -> e.getValue().get() != 1).map(Map.Entry::getKey).toList());
    }

    @Test
    void stoppingFinishesTheEntriesAWorkerHoldsAndAcknowledgesThem() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CompletableFuture<Void> release = new CompletableFuture<>();
        // One worker with the default 30 s visibility: nobody else takes the entry while it is held.
        workers = new SettlementWorkers(queue(), request -> {
            calls.computeIfAbsent(request.orderNo(), o -> new AtomicInteger()).incrementAndGet();
            held.countDown();
            return release.thenCompose(v -> engine().settle(request));
        }, SettlementWorkers::describeInCore, SettlementWorkers.Options.defaults(1)).start();
        await(queue().submit(order("o1", 10_000)));
        assertTrue(held.await(30, TimeUnit.SECONDS), "the worker took the entry");

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> workers.stop(Duration.ofSeconds(30)));
        release.complete(null);
        stopped.get(30, TimeUnit.SECONDS);

        assertEquals(SettlementState.SETTLED, settlement("o1").state());
        assertEquals(0, await(queue().stats()).total().inFlight(), "acknowledged before the worker stopped");
        assertEquals(1, calls.get("o1").get());
        assertEquals(1_000, await(engine().getSteward("c1", "s1")).earnedFen());
    }

    @Test
    void theConsumerOfAnInstanceThatIsGoneIsForgottenOnceItHoldsNothing() {
        await(queue().submit(order("o1", 10_000)));
        for (int p = 0; p < QueueKeys.PARTITIONS; p++) {
            await(queue().read(p, "gone", 10));
        }
        int partition = QueueKeys.of("c1", "o1").partition();
        assertTrue(consumers(partition).contains("gone"));

        workers = new SettlementWorkers(queue(), engine()::settle, SettlementWorkers::describeInCore,
                FAST.withForgetConsumers(Duration.ofMillis(300))).start();
        waitForState("o1", SettlementState.SETTLED);
        for (int p = 0; p < QueueKeys.PARTITIONS; p++) {
            int partitionNow = p;
            waitFor("consumer 'gone' forgotten in partition " + p, () -> !consumers(partitionNow).contains("gone"));
        }
        assertEquals(1_000, await(engine().getSteward("c1", "s1")).earnedFen());
    }

    /** The order's record in the queue, as stored. */
    private static Map<String, String> record(String orderNo) {
        return RedisExtension.redisson().<String, String>getMap(QueueKeys.of("c1", orderNo).settlement("c1", orderNo),
                StringCodec.INSTANCE).readAllMap();
    }

    /** The fields of the order's entry, as stored in its partition's stream. */
    private static Map<String, String> entryFields(String orderNo) {
        return RedisExtension.redisson().<String, String>getStream(QueueKeys.of("c1", orderNo).stream(), StringCodec.INSTANCE)
                .range(StreamMessageId.MIN, StreamMessageId.MAX).values().stream()
                .filter(fields -> orderNo.equals(fields.containsKey("e") ? fields.get("e").split(" ")[1] : fields.get("o")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no entry of " + orderNo));
    }

    private static List<String> consumers(int partition) {
        return RedisExtension.redisson().<String, String>getStream(new QueueKeys(partition).stream(), StringCodec.INSTANCE)
                .listConsumers(QueueKeys.GROUP).stream().map(StreamConsumer::getName).toList();
    }
}
