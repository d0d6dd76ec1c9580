package dev.commission.core.campaign;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.campaign;
import static dev.commission.core.EngineFixture.dbsize;
import static dev.commission.core.EngineFixture.engine;
import static dev.commission.core.EngineFixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.commission.core.Reason;
import dev.commission.core.campaign.CommissionRule.Tier;
import dev.commission.core.testing.RedisExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class CampaignTest {

    @Test
    void createIsIdempotentAndADifferentDefinitionConflicts() {
        CommissionRule rule = CommissionRule.tiered(List.of(new Tier(0, 100), new Tier(5_000, 300)), 900);
        Campaign created = campaign("c1", rule, TransferPolicy.STAY);

        assertEquals(rule, created.rule());
        assertEquals(TransferPolicy.STAY, created.transferPolicy());
        assertEquals(CampaignStatus.OPEN, created.status());
        assertEquals(created, campaign("c1", rule, TransferPolicy.STAY));
        refused(Reason.CAMPAIGN_CONFLICT, () -> campaign("c1", rule, TransferPolicy.FOLLOW));
    }

    @Test
    void closeIsIdempotentAndShowsInTheStatus() {
        campaign("c1", CommissionRule.fixed(100, 0), TransferPolicy.FOLLOW);

        assertEquals(CampaignStatus.CLOSED, await(engine().closeCampaign("c1")).status());
        assertEquals(CampaignStatus.CLOSED, await(engine().closeCampaign("c1")).status());
        refused(Reason.CAMPAIGN_NOT_FOUND, () -> await(engine().closeCampaign("c2")));
    }

    @Test
    void badRulesAreRefusedWithTheirFields() {
        refused(Reason.INVALID_ARGUMENT, () -> campaign("c1", CommissionRule.rate(10_001, 0), TransferPolicy.FOLLOW));
        refused(Reason.INVALID_ARGUMENT, () -> campaign("c1", CommissionRule.fixed(0, 0), TransferPolicy.FOLLOW));
        refused(Reason.INVALID_ARGUMENT, () -> campaign("c1", CommissionRule.rate(100, -1), TransferPolicy.FOLLOW));
        refused(Reason.INVALID_ARGUMENT, () -> campaign("c1",
                CommissionRule.tiered(List.of(new Tier(10, 100)), 0), TransferPolicy.FOLLOW));
        refused(Reason.INVALID_ARGUMENT, () -> campaign("c1",
                CommissionRule.tiered(List.of(new Tier(0, 100), new Tier(0, 200)), 0), TransferPolicy.FOLLOW));
        refused(Reason.INVALID_ARGUMENT, () -> await(engine().createCampaign(new CreateCampaign("c1", "", null, null))));
        refused(Reason.CAMPAIGN_NOT_FOUND, () -> await(engine().getCampaign("c1")));
        assertEquals(0, dbsize());
    }
}
