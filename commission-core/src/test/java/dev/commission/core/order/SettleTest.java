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
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.core.CampaignKeys;
import dev.commission.core.CommissionException;
import dev.commission.core.Reason;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.CommissionRule.Tier;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.steward.Steward;
import dev.commission.core.testing.RedisExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.client.codec.StringCodec;

@ExtendWith(RedisExtension.class)
class SettleTest {

    @Test
    void fixedRulePaysTheSameForAnyAmount() {
        campaign("c1", CommissionRule.fixed(500, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");

        assertEquals(500, settle("c1", "o1", "s1", 1).commissionFen());
        SettleResult second = settle("c1", "o2", "s1", 999_999);

        assertEquals(500, second.commissionFen());
        assertEquals(1000, second.stewardEarnedFen());
    }

    @Test
    void rateRuleRoundsDown() {
        campaign("c1", CommissionRule.rate(333, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");

        // 1999 * 3.33% = 66.5667 fen -> 66
        SettleResult result = settle("c1", "o1", "s1", 1000, 999);

        assertEquals(66, result.commissionFen());
        assertEquals(Outcome.APPLIED, result.outcome());
    }

    @Test
    void capLimitsOneOrder() {
        campaign("c1", CommissionRule.rate(1000, 250), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");

        assertEquals(250, settle("c1", "o1", "s1", 10_000).commissionFen());
        assertEquals(100, settle("c1", "o2", "s1", 1_000).commissionFen());
    }

    @Test
    void tiersFollowSalesBeforeTheOrder() {
        campaign("c1", CommissionRule.tiered(List.of(new Tier(0, 100), new Tier(10_000, 500)), 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");

        // sales before: 0 -> 1%
        assertEquals(99, settle("c1", "o1", "s1", 9_999).commissionFen());
        // sales before: 9,999 -> still 1%, even though this order crosses the boundary
        assertEquals(20, settle("c1", "o2", "s1", 2_000).commissionFen());
        // sales before: 11,999 -> 5%
        assertEquals(100, settle("c1", "o3", "s1", 2_000).commissionFen());
        Steward steward = await(engine().getSteward("c1", "s1"));
        assertEquals(13_999, steward.salesFen());
        assertEquals(219, steward.earnedFen());
        assertEquals(3, steward.orders());
    }

    @Test
    void duplicateSettleMovesNoMoneyAndReturnsTheOriginalResult() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        SettleResult first = settle("c1", "o1", "s1", 5_000);
        settle("c1", "o2", "s1", 1_000);

        SettleResult replay = settle("c1", "o1", "s1", 5_000);

        assertEquals(Outcome.DUPLICATE, replay.outcome());
        assertEquals(first.commissionFen(), replay.commissionFen());
        assertEquals(first.stewardEarnedFen(), replay.stewardEarnedFen());
        assertEquals(600, await(engine().getSteward("c1", "s1")).earnedFen());
        assertEquals(600, await(engine().getCampaign("c1")).earnedFen());
    }

    @Test
    void sameOrderWithADifferentPayloadIsAConflict() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        steward("c1", "s2", "r1", "g1");
        settle("c1", "o1", "s1", 5_000);

        refused(Reason.ORDER_CONFLICT, () -> settle("c1", "o1", "s1", 5_001));
        refused(Reason.ORDER_CONFLICT, () -> settle("c1", "o1", "s2", 5_000));

        assertEquals(500, await(engine().getSteward("c1", "s1")).earnedFen());
        assertEquals(0, await(engine().getSteward("c1", "s2")).earnedFen());
    }

    @Test
    void aRetryListingTheSameLinesInAnotherOrderIsADuplicate() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        List<OrderLine> lines = List.of(new OrderLine("a", 1, 1_000), new OrderLine("b", 2, 3_000));
        await(engine().settle(new SettleCommission("c1", "o1", "s1", lines)));

        SettleResult replay = await(engine().settle(new SettleCommission("c1", "o1", "s1", List.of(lines.get(1), lines.get(0)))));

        assertEquals(Outcome.DUPLICATE, replay.outcome());
        assertEquals(400, await(engine().getSteward("c1", "s1")).earnedFen());
    }

    @Test
    void unknownCampaignOrStewardIsNotFound() {
        refused(Reason.CAMPAIGN_NOT_FOUND, () -> settle("nope", "o1", "s1", 100));
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        refused(Reason.STEWARD_NOT_FOUND, () -> settle("c1", "o1", "s1", 100));
    }

    @Test
    void settleCreditsEveryRankingAndTotal() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        steward("c1", "s2", "r1", "g2");

        settle("c1", "o1", "s1", 1_000);
        settle("c1", "o2", "s2", 3_000);

        CampaignKeys keys = new CampaignKeys("c1");
        assertEquals(100.0, score(keys.rankStewards(), "s1"));
        assertEquals(100.0, score(keys.rankStewardsInRegion("r1"), "s1"));
        assertEquals(100.0, score(keys.rankStewardsInGroup("g1"), "s1"));
        assertEquals(100.0, score(keys.rankGroups(), "g1"));
        assertEquals(300.0, score(keys.rankGroups(), "g2"));
        assertEquals(300.0, score(keys.rankGroupsInRegion("r1"), "g2"));
        assertEquals(400.0, score(keys.rankRegions(), "r1"));
        assertEquals(400, await(engine().getCampaign("c1")).earnedFen());
        assertEquals(2, RedisExtension.redisson().getStream(keys.ledger(), StringCodec.INSTANCE).size() - 2);
    }

    @Test
    void invalidRequestIsRefusedWithEveryFieldAndWritesNothing() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        long keysBefore = dbsize();
        List<OrderLine> bad = new ArrayList<>(List.of(new OrderLine("sku 1", 0, 0)));

        CommissionException e = refused(Reason.INVALID_ARGUMENT,
                () -> await(engine().settle(new SettleCommission("c1", "o/1", "s1", bad))));

        List<String> fields = e.violations().stream().map(v -> v.field()).toList();
        assertTrue(fields.containsAll(List.of("order_no", "lines[0].sku_id", "lines[0].quantity", "lines[0].paid_fen")), fields.toString());
        refused(Reason.INVALID_ARGUMENT, () -> settle("c1", "o1", "s1", 10_000_000_001L));
        refused(Reason.INVALID_ARGUMENT, () -> settle("c1", "o1", "s1", 6_000_000_000L, 6_000_000_000L));
        refused(Reason.INVALID_ARGUMENT, () -> settle("c1", "o1", "s1"));
        refused(Reason.INVALID_ARGUMENT, () -> await(engine().settle(new SettleCommission("c1", "o1", "s1", lines(new long[201])))));
        assertEquals(keysBefore, dbsize());
    }

    private static Double score(String key, String member) {
        return RedisExtension.redisson().getScoredSortedSet(key, StringCodec.INSTANCE).getScore(member);
    }
}
