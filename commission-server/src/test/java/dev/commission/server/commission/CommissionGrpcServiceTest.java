package dev.commission.server.commission;

import static dev.commission.server.testing.Refusals.errorInfo;
import static dev.commission.server.testing.Refusals.refused;
import static dev.commission.server.testing.Refusals.violatedFields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.api.v1.AdjustCommissionRequest;
import dev.commission.api.v1.AdjustResult;
import dev.commission.api.v1.Campaign;
import dev.commission.api.v1.CampaignStatus;
import dev.commission.api.v1.CloseCampaignRequest;
import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CommissionServiceGrpc.CommissionServiceBlockingStub;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.GetCampaignRequest;
import dev.commission.api.v1.GetOrderRequest;
import dev.commission.api.v1.GetStewardRequest;
import dev.commission.api.v1.LedgerEntry;
import dev.commission.api.v1.LedgerPage;
import dev.commission.api.v1.ListLedgerRequest;
import dev.commission.api.v1.Order;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.Outcome;
import dev.commission.api.v1.RebuildRankingsProgress;
import dev.commission.api.v1.RebuildRankingsRequest;
import dev.commission.api.v1.RebuildRankingsResult;
import dev.commission.api.v1.ReconcileProgress;
import dev.commission.api.v1.ReconcileReport;
import dev.commission.api.v1.ReconcileRequest;
import dev.commission.api.v1.RefundLines;
import dev.commission.api.v1.RegisterStewardRequest;
import dev.commission.api.v1.ReverseCommissionRequest;
import dev.commission.api.v1.ReverseResult;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.SettleResult;
import dev.commission.api.v1.Steward;
import dev.commission.api.v1.Tier;
import dev.commission.api.v1.Tiers;
import dev.commission.api.v1.TransferPolicy;
import dev.commission.api.v1.TransferResult;
import dev.commission.api.v1.TransferStewardRequest;
import dev.commission.core.CampaignKeys;
import dev.commission.core.EngineFixture;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.testing.InProcessServer;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.client.codec.StringCodec;

/** CommissionService in process against a real redis-server: every RPC, its mapping and its refusals. */
@ExtendWith(RedisExtension.class)
class CommissionGrpcServiceTest {
    private InProcessServer server;
    private CommissionServiceBlockingStub commission;

