package dev.commission.core.order;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.campaign;
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
import dev.commission.core.testing.RedisExtension;
import java.util.List;
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
        assertEquals("4000", RedisExtension.redisson().getMap(new dev.commission.core.CampaignKeys("c1").order("o1"),
                org.redisson.client.codec.StringCodec.INSTANCE).get("refund_excess"));
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

        ReverseResult result = await(engine().reverse(new ReverseCommission("c1", "o1", "r1", 0, lines(2_000))));

        assertEquals(200, result.reversedFen());
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
        assertEquals(80, order.commissionFen());

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
