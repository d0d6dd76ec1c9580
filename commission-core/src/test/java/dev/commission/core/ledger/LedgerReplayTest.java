package dev.commission.core.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.commission.core.campaign.TransferPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerReplayTest {
    private final List<LedgerEntry> ledger = new ArrayList<>();

    private void add(String type, String steward, long delta, String region, String group, String... extra) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("type", type);
        if (steward != null) {
            fields.put("steward", steward);
            fields.put("delta", Long.toString(delta));
            fields.put("region", region);
            fields.put("group", group);
        }
        for (int i = 0; i < extra.length; i += 2) {
            fields.put(extra[i], extra[i + 1]);
        }
        ledger.add(new LedgerEntry((ledger.size() + 1) + "-0", type, steward == null ? "" : steward, delta,
                region == null ? "" : region, group == null ? "" : group, fields));
    }

    private void register(String steward, String region, String group) {
        add("register", steward, 0, region, group, "name", "Name " + steward);
    }

    private void settle(String steward, String order, long paid, long commission, String region, String group) {
        add("settle", steward, commission, region, group, "order", order, "paid", Long.toString(paid), "items", "1",
                "rule", "rate", "rate", "1000", "cap", "0");
    }

    private void reverse(String steward, String order, String refund, long amount, long delta, String region,
                         String group) {
        add("reverse", steward, delta, region, group, "order", order, "refund", refund, "amount", Long.toString(amount));
    }

    private void transfer(String steward, String fromRegion, String fromGroup, String toRegion, String toGroup,
                          long moved) {
        add("transfer", steward, 0, toRegion, toGroup, "transfer", "t" + ledger.size(), "from_region", fromRegion,
                "from_group", fromGroup, "moved", Long.toString(moved));
    }

    private LedgerReplay replay(TransferPolicy policy) {
        return LedgerReplay.of(policy, ledger);
    }

    @Test
    void settlementsRefundsAndAdjustmentsAddUpPerStewardAndInTotal() {
        register("s1", "r1", "g1");
        register("s2", "r1", "g2");
        settle("s1", "o1", 1_000, 100, "r1", "g1");
        reverse("s1", "o1", "rf1", 400, -40, "r1", "g1");
        add("adjust", "s1", 25, "r1", "g1", "adjustment", "a1", "reason", "bonus");
        settle("s2", "o2", 500, 50, "r1", "g2");
        add("adjust", "s2", -10, "r1", "g2", "adjustment", "a2", "reason", "correction");

        LedgerReplay replay = replay(TransferPolicy.FOLLOW);

        assertEquals(new LedgerReplay.StewardState("s1", "Name s1", "r1", "g1", 85, 600, 1), replay.stewards().get("s1"));
        assertEquals(new LedgerReplay.StewardState("s2", "Name s2", "r1", "g2", 40, 500, 1), replay.stewards().get("s2"));
        assertEquals(new LedgerReplay.Totals(125, 1_100, 2), replay.totals());
        assertEquals(Map.of("o1", 60L, "o2", 50L), replay.orderCommission());
        assertEquals(Map.of("g1", 85L, "g2", 40L), replay.groupScores());
        assertEquals(Map.of("r1", 125L), replay.regionScores());
        assertEquals(Map.of("r1", Map.of("g1", 85L, "g2", 40L)), replay.regionGroupScores());
        assertEquals(Map.of("s1", 85L, "s2", 40L), replay.stewardRanking());
        assertEquals(7, replay.entriesReplayed());
        assertEquals("7-0", replay.lastEntryId());
    }

    @Test
    void aRefundNettedAtSettlementCountsAgainstTheOrderAndTheSales() {
        register("s1", "r1", "g1");
        settle("s1", "o1", 1_000, 100, "r1", "g1");
        reverse("s1", "o1", "rf1", 300, -30, "r1", "g1");

        LedgerReplay replay = replay(TransferPolicy.FOLLOW);

        LedgerReplay.StewardState s1 = replay.stewards().get("s1");
        assertEquals(70, s1.earnedFen());
        assertEquals(700, s1.salesFen());
        assertEquals(1, s1.orders());
        assertEquals(Map.of("o1", 70L), replay.orderCommission());
        assertEquals(Map.of("g1", 70L), replay.groupScores());
    }

    @Test
    void anOrderRefundedInFullBeforeSettlementNetsToNothingButStillCountsAsAnOrder() {
        register("s1", "r1", "g1");
        settle("s1", "o1", 1_000, 100, "r1", "g1");
        reverse("s1", "o1", "rf1", 1_000, -100, "r1", "g1");

        LedgerReplay replay = replay(TransferPolicy.FOLLOW);

        assertEquals(new LedgerReplay.Totals(0, 0, 1), replay.totals());
        assertEquals(Map.of("o1", 0L), replay.orderCommission());
    }

    @Test
    void underFollowTheWholeTotalMovesAndAnEmptiedGroupLeavesTheRankings() {
        register("s1", "r1", "g1");
        register("s2", "r1", "g2");
        settle("s1", "o1", 1_000, 100, "r1", "g1");
        settle("s2", "o2", 300, 30, "r1", "g2");
        transfer("s1", "r1", "g1", "r2", "g3", 100);
        settle("s1", "o3", 500, 50, "r2", "g3");

        LedgerReplay replay = replay(TransferPolicy.FOLLOW);

        assertEquals(Map.of("g2", 30L, "g3", 150L), replay.groupScores());
        assertEquals(Map.of("r1", 30L, "r2", 150L), replay.regionScores());
        assertEquals(Map.of("r1", Map.of("g2", 30L), "r2", Map.of("g3", 150L)), replay.regionGroupScores());
        assertEquals(0L, replay.groupCredit().get("g1"));
        assertEquals(Map.of("g2", Map.of("s2", 30L), "g3", Map.of("s1", 150L)), replay.stewardsByGroup());
        assertEquals(Map.of("r1", Map.of("s2", 30L), "r2", Map.of("s1", 150L)), replay.stewardsByRegion());
        assertEquals(Map.of("g:g2", 1L, "g:g3", 1L, "r:r1", 1L, "r:r2", 1L, "rg:r1:g2", 1L, "rg:r2:g3", 1L),
                replay.placementCounts());
    }

    @Test
    void underFollowAMoveWithinTheRegionLeavesTheRegionScoreAlone() {
        register("s1", "r1", "g1");
        settle("s1", "o1", 1_000, 100, "r1", "g1");
        transfer("s1", "r1", "g1", "r1", "g2", 100);

        LedgerReplay replay = replay(TransferPolicy.FOLLOW);

        assertEquals(Map.of("g2", 100L), replay.groupScores());
        assertEquals(Map.of("r1", 100L), replay.regionScores());
        assertEquals(Map.of("r1", Map.of("g2", 100L)), replay.regionGroupScores());
    }

    @Test
    void underStayEarningsStayWithTheOldPlacementWhichStaysListed() {
        register("s1", "r1", "g1");
        settle("s1", "o1", 1_000, 100, "r1", "g1");
        transfer("s1", "r1", "g1", "r2", "g2", 0);
        settle("s1", "o2", 500, 50, "r2", "g2");
        // a refund of the first order is taken from where that order settled
        reverse("s1", "o1", "rf1", 200, -20, "r1", "g1");

        LedgerReplay replay = replay(TransferPolicy.STAY);

        assertEquals(Map.of("g1", 80L, "g2", 50L), replay.groupScores());
        assertEquals(Map.of("r1", 80L, "r2", 50L), replay.regionScores());
        assertEquals(Map.of("r1", Map.of("g1", 80L), "r2", Map.of("g2", 50L)), replay.regionGroupScores());
        assertEquals(Map.of("g2", Map.of("s1", 130L)), replay.stewardsByGroup());
        assertEquals(Map.of("s1", 130L), replay.stewardRanking());
        assertEquals(Map.of("g:g2", 1L, "r:r2", 1L, "rg:r2:g2", 1L), replay.placementCounts());
    }

    @Test
    void underStayAGroupThatNeverEarnedStaysListedAtZero() {
        register("s1", "r1", "g1");
        transfer("s1", "r1", "g1", "r1", "g2", 0);

        assertEquals(Map.of("g1", 0L, "g2", 0L), replay(TransferPolicy.STAY).groupScores());
        assertEquals(Map.of("g2", 0L), replay(TransferPolicy.FOLLOW).groupScores());
    }

    @Test
    void aClosingEntryIsCountedAndMovesNothing() {
        register("s1", "r1", "g1");
        settle("s1", "o1", 1_000, 100, "r1", "g1");
        add("close", null, 0, null, null, "delta", "0");

        LedgerReplay replay = replay(TransferPolicy.FOLLOW);

        assertEquals(3, replay.entriesReplayed());
        assertEquals("3-0", replay.lastEntryId());
        assertEquals(new LedgerReplay.Totals(100, 1_000, 1), replay.totals());
        assertFalse(replay.stewards().containsKey(""));
    }

    @Test
    void anEmptyLedgerReplaysToNothing() {
        LedgerReplay replay = replay(TransferPolicy.STAY);

        assertEquals(0, replay.entriesReplayed());
        assertEquals("", replay.lastEntryId());
        assertEquals(new LedgerReplay.Totals(0, 0, 0), replay.totals());
        assertEquals(Map.of(), replay.groupScores());
    }
}
