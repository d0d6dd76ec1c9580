package dev.commission.core.steward;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.campaign;
import static dev.commission.core.EngineFixture.engine;
import static dev.commission.core.EngineFixture.refused;
import static dev.commission.core.EngineFixture.settle;
import static dev.commission.core.EngineFixture.steward;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.commission.core.CampaignKeys;
import dev.commission.core.Reason;
import dev.commission.core.Validator;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.order.AdjustCommission;
import dev.commission.core.order.AdjustStrategy;
import dev.commission.core.order.OrderLine;
import dev.commission.core.order.Outcome;
import dev.commission.core.order.ReverseCommission;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.testing.CampaignSnapshot;
import dev.commission.core.testing.EventRecorder;
import dev.commission.core.testing.EventRecorder.Event;
import dev.commission.core.testing.RedisExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.client.codec.StringCodec;

@ExtendWith(RedisExtension.class)
class TransferTest {
    private final CampaignKeys keys = new CampaignKeys("c1");

    private static TransferResult transfer(String stewardId, String transferId, String region, String group) {
        return await(engine().transfer(new TransferSteward("c1", stewardId, transferId, region, group)));
    }

    private static Double score(String key, String member) {
        return RedisExtension.redisson().getScoredSortedSet(key, StringCodec.INSTANCE).getScore(member);
    }

    @Test
    void followMovesTheWholeTotalAndEmptyGroupsLeaveTheRankings() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        steward("c1", "s2", "r1", "g2");
        settle("c1", "o1", "s1", 1_000);

        TransferResult result = transfer("s1", "t1", "r2", "g3");

        assertEquals(100, result.movedFen());
        assertEquals("g1", result.fromGroupId());
        assertNull(score(keys.rankGroups(), "g1"));
        assertEquals(100.0, score(keys.rankGroups(), "g3"));
        assertEquals(0.0, score(keys.rankRegions(), "r1"));
        assertEquals(100.0, score(keys.rankRegions(), "r2"));
        assertNull(score(keys.rankGroupsInRegion("r1"), "g1"));
        assertEquals(100.0, score(keys.rankGroupsInRegion("r2"), "g3"));
        assertNull(score(keys.rankStewardsInGroup("g1"), "s1"));
        assertEquals(100.0, score(keys.rankStewardsInGroup("g3"), "s1"));
        assertEquals(100.0, score(keys.rankStewardsInRegion("r2"), "s1"));
        Steward moved = await(engine().getSteward("c1", "s1"));
        assertEquals("r2", moved.regionId());
        assertEquals("g3", moved.groupId());

