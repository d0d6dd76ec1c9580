package dev.commission.core.steward;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.campaign;
import static dev.commission.core.EngineFixture.dbsize;
import static dev.commission.core.EngineFixture.engine;
import static dev.commission.core.EngineFixture.refused;
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
class RegisterTest {

    @Test
    void registeredStewardStartsAtZeroInEveryRanking() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);

        Steward steward = steward("c1", "s1", "r1", "g1");

        assertEquals("Name s1", steward.name());
        assertEquals(0, steward.earnedFen());
        CampaignKeys keys = new CampaignKeys("c1");
        assertEquals(0.0, RedisExtension.redisson().getScoredSortedSet(keys.rankStewardsInGroup("g1"), StringCodec.INSTANCE).getScore("s1"));
        assertEquals(0.0, RedisExtension.redisson().getScoredSortedSet(keys.rankGroups(), StringCodec.INSTANCE).getScore("g1"));
        assertEquals(0.0, RedisExtension.redisson().getScoredSortedSet(keys.rankRegions(), StringCodec.INSTANCE).getScore("r1"));
    }

    @Test
    void sameRegistrationIsIdempotentEvenAfterAMove() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        await(engine().transfer(new TransferSteward("c1", "s1", "t1", "r2", "g2")));
        long before = dbsize();

        Steward again = steward("c1", "s1", "r1", "g1");

        assertEquals("g2", again.groupId());
        assertEquals(before, dbsize());
    }

    @Test
    void differentPlacementOrNameIsAConflict() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");

        refused(Reason.STEWARD_CONFLICT, () -> steward("c1", "s1", "r1", "g2"));
        refused(Reason.STEWARD_CONFLICT, () -> await(engine().registerSteward(new RegisterSteward("c1", "s1", "Other", "r1", "g1"))));
    }

    @Test
    void unknownCampaignAndBadIds() {
        refused(Reason.CAMPAIGN_NOT_FOUND, () -> steward("nope", "s1", "r1", "g1"));
        refused(Reason.INVALID_ARGUMENT, () -> steward("c1", "s:1", "r1", "g1"));
        refused(Reason.INVALID_ARGUMENT, () -> steward("c1", "s1", "r".repeat(65), "g1"));
        assertEquals(0, dbsize());
    }
}