    @BeforeEach
    void startServer() {
        server = InProcessServer.start(EngineFixture.engine(), RedisExtension.redisson());
        commission = server.commission();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    // ---- campaigns

    @Test
    void createCampaignAnswersTheStoredCampaign() {
        Campaign campaign = commission.createCampaign(CreateCampaignRequest.newBuilder()
                .setCampaignId("c1").setName("Spring sale")
                .setRule(CommissionRule.newBuilder().setRateBps(500).setCapFen(1_000))
                .setTransferPolicy(TransferPolicy.STAY)
                .build());

        assertEquals(Campaign.newBuilder().setCampaignId("c1").setName("Spring sale")
                .setRule(CommissionRule.newBuilder().setRateBps(500).setCapFen(1_000))
                .setTransferPolicy(TransferPolicy.STAY).setStatus(CampaignStatus.OPEN).build(), campaign);
    }

    @Test
    void unspecifiedTransferPolicyMeansFollow() {
        Campaign campaign = commission.createCampaign(CreateCampaignRequest.newBuilder()
                .setCampaignId("c1").setName("n").setRule(CommissionRule.newBuilder().setFixedFen(300)).build());

        assertEquals(TransferPolicy.FOLLOW, campaign.getTransferPolicy());
        assertEquals(300, campaign.getRule().getFixedFen());
    }

    @Test
    void tieredRuleRoundTrips() {
        CommissionRule tiers = CommissionRule.newBuilder().setTiers(Tiers.newBuilder()
                .addTiers(Tier.newBuilder().setMinSalesFen(0).setRateBps(100))
                .addTiers(Tier.newBuilder().setMinSalesFen(10_000).setRateBps(500))).build();

        commission.createCampaign(CreateCampaignRequest.newBuilder().setCampaignId("c1").setName("n").setRule(tiers).build());

        assertEquals(tiers, commission.getCampaign(GetCampaignRequest.newBuilder().setCampaignId("c1").build()).getRule());
    }

    @Test
    void campaignWithoutRuleIsInvalidAndWritesNothing() {
        long before = EngineFixture.dbsize();

        StatusRuntimeException e = refused(Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> commission.createCampaign(
                CreateCampaignRequest.newBuilder().setCampaignId("c1").setName("n").build()));

        assertEquals(List.of("rule"), violatedFields(e));
        assertEquals(before, EngineFixture.dbsize());
    }

    @Test
    void ruleWithoutKindIsInvalid() {
        StatusRuntimeException e = refused(Code.INVALID_ARGUMENT, () -> commission.createCampaign(
                CreateCampaignRequest.newBuilder().setCampaignId("c1").setName("n")
                        .setRule(CommissionRule.newBuilder().setCapFen(10)).build()));

        assertEquals(List.of("rule"), violatedFields(e));
    }

    @Test
    void everyBadFieldIsReportedAtOnce() {
        StatusRuntimeException e = refused(Code.INVALID_ARGUMENT, () -> commission.createCampaign(
                CreateCampaignRequest.newBuilder().setCampaignId("bad id!").setName("")
                        .setRule(CommissionRule.newBuilder().setRateBps(20_000)).build()));

        assertEquals(List.of("campaign_id", "name", "rule.rate_bps"), violatedFields(e));
    }

    @Test
    void unknownTransferPolicyIsInvalid() {
        StatusRuntimeException e = refused(Code.INVALID_ARGUMENT, () -> commission.createCampaign(
                CreateCampaignRequest.newBuilder().setCampaignId("c1").setName("n")
                        .setRule(CommissionRule.newBuilder().setFixedFen(1)).setTransferPolicyValue(7).build()));

        assertEquals(List.of("transfer_policy"), violatedFields(e));
    }

    @Test
    void conflictingCampaignIsAlreadyExists() {
        createCampaign("c1", CommissionRule.newBuilder().setFixedFen(100).build());

        refused(Code.ALREADY_EXISTS, "CAMPAIGN_CONFLICT",
                () -> createCampaign("c1", CommissionRule.newBuilder().setFixedFen(200).build()));
    }

    @Test
    void unknownCampaignIsNotFound() {
        refused(Code.NOT_FOUND, "CAMPAIGN_NOT_FOUND",
                () -> commission.getCampaign(GetCampaignRequest.newBuilder().setCampaignId("nope").build()));
    }

    @Test
    void closedCampaignRefusesSettlementAsFailedPrecondition() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");

        Campaign closed = commission.closeCampaign(CloseCampaignRequest.newBuilder().setCampaignId("c1").build());

        assertEquals(CampaignStatus.CLOSED, closed.getStatus());
        refused(Code.FAILED_PRECONDITION, "CAMPAIGN_CLOSED", () -> settle("c1", "o1", "s1", 10_000));
    }