        settle("c1", "o2", "s1", 500);
        assertEquals(150.0, score(keys.rankGroups(), "g3"));
    }

    @Test
    void stayKeepsWhatWasEarnedWithTheOldGroup() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.STAY);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 1_000);

        TransferResult result = transfer("s1", "t1", "r2", "g2");
        settle("c1", "o2", "s1", 500);

        assertEquals(0, result.movedFen());
        assertEquals(100.0, score(keys.rankGroups(), "g1"));
        assertEquals(100.0, score(keys.rankRegions(), "r1"));
        assertEquals(50.0, score(keys.rankGroups(), "g2"));
        assertEquals(50.0, score(keys.rankRegions(), "r2"));
        assertEquals(150.0, score(keys.rankStewardsInGroup("g2"), "s1"));
        assertNull(score(keys.rankStewardsInGroup("g1"), "s1"));
    }

    @Test
    void underStayARefundIsTakenFromWhereTheOrderSettled() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.STAY);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 1_000);
        transfer("s1", "t1", "r2", "g2");
        settle("c1", "o2", "s1", 1_000);

        await(engine().reverse(new ReverseCommission("c1", "o1", "r1", 1_000, List.of())));

        assertEquals(0.0, score(keys.rankGroups(), "g1"));
        assertEquals(100.0, score(keys.rankGroups(), "g2"));
        assertEquals(100.0, score(keys.rankStewards(), "s1"));
    }

    @Test
    void replayIsADuplicateAndADifferentDestinationAConflict() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 1_000);
        transfer("s1", "t1", "r2", "g2");
        transfer("s1", "t2", "r3", "g3");

        TransferResult replay = transfer("s1", "t1", "r2", "g2");

        assertEquals(Outcome.DUPLICATE, replay.outcome());
        assertEquals("g1", replay.fromGroupId());
        assertEquals(100, replay.movedFen());
        refused(Reason.TRANSFER_CONFLICT, () -> transfer("s1", "t1", "r2", "g9"));
        assertEquals("g3", await(engine().getSteward("c1", "s1")).groupId());
    }

    @Test
    void aTransferToTheCurrentPlacementMovesJournalsAndAnnouncesNothing() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 1_000);
        CampaignSnapshot before = CampaignSnapshot.of(RedisExtension.redisson(), "c1");
        List<Event> published;
        TransferResult result;
        try (EventRecorder events = new EventRecorder(RedisExtension.port())) {
            result = transfer("s1", "t1", "r1", "g1");
            published = events.drain();
        }

        assertEquals(Outcome.APPLIED, result.outcome());
        assertEquals(List.of("r1", "g1", "r1", "g1", 0L), List.of(result.fromRegionId(), result.fromGroupId(),
                result.toRegionId(), result.toGroupId(), result.movedFen()));
        // Only the idempotency record is written: no ledger entry, no ranking, no steward version.
        assertEquals(List.of("added " + keys.transfers()),
                before.differences(CampaignSnapshot.of(RedisExtension.redisson(), "c1")));
        assertEquals(List.of(), published);
    }

    @Test
    void aTransferThatMovedNothingIsStillJudgedAgainstWhatWasAsked() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 1_000);
        transfer("s1", "t1", "r1", "g1");

        assertEquals(Outcome.DUPLICATE, transfer("s1", "t1", "r1", "g1").outcome());
        refused(Reason.TRANSFER_CONFLICT, () -> transfer("s1", "t1", "r2", "g2"));
        transfer("s1", "t2", "r2", "g2");
        TransferResult replay = transfer("s1", "t1", "r1", "g1");

        assertEquals(Outcome.DUPLICATE, replay.outcome());
        assertEquals(0, replay.movedFen());
        assertEquals("g2", await(engine().getSteward("c1", "s1")).groupId());
        assertEquals(100.0, score(keys.rankGroups(), "g2"));
    }

    @Test
    void aTransferIsNeverAnOverflowSinceTheCampaignTotalBoundsWhatMoves() {
        long limit = Validator.MAX_TOTAL_FEN;
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        steward("c1", "s2", "r1", "g2");
        // One script call for what ~900,000 requests of 10^10 fen would add up to.
        await(engine().registry().runner().execute(new AdjustStrategy(),
                new AdjustCommission("c1", "seed", "s1", limit - 2, "seed")));
        await(engine().adjust(new AdjustCommission("c1", "a1", "s2", 1, "bonus")));

        // Neither staying put nor a move within the region adds what moves to a total it stays in.
        TransferResult stay = transfer("s1", "t0", "r1", "g1");
        TransferResult move = transfer("s1", "t1", "r1", "g2");

        assertEquals(Outcome.APPLIED, stay.outcome());
        assertEquals(Outcome.APPLIED, move.outcome());
        assertEquals(limit - 2, move.movedFen());
        assertEquals((double) (limit - 1), score(keys.rankGroups(), "g2"));
    }

    @Test
    void settleWithPlacementRegistersOrTransfersFirst() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        List<OrderLine> lines = List.of(new OrderLine("sku", 1, 1_000));

        await(engine().settle(new SettleCommission("c1", "o1", "s1", lines, "r1", "g1", "Alice")));
        Steward registered = await(engine().getSteward("c1", "s1"));
        assertEquals("Alice", registered.name());
        assertEquals(100, registered.earnedFen());

        await(engine().settle(new SettleCommission("c1", "o2", "s1", lines, "r2", "g2", "")));
        Steward moved = await(engine().getSteward("c1", "s1"));
        assertEquals("g2", moved.groupId());
        assertEquals(200.0, score(keys.rankGroups(), "g2"));
        assertNull(score(keys.rankGroups(), "g1"));
    }

    @Test
    void theSettlementsPlacementIsPartOfItsPayload() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        List<OrderLine> lines = List.of(new OrderLine("sku", 1, 1_000));
        await(engine().settle(new SettleCommission("c1", "o1", "s1", lines, "r1", "g1", "Alice")));

        assertEquals(Outcome.DUPLICATE, await(engine().settle(new SettleCommission("c1", "o1", "s1", lines, "r1", "g1", "Alice"))).outcome());
        refused(Reason.ORDER_CONFLICT, () -> await(engine().settle(new SettleCommission("c1", "o1", "s1", lines, "r9", "g9", "Alice"))));
        assertEquals("g1", await(engine().getSteward("c1", "s1")).groupId());
    }

    @Test
    void closedCampaignRefusesTransfers() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        refused(Reason.STEWARD_NOT_FOUND, () -> await(engine().transfer(new TransferSteward("c1", "ghost", "t1", "r1", "g1"))));
        await(engine().closeCampaign("c1"));

        refused(Reason.CAMPAIGN_CLOSED, () -> transfer("s1", "t1", "r2", "g2"));
        refused(Reason.CAMPAIGN_CLOSED, () -> settle("c1", "o1", "s1", 100));
    }
}
