package dev.commission.core.order;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.campaign;
import static dev.commission.core.EngineFixture.campaignKeys;
import static dev.commission.core.EngineFixture.dbsize;
import static dev.commission.core.EngineFixture.engine;
import static dev.commission.core.EngineFixture.lines;
import static dev.commission.core.EngineFixture.refused;
import static dev.commission.core.EngineFixture.settle;
import static dev.commission.core.EngineFixture.steward;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.core.Reason;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.CommissionRule.Tier;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.ledger.LedgerEntry;
import dev.commission.core.testing.RedisExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class ReverseTest {

    private static ReverseResult refund(String orderNo, String refundId, long fen) {
        return await(engine().reverse(new ReverseCommission("c1", orderNo, refundId, fen, List.of())));
    }

    @Test
    void partialRefundRecomputesOnWhatIsStillPaid() {
        campaign("c1", CommissionRule.rate(333, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 1_000); // 33

        ReverseResult result = refund("o1", "r1", 301); // still paid 699 -> 23

        assertEquals(10, result.reversedFen());
        assertFalse(result.pendingSettlement());
        Order order = await(engine().getOrder("c1", "o1"));
        assertEquals(23, order.commissionFen());
        assertEquals(Order.State.SETTLED, order.state());
        assertEquals(23, await(engine().getSteward("c1", "s1")).earnedFen());
        assertEquals(699, await(engine().getSteward("c1", "s1")).salesFen());
    }

    @Test
    void refundsUseTheRateOfTheSettlementNotTheCurrentTier() {
        campaign("c1", CommissionRule.tiered(List.of(new Tier(0, 100), new Tier(1_000, 1000)), 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 1_000); // 1% -> 10
        settle("c1", "o2", "s1", 1_000); // sales before 1000 -> 10% -> 100

        ReverseResult result = refund("o1", "r1", 500); // still paid 500 at 1% -> 5

        assertEquals(5, result.reversedFen());
        assertEquals(105, await(engine().getSteward("c1", "s1")).earnedFen());
    }

    @Test
    void fullRefundTakesEverythingBackAndFurtherRefundsExceedPaid() {
        campaign("c1", CommissionRule.fixed(700, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 2_000);

        assertEquals(0, refund("o1", "r1", 1_000).reversedFen()); // fixed stays while anything is paid
        assertEquals(700, refund("o1", "r2", 1_000).reversedFen());

        assertEquals(Order.State.REFUNDED, await(engine().getOrder("c1", "o1")).state());
        refused(Reason.REFUND_EXCEEDS_PAID, () -> refund("o1", "r3", 1));
        assertEquals(0, await(engine().getSteward("c1", "s1")).earnedFen());
    }

    @Test
    void refundLargerThanPaidIsRefusedAndChangesNothing() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 1_000);

        refused(Reason.REFUND_EXCEEDS_PAID, () -> refund("o1", "r1", 1_001));

        assertEquals(100, await(engine().getOrder("c1", "o1")).commissionFen());
        assertEquals(100, await(engine().getSteward("c1", "s1")).earnedFen());
    }

    @Test
    void duplicateRefundReturnsTheOriginalAndConflictingOneIsRefused() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 1_000);
        refund("o1", "r1", 400);

        ReverseResult replay = refund("o1", "r1", 400);

        assertEquals(Outcome.DUPLICATE, replay.outcome());
        assertEquals(40, replay.reversedFen());
        refused(Reason.REFUND_CONFLICT, () -> refund("o1", "r1", 300));
        assertEquals(60, await(engine().getSteward("c1", "s1")).earnedFen());
    }

    @Test
    void refundBeforeSettlementIsNettedWhenItSettles() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");

        ReverseResult early = refund("o1", "r1", 400);
        assertTrue(early.pendingSettlement());
        assertEquals(Order.State.AWAITING_SETTLEMENT, await(engine().getOrder("c1", "o1")).state());
        SettleResult settled = settle("c1", "o1", "s1", 1_000);

        assertEquals(60, settled.commissionFen());
        assertEquals(60, await(engine().getSteward("c1", "s1")).earnedFen());
        assertEquals(600, await(engine().getSteward("c1", "s1")).salesFen());
        Order order = await(engine().getOrder("c1", "o1"));
        assertEquals(100, order.settledCommissionFen());
        assertEquals(40, order.reversedCommissionFen());
    }

    @Test
    void eachRefundKeptBeforeTheSettlementHasItsOwnJournalEntry() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        refund("o1", "early-1", 300);
        refund("o1", "early-2", 900); // 200 of it beyond what the order will have paid

        settle("c1", "o1", "s1", 1_000);

        List<LedgerEntry> entries = await(engine().listLedger("c1", "", 100)).entries();
        List<LedgerEntry> reversals = entries.stream().filter(e -> e.type().equals("reverse")).toList();
        assertEquals(List.of("early-1", "early-2"), reversals.stream().map(e -> e.fields().get("refund")).toList());
        assertEquals(List.of(-30L, -70L), reversals.stream().map(LedgerEntry::deltaFen).toList());
        assertEquals(List.of("300", "700"), reversals.stream().map(e -> e.fields().get("amount")).toList());
        assertEquals("200", reversals.get(1).fields().get("excess"));
        assertEquals(200, await(engine().getOrder("c1", "o1")).refundExcessFen());
        assertEquals(Outcome.DUPLICATE, refund("o1", "early-1", 300).outcome());
        assertTrue(await(engine().reconcile("c1")).clean());
    }

    @Test
    void anyOrderOfSettleAndRefundsEndsWithTheSameMoney() {
        campaign("c1", CommissionRule.rate(777, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "a", "s1", 10_000);
        refund("a", "r1", 1_234);
        refund("a", "r2", 4_321);

        refund("b", "r2", 4_321);
        refund("b", "r1", 1_234);
        settle("c1", "b", "s1", 10_000);

        refund("c", "r1", 1_234);
        settle("c1", "c", "s1", 10_000);
        refund("c", "r2", 4_321);

        long a = await(engine().getOrder("c1", "a")).commissionFen();
        assertEquals(a, await(engine().getOrder("c1", "b")).commissionFen());
        assertEquals(a, await(engine().getOrder("c1", "c")).commissionFen());
        assertEquals(3 * a, await(engine().getSteward("c1", "s1")).earnedFen());
    }

    @Test
    void refundsBeforeSettlementNeverPayMoreThanNothing() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        refund("o1", "r1", 5_000);

        SettleResult settled = settle("c1", "o1", "s1", 1_000);

        assertEquals(0, settled.commissionFen());
        assertEquals(Order.State.REFUNDED, await(engine().getOrder("c1", "o1")).state());
        assertEquals(0, await(engine().getSteward("c1", "s1")).salesFen());
        Order order = await(engine().getOrder("c1", "o1"));
        assertEquals(4_000, order.refundExcessFen());
        assertEquals(1_000, order.refundedFen());
        assertEquals(0, order.commissionFen());
    }

    @Test
    void refundsAreAcceptedOnAClosedCampaign() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 1_000);
        await(engine().closeCampaign("c1"));

        assertEquals(100, refund("o1", "r1", 1_000).reversedFen());
    }

    @Test
    void refundByLinesSumsThem() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 1_000, 2_000);

        ReverseResult result = await(engine().reverse(new ReverseCommission("c1", "o1", "r1", 0, lines(1_000, 2_000))));

        assertEquals(300, result.reversedFen());
    }

    @Test
    void refundByLinesMustNameWhatTheOrderHasAndHasNotRefundedYet() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        await(engine().settle(new SettleCommission("c1", "o1", "s1",
                List.of(new OrderLine("sofa", 2, 2_000), new OrderLine("lamp", 1, 500)))));
        Map<String, String> before = campaignKeys("c1");

        refused(Reason.REFUND_LINES_UNKNOWN, () -> refundLines("r1", new OrderLine("chair", 1, 100)));
        refused(Reason.REFUND_LINES_UNKNOWN, () -> refundLines("r1", new OrderLine("sofa", 3, 2_000)));
        refused(Reason.REFUND_EXCEEDS_PAID, () -> refundLines("r1", new OrderLine("lamp", 1, 501)));
        assertEquals(before, campaignKeys("c1"));

        assertEquals(100, refundLines("r2", new OrderLine("sofa", 1, 1_000)).reversedFen());
        refused(Reason.REFUND_LINES_UNKNOWN, () -> refundLines("r3", new OrderLine("sofa", 2, 1_000)));
        assertEquals(100, refundLines("r4", new OrderLine("sofa", 1, 1_000)).reversedFen());
        refused(Reason.REFUND_LINES_UNKNOWN, () -> refundLines("r5", new OrderLine("sofa", 1, 1)));
        assertEquals(50, refundLines("r6", new OrderLine("lamp", 1, 500)).reversedFen());
        assertEquals(Order.State.REFUNDED, await(engine().getOrder("c1", "o1")).state());
        assertTrue(await(engine().reconcile("c1")).clean());
    }

    private static ReverseResult refundLines(String refundId, OrderLine... lines) {
        return await(engine().reverse(new ReverseCommission("c1", "o1", refundId, 0, List.of(lines))));
    }

    @Test
    void invalidRefundWritesNothing() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        long before = dbsize();

        refused(Reason.INVALID_ARGUMENT, () -> refund("o1", "", 10));
        refused(Reason.INVALID_ARGUMENT, () -> refund("o1", "r1", 0));
        refused(Reason.INVALID_ARGUMENT, () -> await(engine().reverse(new ReverseCommission("c1", "o1", "r1", 5, lines(5)))));

        assertEquals(before, dbsize());
    }

    @Test
    void refundBeyondWhatTheStewardHoldsTakesWhatThereIsAndRecordsTheRest() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 1_000);
        await(engine().adjust(new AdjustCommission("c1", "a1", "s1", -80, "paid out by hand")));
        await(engine().closeCampaign("c1"));

        ReverseResult result = refund("o1", "r1", 600); // due back: 100 - 40 = 60; the steward holds 20

        assertEquals(20, result.reversedFen());
        assertEquals(40, result.unrecoveredFen());
        assertEquals(0, await(engine().getSteward("c1", "s1")).earnedFen());
        assertEquals(400, await(engine().getSteward("c1", "s1")).salesFen());
        Order order = await(engine().getOrder("c1", "o1"));
        assertEquals(20, order.reversedCommissionFen());
        assertEquals(40, order.unrecoveredCommissionFen());
        assertEquals(40, order.commissionFen()); // 100 settled - 20 taken back - 40 the steward no longer held

        ReverseResult rest = refund("o1", "r2", 400); // due back: 40 more; the steward holds nothing
        assertEquals(0, rest.reversedFen());
        assertEquals(40, rest.unrecoveredFen());
        assertEquals(Order.State.REFUNDED, await(engine().getOrder("c1", "o1")).state());
        ReverseResult replay = refund("o1", "r1", 600);
        assertEquals(Outcome.DUPLICATE, replay.outcome());
        assertEquals(40, replay.unrecoveredFen());
        assertTrue(await(engine().reconcile("c1")).clean());
    }
}
