package dev.commission.core.order;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.campaign;
import static dev.commission.core.EngineFixture.dbsize;
import static dev.commission.core.EngineFixture.engine;
import static dev.commission.core.EngineFixture.refused;
import static dev.commission.core.EngineFixture.settle;
import static dev.commission.core.EngineFixture.steward;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.commission.core.CampaignKeys;
import dev.commission.core.Reason;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.testing.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.client.codec.StringCodec;

@ExtendWith(RedisExtension.class)
class AdjustTest {

    private static AdjustResult adjust(String id, String stewardId, long delta) {
        return await(engine().adjust(new AdjustCommission("c1", id, stewardId, delta, "operator correction")));
    }

    @Test
    void creditAndDebitMoveTheStewardAndItsRankings() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 1_000);

        assertEquals(150, adjust("a1", "s1", 50).stewardEarnedFen());
        assertEquals(30, adjust("a2", "s1", -120).stewardEarnedFen());

        CampaignKeys keys = new CampaignKeys("c1");
        assertEquals(30.0, RedisExtension.redisson().getScoredSortedSet(keys.rankGroups(), StringCodec.INSTANCE).getScore("g1"));
        assertEquals(30, await(engine().getCampaign("c1")).earnedFen());
    }

    @Test
    void debitBelowZeroIsRefused() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 1_000);

        refused(Reason.INSUFFICIENT_BALANCE, () -> adjust("a1", "s1", -101));

        assertEquals(100, await(engine().getSteward("c1", "s1")).earnedFen());
    }

    @Test
    void replayIsADuplicateAndADifferentPayloadAConflict() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        adjust("a1", "s1", 70);
        adjust("a2", "s1", 5);

        AdjustResult replay = adjust("a1", "s1", 70);

        assertEquals(Outcome.DUPLICATE, replay.outcome());
        assertEquals(70, replay.stewardEarnedFen());
        refused(Reason.ADJUSTMENT_CONFLICT, () -> adjust("a1", "s1", 71));
        assertEquals(75, await(engine().getSteward("c1", "s1")).earnedFen());
    }

    @Test
    void unknownStewardClosedCampaignAndBadInput() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        refused(Reason.STEWARD_NOT_FOUND, () -> adjust("a1", "nobody", 10));
        long before = dbsize();
        refused(Reason.INVALID_ARGUMENT, () -> adjust("a1", "s1", 0));
        refused(Reason.INVALID_ARGUMENT, () -> await(engine().adjust(new AdjustCommission("c1", "a1", "s1", 5, " "))));
        refused(Reason.INVALID_ARGUMENT, () -> adjust("a1", "s1", Long.MIN_VALUE));
        assertEquals(before, dbsize());

        await(engine().closeCampaign("c1"));
        refused(Reason.CAMPAIGN_CLOSED, () -> adjust("a1", "s1", 10));
    }
}
