package dev.commission.core.ranking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.commission.core.CampaignKeys;
import dev.commission.core.CommissionException;
import dev.commission.core.EngineFixture;
import dev.commission.core.Reason;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.operation.ScriptRunner;
import dev.commission.core.ranking.RankingScope.Kind;
import dev.commission.core.steward.TransferSteward;
import dev.commission.core.testing.RedisExtension;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Pages and standings read from sorted sets filled directly, so each case controls the exact
 * scores and ties, and a few driven end to end through the engine's write scripts.
 * Order: score descending, then id ascending; ranks "1224".
 */
@ExtendWith(RedisExtension.class)
class RankingReaderTest {
    private final RedissonClient redis = RedisExtension.redisson();
    private final RankingReader reader = new RankingReader(new ScriptRunner(redis));
    private final CampaignKeys keys = new CampaignKeys("c1");

    @Test
    void tiesShareACompetitionRankAndAreListedByIdAscending() {
        campaign();
        zadd(keys.rankStewards(), Map.of("a", 500L, "c", 300L, "b", 300L, "d", 100L));

        RankingPage page = page(RankingScope.of(Kind.STEWARDS), 0, 10);

        assertEquals(List.of("1 a 500", "2 b 300", "2 c 300", "4 d 100"), lines(page.entries()));
        assertEquals(4, page.totalMembers());
    }

    @Test
    void aTieSpanningPagesKeepsIdOrderAcrossPageBoundaries() {
        campaign();
        Map<String, Long> scores = new HashMap<>();
        scores.put("top", 900L);
        for (int i = 0; i < 10; i++) {
            scores.put("s" + i, 100L);
        }
        scores.put("last", 7L);
        zadd(keys.rankStewards(), scores);

        List<String> all = new ArrayList<>();
        for (int offset = 0; offset < 12; offset += 3) {
            RankingPage page = page(RankingScope.of(Kind.STEWARDS), offset, 3);
            assertEquals(12, page.totalMembers());
            all.addAll(lines(page.entries()));
        }

        List<String> expected = new ArrayList<>(List.of("1 top 900"));
        for (int i = 0; i < 10; i++) {
            expected.add("2 s" + i + " 100");
        }
        expected.add("12 last 7");
        assertEquals(expected, all);
    }

    @Test
    void aPageInsideALongTieStartsAtTheRightMember() {
        campaign();
        Map<String, Long> scores = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            scores.put(String.format("m%05d", i), 42L);
        }
        scores.put("z", 43L);
        zadd(keys.rankStewards(), scores);

        RankingPage page = page(RankingScope.of(Kind.STEWARDS), 5_001, 3);