    @Test
    void campaignTotalsFollowSettlements() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 10_000);

        Campaign campaign = commission.getCampaign(GetCampaignRequest.newBuilder().setCampaignId("c1").build());

        assertEquals(1_000, campaign.getEarnedFen());
        assertEquals(10_000, campaign.getSalesFen());
        assertEquals(1, campaign.getOrders());
    }

    // ---- stewards

    @Test
    void registeredStewardReadsBack() {
        rateCampaign("c1", 1_000);

        Steward registered = register("c1", "s1", "r1", "g1");

        Steward expected = Steward.newBuilder().setCampaignId("c1").setStewardId("s1").setName("Name s1")
                .setRegionId("r1").setGroupId("g1").build();
        assertEquals(expected, registered);
        assertEquals(expected, commission.getSteward(GetStewardRequest.newBuilder().setCampaignId("c1").setStewardId("s1").build()));
    }

    @Test
    void registeringElsewhereIsAlreadyExists() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");

        refused(Code.ALREADY_EXISTS, "STEWARD_CONFLICT", () -> register("c1", "s1", "r2", "g2"));
    }

    @Test
    void unknownStewardIsNotFound() {
        rateCampaign("c1", 1_000);

        refused(Code.NOT_FOUND, "STEWARD_NOT_FOUND", () -> commission.getSteward(
                GetStewardRequest.newBuilder().setCampaignId("c1").setStewardId("s9").build()));
    }

    // ---- settle

    @Test
    void settleCreditsTheCommission() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");

        SettleResult result = settle("c1", "o1", "s1", 6_000, 4_000);

        assertEquals(SettleResult.newBuilder().setOrderNo("o1").setCommissionFen(1_000).setOutcome(Outcome.APPLIED)
                .setStewardEarnedFen(1_000).build(), result);
    }

    @Test
    void duplicateSettleAnswersTheOriginalResultAndMovesNoMoney() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 10_000);

        SettleResult replay = settle("c1", "o1", "s1", 10_000);

        assertEquals(Outcome.DUPLICATE, replay.getOutcome());
        assertEquals(1_000, replay.getCommissionFen());
        assertEquals(1_000, replay.getStewardEarnedFen());
        assertEquals(1_000, steward("c1", "s1").getEarnedFen());
    }

    @Test
    void conflictingSettleReplayIsAlreadyExistsAndMovesNoMoney() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 10_000);

        refused(Code.ALREADY_EXISTS, "ORDER_CONFLICT", () -> settle("c1", "o1", "s1", 20_000));
        assertEquals(1_000, steward("c1", "s1").getEarnedFen());
    }

    @Test
    void invalidSettleNamesEachBadFieldAndWritesNothing() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        long before = EngineFixture.dbsize();

        StatusRuntimeException e = refused(Code.INVALID_ARGUMENT, "INVALID_ARGUMENT", () -> commission.settleCommission(
                SettleCommissionRequest.newBuilder().setCampaignId("c1").setOrderNo("o 1").setStewardId("s1")
                        .addLines(OrderLine.newBuilder().setSkuId("sku").setQuantity(0).setPaidFen(100))
                        .addLines(OrderLine.newBuilder().setSkuId("sku").setQuantity(1).setPaidFen(-5))
                        .build()));

        assertEquals(List.of("order_no", "lines[0].quantity", "lines[1].paid_fen"), violatedFields(e));
        assertEquals(before, EngineFixture.dbsize());
    }

    @Test
    void settleWithPlacementRegistersAnUnknownSteward() {
        rateCampaign("c1", 1_000);

        commission.settleCommission(SettleCommissionRequest.newBuilder().setCampaignId("c1").setOrderNo("o1")
                .setStewardId("s7").setRegionId("r1").setGroupId("g1").setStewardName("Li Lei")
                .addLines(line(5_000)).build());

        Steward steward = steward("c1", "s7");
        assertEquals("Li Lei", steward.getName());
        assertEquals("g1", steward.getGroupId());
        assertEquals(500, steward.getEarnedFen());
    }

    // ---- reverse

    @Test
    void refundByAmountTakesBackItsShare() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 10_000);

        ReverseResult result = commission.reverseCommission(ReverseCommissionRequest.newBuilder()
                .setCampaignId("c1").setOrderNo("o1").setRefundId("rf1").setRefundFen(4_000).build());

        assertEquals(ReverseResult.newBuilder().setOrderNo("o1").setRefundId("rf1").setReversedFen(400)
                .setOutcome(Outcome.APPLIED).build(), result);
        assertEquals(600, steward("c1", "s1").getEarnedFen());
    }

    @Test
    void refundByLinesSumsTheirPaidAmounts() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 6_000, 4_000);

        ReverseResult result = commission.reverseCommission(ReverseCommissionRequest.newBuilder()
                .setCampaignId("c1").setOrderNo("o1").setRefundId("rf1")
                .setLines(RefundLines.newBuilder().addLines(line(4_000))).build());

        assertEquals(400, result.getReversedFen());
        Order order = order("c1", "o1");
        assertEquals(4_000, order.getRefundedFen());
        assertEquals(600, order.getCommissionFen());
    }

    @Test
    void duplicateRefundAnswersTheOriginalResult() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 10_000);
        ReverseCommissionRequest refund = ReverseCommissionRequest.newBuilder()
                .setCampaignId("c1").setOrderNo("o1").setRefundId("rf1").setRefundFen(4_000).build();
        commission.reverseCommission(refund);

        ReverseResult replay = commission.reverseCommission(refund);

        assertEquals(Outcome.DUPLICATE, replay.getOutcome());
        assertEquals(400, replay.getReversedFen());
        assertEquals(600, steward("c1", "s1").getEarnedFen());
    }

    @Test
    void refundBeforeSettlementIsKeptPending() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");

        ReverseResult result = commission.reverseCommission(ReverseCommissionRequest.newBuilder()
                .setCampaignId("c1").setOrderNo("o1").setRefundId("rf1").setRefundFen(4_000).build());

        assertTrue(result.getPendingSettlement());
        assertEquals(0, result.getReversedFen());
        assertEquals(Order.State.AWAITING_SETTLEMENT, order("c1", "o1").getState());
    }

    @Test
    void refundWithoutAmountIsInvalid() {
        rateCampaign("c1", 1_000);

        StatusRuntimeException e = refused(Code.INVALID_ARGUMENT, () -> commission.reverseCommission(
                ReverseCommissionRequest.newBuilder().setCampaignId("c1").setOrderNo("o1").setRefundId("rf1").build()));

        assertEquals(List.of("refund_fen"), violatedFields(e));
    }

    @Test
    void refundWithEmptyLinesIsInvalid() {
        StatusRuntimeException e = refused(Code.INVALID_ARGUMENT, () -> commission.reverseCommission(
                ReverseCommissionRequest.newBuilder().setCampaignId("c1").setOrderNo("o1").setRefundId("rf1")
                        .setLines(RefundLines.getDefaultInstance()).build()));

        assertEquals(List.of("lines"), violatedFields(e));
    }

    @Test
    void refundBeyondPaidIsFailedPrecondition() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 10_000);

        refused(Code.FAILED_PRECONDITION, "REFUND_EXCEEDS_PAID", () -> commission.reverseCommission(
                ReverseCommissionRequest.newBuilder().setCampaignId("c1").setOrderNo("o1").setRefundId("rf1")
                        .setRefundFen(10_001).build()));
    }

    @Test
    void refundByLinesTheOrderDoesNotHaveIsFailedPrecondition() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 6_000, 4_000);

        refused(Code.FAILED_PRECONDITION, "REFUND_LINES_UNKNOWN", () -> commission.reverseCommission(
                ReverseCommissionRequest.newBuilder().setCampaignId("c1").setOrderNo("o1").setRefundId("rf1")
                        .setLines(RefundLines.newBuilder().addLines(line(5_000))).build()));
        assertEquals(0, order("c1", "o1").getRefundedFen());
    }

    @Test
    void anOrderShowsTheRefundExcessAndWhatTheStewardHoldsForIt() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        commission.reverseCommission(ReverseCommissionRequest.newBuilder()
                .setCampaignId("c1").setOrderNo("early").setRefundId("rf1").setRefundFen(12_000).build());
        settle("c1", "early", "s1", 10_000);
        settle("c1", "o2", "s1", 10_000);
        adjust("c1", "a1", "s1", -800);
        commission.reverseCommission(ReverseCommissionRequest.newBuilder()
                .setCampaignId("c1").setOrderNo("o2").setRefundId("rf2").setRefundFen(5_000).build());

        Order early = order("c1", "early");
        Order o2 = order("c1", "o2");

        assertEquals(2_000, early.getRefundExcessFen());
        assertEquals(Order.State.REFUNDED, early.getState());
        assertEquals(0, early.getCommissionFen());
        assertEquals(200, o2.getReversedCommissionFen()); // 500 due back, the steward held 200
        assertEquals(300, o2.getUnrecoveredCommissionFen());
        assertEquals(500, o2.getCommissionFen()); // 1000 - 200 - 300
        assertEquals(0, o2.getRefundExcessFen());
    }

    // ---- adjust

    @Test
    void adjustmentCreditsAndDebits() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");

        AdjustResult credit = adjust("c1", "a1", "s1", 700);
        AdjustResult debit = adjust("c1", "a2", "s1", -200);

        assertEquals(AdjustResult.newBuilder().setAdjustmentId("a1").setOutcome(Outcome.APPLIED)
                .setStewardEarnedFen(700).build(), credit);
        assertEquals(500, debit.getStewardEarnedFen());
    }

    @Test
    void debitBelowZeroIsFailedPrecondition() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");

        refused(Code.FAILED_PRECONDITION, "INSUFFICIENT_BALANCE", () -> adjust("c1", "a1", "s1", -1));
    }

    @Test
    void adjustmentIdReusedForAnotherAmountIsAlreadyExists() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        adjust("c1", "a1", "s1", 700);

        refused(Code.ALREADY_EXISTS, "ADJUSTMENT_CONFLICT", () -> adjust("c1", "a1", "s1", 800));
    }

    // ---- transfer

    @Test
    void transferAnswersWhereTheStewardWentAndWhatMoved() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 10_000);

        TransferResult result = commission.transferSteward(TransferStewardRequest.newBuilder().setCampaignId("c1")
                .setStewardId("s1").setTransferId("t1").setToRegionId("r2").setToGroupId("g2").build());

        assertEquals(TransferResult.newBuilder().setTransferId("t1").setOutcome(Outcome.APPLIED)
                .setFromRegionId("r1").setFromGroupId("g1").setToRegionId("r2").setToGroupId("g2")
                .setMovedFen(1_000).build(), result);
        assertEquals("g2", steward("c1", "s1").getGroupId());
    }

    // ---- orders

    @Test
    void orderShowsWhatSettledAndWhere() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 10_000);

        assertEquals(Order.newBuilder().setCampaignId("c1").setOrderNo("o1").setStewardId("s1")
                .setState(Order.State.SETTLED).setPaidFen(10_000).setSettledCommissionFen(1_000)
                .setCommissionFen(1_000).setRegionId("r1").setGroupId("g1").build(), order("c1", "o1"));
    }

    @Test
    void unknownOrderIsNotFound() {
        rateCampaign("c1", 1_000);

        refused(Code.NOT_FOUND, "ORDER_NOT_FOUND", () -> order("c1", "o9"));
    }

    // ---- ledger

    @Test
    void ledgerListsEveryMovementOldestFirst() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 10_000);

        LedgerPage page = commission.listLedger(ListLedgerRequest.newBuilder().setCampaignId("c1").build());

        assertEquals(List.of("register", "settle"), page.getEntriesList().stream().map(LedgerEntry::getType).toList());
        LedgerEntry settle = page.getEntries(1);
        assertEquals("s1", settle.getStewardId());
        assertEquals(1_000, settle.getDeltaFen());
        assertEquals("g1", settle.getGroupId());
        assertEquals("o1", settle.getFieldsMap().get("order"));
    }

    @Test
    void ledgerPagesWithAfter() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 10_000);

        LedgerPage first = commission.listLedger(ListLedgerRequest.newBuilder().setCampaignId("c1").setLimit(1).build());
        LedgerPage rest = commission.listLedger(ListLedgerRequest.newBuilder().setCampaignId("c1")
                .setAfter(first.getNextAfter()).setLimit(10).build());

        assertEquals(1, first.getEntriesCount());
        assertEquals(first.getEntries(0).getEntryId(), first.getNextAfter());
        assertEquals(List.of("settle"), rest.getEntriesList().stream().map(LedgerEntry::getType).toList());
    }

    @Test
    void ledgerLimitZeroMeansAHundred() {
        rateCampaign("c1", 1_000);
        for (int i = 0; i < 120; i++) {
            register("c1", "s" + i, "r1", "g1");
        }

        LedgerPage page = commission.listLedger(ListLedgerRequest.newBuilder().setCampaignId("c1").setLimit(0).build());

        assertEquals(100, page.getEntriesCount());
        assertFalse(page.getNextAfter().isEmpty());
    }

    @Test
    void ledgerLimitAboveAThousandIsInvalid() {
        StatusRuntimeException e = refused(Code.INVALID_ARGUMENT, () -> commission.listLedger(
                ListLedgerRequest.newBuilder().setCampaignId("c1").setLimit(1_001).build()));

        assertEquals(List.of("limit"), violatedFields(e));
    }

    @Test
    void reconcileOfAConsistentCampaignIsClean() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 10_000);

        ReconcileReport report = commission.reconcile(ReconcileRequest.newBuilder().setCampaignId("c1").build());

        assertTrue(report.getClean(), report.toString());
        assertFalse(report.getChecksList().isEmpty());
        assertTrue(report.getChecksList().stream().allMatch(c -> c.getOk() && c.getDiscrepanciesCount() == 0));
        assertFalse(report.getLedgerLastId().isEmpty());
    }

    @Test
    void rebuildReplaysTheWholeLedger() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 10_000);

        RebuildRankingsResult result = commission.rebuildRankings(RebuildRankingsRequest.newBuilder().setCampaignId("c1").build());

        assertEquals(2, result.getEntriesReplayed());
        assertFalse(result.getLedgerLastId().isEmpty());
        assertEquals(1_000, steward("c1", "s1").getEarnedFen());
    }

    @Test
    void theStreamingVariantsEndWithTheReportAndTheResult() {
        rateCampaign("c1", 1_000);
        register("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 10_000);
        RedisExtension.redisson().getScoredSortedSet(new CampaignKeys("c1").rankGroups(), StringCodec.INSTANCE)
                .addScore("g1", 3);

        List<ReconcileProgress> reconcile = new ArrayList<>();
        commission.reconcileWithProgress(ReconcileRequest.newBuilder().setCampaignId("c1").build()).forEachRemaining(reconcile::add);
        List<RebuildRankingsProgress> rebuild = new ArrayList<>();
        commission.rebuildRankingsWithProgress(RebuildRankingsRequest.newBuilder().setCampaignId("c1").build())
                .forEachRemaining(rebuild::add);

        ReconcileReport report = reconcile.get(reconcile.size() - 1).getReport();
        assertFalse(report.getClean());
        assertTrue(reconcile.subList(0, reconcile.size() - 1).stream().allMatch(ReconcileProgress::hasProgress));
        RebuildRankingsResult result = rebuild.get(rebuild.size() - 1).getResult();
        assertEquals(1, result.getFiguresRepaired());
        assertEquals(2, result.getEntriesReplayed());
        assertTrue(commission.reconcile(ReconcileRequest.newBuilder().setCampaignId("c1").build()).getClean());
    }

    // ---- unexpected failures

    @Test
    void unexpectedFailureIsInternalWithoutDetails() {
        // A campaign hash no script would write: decoding it fails inside the engine.
        RedisExtension.redisson().<String, String>getMap(new CampaignKeys("c1").campaign(), StringCodec.INSTANCE)
                .putAll(Map.of("name", "n", "rule", "fixed", "rule_value", "100", "cap", "0",
                        "policy", "SIDEWAYS", "status", "OPEN"));

        StatusRuntimeException e = refused(Code.INTERNAL, "INTERNAL",
                () -> commission.getCampaign(GetCampaignRequest.newBuilder().setCampaignId("c1").build()));

        String description = e.getStatus().getDescription();
        assertTrue(description.startsWith("internal error (incident "), description);
        assertFalse(description.contains("SIDEWAYS") || description.contains("Exception") || description.contains("\tat "),
                description);
        assertEquals(null, e.getCause());
        assertEquals("commission.dev", errorInfo(e).getDomain());
    }

    // ---- helpers

    private Campaign createCampaign(String id, CommissionRule rule) {
        return commission.createCampaign(CreateCampaignRequest.newBuilder().setCampaignId(id).setName("Campaign " + id)
                .setRule(rule).build());
    }

    private Campaign rateCampaign(String id, int bps) {
        return createCampaign(id, CommissionRule.newBuilder().setRateBps(bps).build());
    }

    private Steward register(String campaignId, String stewardId, String region, String group) {
        return commission.registerSteward(RegisterStewardRequest.newBuilder().setCampaignId(campaignId)
                .setStewardId(stewardId).setName("Name " + stewardId).setRegionId(region).setGroupId(group).build());
    }

    private Steward steward(String campaignId, String stewardId) {
        return commission.getSteward(GetStewardRequest.newBuilder().setCampaignId(campaignId).setStewardId(stewardId).build());
    }

    private SettleResult settle(String campaignId, String orderNo, String stewardId, long... paidFen) {
        SettleCommissionRequest.Builder request = SettleCommissionRequest.newBuilder().setCampaignId(campaignId)
                .setOrderNo(orderNo).setStewardId(stewardId);
        for (long paid : paidFen) {
            request.addLines(line(paid));
        }
        return commission.settleCommission(request.build());
    }

    private AdjustResult adjust(String campaignId, String adjustmentId, String stewardId, long deltaFen) {
        return commission.adjustCommission(AdjustCommissionRequest.newBuilder().setCampaignId(campaignId)
                .setAdjustmentId(adjustmentId).setStewardId(stewardId).setDeltaFen(deltaFen).setReason("bonus").build());
    }

    private Order order(String campaignId, String orderNo) {
        return commission.getOrder(GetOrderRequest.newBuilder().setCampaignId(campaignId).setOrderNo(orderNo).build());
    }

    private static OrderLine line(long paidFen) {
        return OrderLine.newBuilder().setSkuId("sku-" + paidFen).setQuantity(1).setPaidFen(paidFen).build();
    }
}
