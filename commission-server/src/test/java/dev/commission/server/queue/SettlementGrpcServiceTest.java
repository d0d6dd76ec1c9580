package dev.commission.server.queue;

import static dev.commission.server.testing.Refusals.refused;
import static dev.commission.server.testing.Refusals.violatedFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.api.v1.DeadLetter;
import dev.commission.api.v1.DeadLetterStatus;
import dev.commission.api.v1.DiscardDeadLetterRequest;
import dev.commission.api.v1.GetCampaignMetricsRequest;
import dev.commission.api.v1.GetQueueStatsRequest;
import dev.commission.api.v1.GetSettlementRequest;
import dev.commission.api.v1.ListDeadLettersRequest;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.QueueStats;
import dev.commission.api.v1.RegisterStewardRequest;
import dev.commission.api.v1.ReplayDeadLetterRequest;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.Settlement;
import dev.commission.api.v1.SettlementServiceGrpc.SettlementServiceBlockingStub;
import dev.commission.api.v1.SettlementState;
import dev.commission.api.v1.SubmitSettlementResult;
import dev.commission.api.v1.SubmitSettlementsRequest;
import dev.commission.api.v1.SubmitSettlementsResponse;
import dev.commission.core.EngineFixture;
import dev.commission.core.queue.QueueKeys;
import dev.commission.core.queue.SettlementWorkers;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.testing.InProcessServer;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.client.codec.StringCodec;

/** SettlementService in process against a real redis-server, with workers on short timeouts. */
@ExtendWith(RedisExtension.class)
class SettlementGrpcServiceTest {
    private InProcessServer server;
    private SettlementServiceBlockingStub settlement;
    private SettlementWorkers workers;

    @BeforeEach
    void start() {
        server = InProcessServer.start(EngineFixture.engine(), RedisExtension.redisson()).withCampaignC1();
        settlement = server.settlement();
    }

    @AfterEach
    void stop() {
        if (workers != null) {
            workers.stop(Duration.ofSeconds(10));
        }
        server.close();
    }

    private void startWorkers() {
        workers = new SettlementWorkers(EngineFixture.engine().settlements(), EngineFixture.engine()::settle,
                SettlementGrpcService::describe, SettlementWorkers.Options.defaults(2)
                .withTimeouts(Duration.ofMillis(100), Duration.ofMillis(400))).start();
    }

    private static SettleCommissionRequest order(String orderNo, long paidFen) {
        return SettleCommissionRequest.newBuilder().setCampaignId("c1").setOrderNo(orderNo).setStewardId("s1")
                .addLines(OrderLine.newBuilder().setSkuId("sku").setQuantity(1).setPaidFen(paidFen)).build();
    }

    private Settlement get(String orderNo) {
        return settlement.getSettlement(GetSettlementRequest.newBuilder().setCampaignId("c1").setOrderNo(orderNo).build());
    }