        assertEquals(List.of("2 m05000 42", "2 m05001 42", "2 m05002 42"), lines(page.entries()));
        assertEquals(10_001, page.totalMembers());
    }

    @Test
    void anOffsetPastTheEndGivesAnEmptyPageAndTheTotal() {
        campaign();
        zadd(keys.rankStewards(), Map.of("a", 5L, "b", 4L));

        RankingPage page = page(RankingScope.of(Kind.STEWARDS), 2, 10);

        assertEquals(List.of(), page.entries());
        assertEquals(2, page.totalMembers());
    }

    @Test
    void aScopeWithNoMembersIsAnEmptyPage() {
        campaign();

        RankingPage page = page(RankingScope.of(Kind.STEWARDS_IN_GROUP, "nobody"), 0, 10);

        assertEquals(List.of(), page.entries());
        assertEquals(0, page.totalMembers());
    }

    @Test
    void stewardScopesShowNamesAndFallBackToTheId() {
        campaign();
        zadd(keys.rankStewardsInRegion("north"), Map.of("s1", 20L, "s2", 10L));
        names(Map.of("s1", "张三"));

        RankingPage page = page(RankingScope.of(Kind.STEWARDS_IN_REGION, "north"), 0, 10);

        assertEquals(List.of(new RankingEntry(1, "s1", "张三", 20), new RankingEntry(2, "s2", "s2", 10)),
                page.entries());
    }

    @Test
    void groupsAndRegionsAreShownByTheirIds() {
        campaign();
        names(Map.of("g1", "a steward who happens to be called g1", "north", "another"));
        zadd(keys.rankGroups(), Map.of("g1", 30L, "g2", 40L));
        zadd(keys.rankGroupsInRegion("north"), Map.of("g1", 30L));
        zadd(keys.rankRegions(), Map.of("north", 70L));

        assertEquals(List.of(new RankingEntry(1, "g2", "g2", 40), new RankingEntry(2, "g1", "g1", 30)),
                page(RankingScope.of(Kind.GROUPS), 0, 10).entries());
        assertEquals(List.of(new RankingEntry(1, "g1", "g1", 30)),
                page(RankingScope.of(Kind.GROUPS_IN_REGION, "north"), 0, 10).entries());
        assertEquals(List.of(new RankingEntry(1, "north", "north", 70)),
                page(RankingScope.of(Kind.REGIONS), 0, 10).entries());
    }

    @Test
    void scoresNearTheLimitComeBackExactly() {
        campaign();
        long big = (1L << 53) - 1;
        zadd(keys.rankStewards(), Map.of("rich", big, "poor", 0L));

        assertEquals(List.of("1 rich " + big, "2 poor 0"), lines(page(RankingScope.of(Kind.STEWARDS), 0, 5).entries()));
    }

    @Test
    void aPageOfAMissingCampaignIsCampaignNotFound() {
        zadd(keys.rankStewards(), Map.of("a", 1L));

        assertEquals(Reason.CAMPAIGN_NOT_FOUND, refusal(reader.page(keys, RankingScope.of(Kind.STEWARDS), 0, 10)));
    }

    @Test
    void standingShowsRankGapAndNeighboursInEachScope() {
        campaign();
        // Campaign: a 900, b 500, c 500, d 500, e 100. d is in region north (b, d, e), group g1 (d, e).
        steward("d", "Dora", "north", "g1");
        zadd(keys.rankStewards(), Map.of("a", 900L, "b", 500L, "c", 500L, "d", 500L, "e", 100L));
        zadd(keys.rankStewardsInRegion("north"), Map.of("b", 500L, "d", 500L, "e", 100L));
        zadd(keys.rankStewardsInGroup("g1"), Map.of("d", 500L, "e", 100L));
        names(Map.of("a", "Ann", "b", "Bob", "c", "Cy", "d", "Dora", "e", "Eve"));

        Standing standing = standing("d");

        assertEquals("d", standing.stewardId());
        assertEquals(List.of(RankingScope.of(Kind.STEWARDS), RankingScope.of(Kind.STEWARDS_IN_REGION, "north"),
                RankingScope.of(Kind.STEWARDS_IN_GROUP, "g1")),
                standing.scopes().stream().map(ScopeStanding::scope).toList());

        ScopeStanding campaign = standing.scopes().get(0);
        assertEquals(List.of(2L, 5L, 500L, 400L), List.of(campaign.rank(), campaign.members(), campaign.scoreFen(),
                campaign.gapToAboveFen()));
        assertEquals(List.of(new RankingEntry(2, "b", "Bob", 500), new RankingEntry(2, "c", "Cy", 500)), campaign.above());
        assertEquals(List.of(new RankingEntry(5, "e", "Eve", 100)), campaign.below());

        ScopeStanding region = standing.scopes().get(1);
        assertEquals(List.of(1L, 3L, 500L, 0L), List.of(region.rank(), region.members(), region.scoreFen(),
                region.gapToAboveFen()));
        assertEquals(List.of(new RankingEntry(1, "b", "Bob", 500)), region.above());
        assertEquals(List.of(new RankingEntry(3, "e", "Eve", 100)), region.below());

        ScopeStanding group = standing.scopes().get(2);
        assertEquals(List.of(1L, 2L, 500L, 0L), List.of(group.rank(), group.members(), group.scoreFen(),
                group.gapToAboveFen()));
        assertEquals(List.of(), group.above());
        assertEquals(List.of(new RankingEntry(2, "e", "Eve", 100)), group.below());
    }

    @Test
    void standingAtTheBottomHasNoOneBelowAndTheNearestAboveLast() {
        campaign();
        steward("e", "Eve", "north", "g1");
        zadd(keys.rankStewards(), Map.of("a", 900L, "b", 500L, "c", 300L, "e", 100L));
        zadd(keys.rankStewardsInRegion("north"), Map.of("e", 100L));
        zadd(keys.rankStewardsInGroup("g1"), Map.of("e", 100L));

        ScopeStanding campaign = standing("e").scopes().get(0);

        assertEquals(4, campaign.rank());
        assertEquals(200, campaign.gapToAboveFen());
        assertEquals(List.of("2 b 500", "3 c 300"), lines(campaign.above()));
        assertEquals(List.of(), campaign.below());
    }

    @Test
    void standingAtTheTopHasNoGapAndTwoBelowNearestFirst() {
        campaign();
        steward("a", "Ann", "north", "g1");
        zadd(keys.rankStewards(), Map.of("a", 900L, "b", 500L, "c", 300L, "e", 100L));
        zadd(keys.rankStewardsInRegion("north"), Map.of("a", 900L));
        zadd(keys.rankStewardsInGroup("g1"), Map.of("a", 900L));

        ScopeStanding campaign = standing("a").scopes().get(0);

        assertEquals(List.of(1L, 0L), List.of(campaign.rank(), campaign.gapToAboveFen()));
        assertEquals(List.of(), campaign.above());
        assertEquals(List.of("2 b 500", "3 c 300"), lines(campaign.below()));
        ScopeStanding alone = standing("a").scopes().get(2);
        assertEquals(List.of(1L, 1L, 0L), List.of(alone.rank(), alone.members(), alone.gapToAboveFen()));
        assertEquals(List.of(), alone.above());
        assertEquals(List.of(), alone.below());
    }

    @Test
    void standingOfAnUnknownStewardIsStewardNotFound() {
        campaign();

        assertEquals(Reason.STEWARD_NOT_FOUND, refusal(reader.standing(keys, "ghost")));
    }

    @Test
    void standingInAMissingCampaignIsCampaignNotFound() {
        steward("d", "Dora", "north", "g1");

        assertEquals(Reason.CAMPAIGN_NOT_FOUND, refusal(reader.standing(keys, "d")));
    }

    @Test
    void settledCommissionShowsInEveryRankingThroughTheEngine() {
        EngineFixture.campaign("live", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        EngineFixture.steward("live", "s1", "north", "g1");
        EngineFixture.steward("live", "s2", "north", "g2");
        EngineFixture.steward("live", "s3", "south", "g3");
        EngineFixture.steward("live", "s4", "north", "g1");
        EngineFixture.settle("live", "o1", "s1", 10_000);
        EngineFixture.settle("live", "o2", "s2", 10_000);
        EngineFixture.settle("live", "o3", "s3", 5_000);
        EngineFixture.settle("live", "o4", "s1", 3_000);

        assertEquals(List.of(new RankingEntry(1, "s1", "Name s1", 1300), new RankingEntry(2, "s2", "Name s2", 1000),
                new RankingEntry(3, "s3", "Name s3", 500), new RankingEntry(4, "s4", "Name s4", 0)),
                enginePage("live", RankingScope.of(Kind.STEWARDS)).entries());
        assertEquals(List.of("1 s1 1300", "2 s4 0"), lines(enginePage("live", RankingScope.of(Kind.STEWARDS_IN_GROUP, "g1")).entries()));
        assertEquals(List.of("1 g1 1300", "2 g2 1000", "3 g3 500"), lines(enginePage("live", RankingScope.of(Kind.GROUPS)).entries()));
        assertEquals(List.of("1 g1 1300", "2 g2 1000"),
                lines(enginePage("live", RankingScope.of(Kind.GROUPS_IN_REGION, "north")).entries()));
        assertEquals(List.of(new RankingEntry(1, "north", "north", 2300), new RankingEntry(2, "south", "south", 500)),
                enginePage("live", RankingScope.of(Kind.REGIONS)).entries());
    }

    @Test
    void standingThroughTheEngineFollowsSettlesAndTies() {
        EngineFixture.campaign("live", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        EngineFixture.steward("live", "s1", "north", "g1");
        EngineFixture.steward("live", "s2", "north", "g2");
        EngineFixture.steward("live", "s3", "south", "g3");
        EngineFixture.settle("live", "o1", "s1", 10_000);
        EngineFixture.settle("live", "o2", "s2", 7_000);
        EngineFixture.settle("live", "o3", "s2", 3_000);

        Standing standing = EngineFixture.await(EngineFixture.engine().standing("live", "s2"));

        ScopeStanding campaign = standing.scopes().get(0);
        assertEquals(List.of(1L, 3L, 1000L, 0L), List.of(campaign.rank(), campaign.members(), campaign.scoreFen(),
                campaign.gapToAboveFen()));
        assertEquals(List.of(new RankingEntry(1, "s1", "Name s1", 1000)), campaign.above());
        assertEquals(List.of(new RankingEntry(3, "s3", "Name s3", 0)), campaign.below());
        assertEquals(RankingScope.of(Kind.STEWARDS_IN_REGION, "north"), standing.scopes().get(1).scope());
        assertEquals(List.of("1 s1 1000"), lines(standing.scopes().get(1).above()));
        assertEquals(RankingScope.of(Kind.STEWARDS_IN_GROUP, "g2"), standing.scopes().get(2).scope());
        assertEquals(1, standing.scopes().get(2).members());
    }

    @Test
    void standingThroughTheEngineFollowsATransfer() {
        EngineFixture.campaign("live", CommissionRule.fixed(100, 0), TransferPolicy.FOLLOW);
        EngineFixture.steward("live", "s1", "north", "g1");
        EngineFixture.steward("live", "s2", "south", "g2");
        EngineFixture.settle("live", "o1", "s1", 5_000);
        EngineFixture.await(EngineFixture.engine().transfer(new TransferSteward("live", "s1", "t1", "south", "g2")));

        Standing standing = EngineFixture.await(EngineFixture.engine().standing("live", "s1"));

        assertEquals(List.of(RankingScope.of(Kind.STEWARDS), RankingScope.of(Kind.STEWARDS_IN_REGION, "south"),
                RankingScope.of(Kind.STEWARDS_IN_GROUP, "g2")),
                standing.scopes().stream().map(ScopeStanding::scope).toList());
        ScopeStanding group = standing.scopes().get(2);
        assertEquals(List.of(1L, 2L, 100L), List.of(group.rank(), group.members(), group.scoreFen()));
        assertEquals(List.of(new RankingEntry(2, "s2", "Name s2", 0)), group.below());
        assertEquals(List.of(), lines(enginePage("live", RankingScope.of(Kind.STEWARDS_IN_GROUP, "g1")).entries()));
    }

    /** Pages and standings against a plain sort of random scores with many ties. Re-run with -Dseed=... */
    @Test
    void randomRankingsMatchAPlainSort() {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("RankingReaderTest.randomRankingsMatchAPlainSort seed=" + seed);
        Random random = new Random(seed);
        campaign();
        int size = 1 + random.nextInt(300);
        int distinctScores = 1 + random.nextInt(20);
        Map<String, Long> scores = new LinkedHashMap<>();
        while (scores.size() < size) {
            String id = randomId(random);
            scores.put(id, (long) random.nextInt(distinctScores) * (1 + random.nextInt(3)) * 1_000_003L);
        }
        zadd(keys.rankStewards(), scores);
        zadd(keys.rankStewardsInRegion("r"), scores);
        scores.keySet().forEach(id -> steward(id, "n-" + id, "r", "g"));
        zadd(keys.rankStewardsInGroup("g"), scores);
        names(scores.keySet().stream().collect(Collectors.toMap(id -> id, id -> "n-" + id)));
        List<RankingEntry> expected = plainSort(scores);

        int pageSize = 1 + random.nextInt(40);
        List<RankingEntry> paged = new ArrayList<>();
        for (int offset = 0; offset < size; offset += pageSize) {
            RankingPage page = page(RankingScope.of(Kind.STEWARDS), offset, pageSize);
            assertEquals(size, page.totalMembers(), "seed=" + seed);
            paged.addAll(page.entries());
        }
        assertEquals(expected, paged, "seed=" + seed);

        for (int i = 0; i < 20; i++) {
            int position = random.nextInt(size);
            RankingEntry me = expected.get(position);
            for (ScopeStanding scope : standing(me.memberId()).scopes()) {
                assertEquals(me.rank(), scope.rank(), "seed=" + seed);
                assertEquals(me.scoreFen(), scope.scoreFen(), "seed=" + seed);
                assertEquals(size, scope.members(), "seed=" + seed);
                long gap = expected.stream().mapToLong(RankingEntry::scoreFen).filter(s -> s > me.scoreFen())
                        .min().orElse(me.scoreFen()) - me.scoreFen();
                assertEquals(gap, scope.gapToAboveFen(), "seed=" + seed);
                assertEquals(expected.subList(Math.max(0, position - 2), position), scope.above(), "seed=" + seed);
                assertEquals(expected.subList(position + 1, Math.min(size, position + 3)), scope.below(), "seed=" + seed);
            }
        }
    }

    private static List<RankingEntry> plainSort(Map<String, Long> scores) {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(scores.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        List<RankingEntry> entries = new ArrayList<>();
        for (Map.Entry<String, Long> e : sorted) {
            long greater = scores.values().stream().filter(s -> s > e.getValue()).count();
            entries.add(new RankingEntry(1 + greater, e.getKey(), "n-" + e.getKey(), e.getValue()));
        }
        return entries;
    }

    private static String randomId(Random random) {
        String alphabet = "ABCXYZabcxyz019_.-";
        int length = 1 + random.nextInt(6);
        return IntStream.range(0, length).mapToObj(i -> String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))))
                .collect(Collectors.joining());
    }

    private RankingPage page(RankingScope scope, long offset, int limit) {
        return reader.page(keys, scope, offset, limit).toCompletableFuture().join();
    }

    private static RankingPage enginePage(String campaignId, RankingScope scope) {
        return EngineFixture.await(EngineFixture.engine().rankingPage(campaignId, scope, 0, 100));
    }

    private Standing standing(String stewardId) {
        return reader.standing(keys, stewardId).toCompletableFuture().join();
    }

    private static Reason refusal(CompletionStage<?> stage) {
        CompletionException thrown = assertThrows(CompletionException.class, () -> stage.toCompletableFuture().join());
        return assertInstanceOf(CommissionException.class, thrown.getCause()).reason();
    }

    private static List<String> lines(List<RankingEntry> entries) {
        return entries.stream().map(e -> e.rank() + " " + e.memberId() + " " + e.scoreFen()).toList();
    }

    private void campaign() {
        redis.<String, String>getMap(keys.campaign(), StringCodec.INSTANCE).putAll(Map.of("name", "spring", "status", "OPEN"));
    }

    private void steward(String id, String name, String region, String group) {
        redis.<String, String>getMap(keys.steward(id), StringCodec.INSTANCE)
                .putAll(Map.of("name", name, "region", region, "group", group));
    }

    private void names(Map<String, String> names) {
        redis.<String, String>getMap(keys.names(), StringCodec.INSTANCE).putAll(names);
    }

    private void zadd(String key, Map<String, Long> scores) {
        Map<String, Double> doubles = new HashMap<>();
        scores.forEach((id, score) -> doubles.put(id, score.doubleValue()));
        redis.<String>getScoredSortedSet(key, StringCodec.INSTANCE).addAll(doubles);
    }
}