    private static void waitFor(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 30 s: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /**
     * A submission carries its buyer to the settlement (the campaign then counts one buyer); a
     * resubmission with another buyer, or none, is a conflict like any other payload difference.
     */
    @Test
    void aSubmissionCarriesItsBuyerAndAnotherBuyerIsAConflict() {
        SettleCommissionRequest.Builder order = order("o1", 10_000).toBuilder();
        settlement.submitSettlement(order.setBuyerId("v1").build());
        assertEquals(SettlementState.QUEUED, settlement.submitSettlement(order.setBuyerId("v1").build()).getState());
        refused(Code.ALREADY_EXISTS, "ORDER_CONFLICT", () -> settlement.submitSettlement(order.setBuyerId("v2").build()));
        refused(Code.ALREADY_EXISTS, "ORDER_CONFLICT", () -> settlement.submitSettlement(order.clearBuyerId().build()));

        startWorkers();
        waitFor("o1 settled", () -> get("o1").getState() == SettlementState.SETTLED);
        assertEquals(1, server.metrics().getCampaignMetrics(GetCampaignMetricsRequest.newBuilder().setCampaignId("c1")
                .build()).getBuyers());
    }

    @Test
    void aSubmissionIsQueuedThenSettledAndReadsWhereItStands() {
        assertEquals(SettlementState.QUEUED, settlement.submitSettlement(order("o1", 10_000)).getState());
        assertEquals(SettlementState.QUEUED, get("o1").getState());

        startWorkers();
        waitFor("o1 settled and acknowledged", () -> get("o1").getState() == SettlementState.SETTLED
                && settlement.getQueueStats(GetQueueStatsRequest.getDefaultInstance()).getTotal().getDepth() == 0);
        Settlement settled = get("o1");
        assertEquals(1_000, settled.getCommissionFen());
        assertEquals(1, settled.getAttempts());
        assertTrue(settled.getSettledAtMs() >= settled.getQueuedAtMs() && settled.getQueuedAtMs() > 0);
        assertEquals(SettlementState.SETTLED, settlement.submitSettlement(order("o1", 10_000)).getState());
    }

    /** A submission writes no attempts (the AOF logs every field written); an absent count reads 0. */
    @Test
    void aQueuedSubmissionStoresNoAttemptsYetReadsZeroAttempts() {
        settlement.submitSettlement(order("o1", 10_000));

        Map<String, String> record = RedisExtension.redisson().<String, String>getMap(
                QueueKeys.of("c1", "o1").settlement("c1", "o1"), StringCodec.INSTANCE).readAllMap();
        assertFalse(record.containsKey("attempts"), record.toString());
        Settlement queued = get("o1");
        assertEquals(SettlementState.QUEUED, queued.getState());
        assertEquals(0, queued.getAttempts());
    }

    @Test
    void anotherPayloadIsAlreadyExistsAndBadInputIsRefusedWithItsFields() {
        settlement.submitSettlement(order("o1", 10_000));
        refused(Code.ALREADY_EXISTS, "ORDER_CONFLICT", () -> settlement.submitSettlement(order("o1", 20_000)));
        StatusRuntimeException bad = refused(Code.INVALID_ARGUMENT, "INVALID_ARGUMENT",
                () -> settlement.submitSettlement(order("o 2", 0)));
        assertEquals(List.of("order_no", "lines[0].paid_fen"), violatedFields(bad));
        refused(Code.NOT_FOUND, "ORDER_NOT_FOUND", () -> get("o 2".replace(" ", "")));
        assertEquals(1, settlement.getQueueStats(GetQueueStatsRequest.getDefaultInstance()).getTotal().getDepth());
    }

    @Test
    void aBatchAnswersEachRequestInOrderAndOneBadMemberRefusesNoOther() {
        SubmitSettlementsResponse reply = settlement.submitSettlements(SubmitSettlementsRequest.newBuilder()
                .addRequests(order("b1", 1_000)).addRequests(order("b2", -1)).addRequests(order("b3", 3_000))
                .addRequests(order("b1", 1_000)).build());
        List<SubmitSettlementResult> results = reply.getResultsList();
        assertEquals(4, results.size());
        assertEquals("b1", results.get(0).getAccepted().getOrderNo());
        assertEquals("INVALID_ARGUMENT", results.get(1).getError().getCode());
        assertEquals("lines[0].paid_fen", results.get(1).getError().getFieldErrors(0).getField());
        assertEquals("b3", results.get(2).getAccepted().getOrderNo());
        assertEquals(SettlementState.QUEUED, results.get(3).getAccepted().getState());
        assertEquals(2, settlement.getQueueStats(GetQueueStatsRequest.getDefaultInstance()).getTotal().getDepth());
        refused(Code.INVALID_ARGUMENT, () -> settlement.submitSettlements(SubmitSettlementsRequest.getDefaultInstance()));
    }

    @Test
    void aRefusedSettlementIsADeadLetterAnOperatorCanDiscardOrReplay() {
        settlement.submitSettlement(order("o1", 10_000).toBuilder().setStewardId("ghost").build());
        settlement.submitSettlement(order("o2", 10_000).toBuilder().setStewardId("ghost").build());
        startWorkers();
        waitFor("both dead", () -> get("o1").getState() == SettlementState.DEAD && get("o2").getState() == SettlementState.DEAD);

        Settlement dead = get("o1");
        assertEquals("NOT_FOUND", dead.getLastError().getCode());
        assertEquals("STEWARD_NOT_FOUND", dead.getLastError().getReason());
        assertEquals(1, dead.getAttempts());
        List<DeadLetter> letters = settlement.listDeadLetters(ListDeadLettersRequest.newBuilder().setCampaignId("c1").build())
                .getDeadLettersList();
        assertEquals(2, letters.size());
        assertEquals(2, settlement.getQueueStats(GetQueueStatsRequest.getDefaultInstance()).getTotal().getDeadLetters());

        DeadLetter discarded = settlement.discardDeadLetter(DiscardDeadLetterRequest.newBuilder()
                .setId(dead.getDeadLetterId()).setReason("not ours").build());
        assertEquals(DeadLetterStatus.DEAD_LETTER_DISCARDED, discarded.getStatus());
        assertEquals("not ours", discarded.getDiscardReason());
        refused(Code.FAILED_PRECONDITION, "DEAD_LETTER_CLOSED", () -> settlement.replayDeadLetter(
                ReplayDeadLetterRequest.newBuilder().setId(dead.getDeadLetterId()).build()));

        server.commission().registerSteward(RegisterStewardRequest.newBuilder().setCampaignId("c1").setStewardId("ghost")
                .setName("Gus").setRegionId("r1").setGroupId("g1").build());
        DeadLetter replayed = settlement.replayDeadLetter(ReplayDeadLetterRequest.newBuilder()
                .setId(get("o2").getDeadLetterId()).build());
        assertEquals(DeadLetterStatus.DEAD_LETTER_REPLAYED, replayed.getStatus());
        waitFor("o2 settled", () -> get("o2").getState() == SettlementState.SETTLED);
        assertEquals(SettlementState.DEAD, get("o1").getState());

        List<DeadLetter> after = settlement.listDeadLetters(ListDeadLettersRequest.newBuilder().setLimit(1).build())
                .getDeadLettersList();
        assertEquals(1, after.size());
        refused(Code.NOT_FOUND, "DEAD_LETTER_NOT_FOUND", () -> settlement.replayDeadLetter(
                ReplayDeadLetterRequest.newBuilder().setId("0/1-0").build()));
        refused(Code.INVALID_ARGUMENT, () -> settlement.replayDeadLetter(ReplayDeadLetterRequest.newBuilder().setId("x").build()));
    }

    @Test
    void queueStatsListEveryPartition() {
        settlement.submitSettlement(order("o1", 10_000));
        QueueStats stats = settlement.getQueueStats(GetQueueStatsRequest.getDefaultInstance());
        assertEquals(QueueKeys.PARTITIONS, stats.getPartitionsCount());
        assertEquals(1, stats.getTotal().getDepth());
        assertEquals(0, stats.getTotal().getInFlight());
    }
}
