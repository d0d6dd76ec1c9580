package dev.commission.core.metrics;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.campaign;
import static dev.commission.core.EngineFixture.campaignKeys;
import static dev.commission.core.EngineFixture.engine;
import static dev.commission.core.EngineFixture.refused;
import static dev.commission.core.EngineFixture.steward;
import static dev.commission.core.metrics.CampaignMetricsFixture.metrics;
import static dev.commission.core.metrics.CampaignMetricsFixture.settle;
import static dev.commission.core.metrics.CampaignMetricsFixture.sms;
import static dev.commission.core.metrics.CampaignMetricsFixture.visits;
import static dev.commission.core.metrics.CampaignMetricsFixture.workedExample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.core.CampaignKeys;
import dev.commission.core.CommissionException;
import dev.commission.core.Reason;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.operation.ScriptRunner;
import dev.commission.core.order.OrderLine;
import dev.commission.core.order.ReverseCommission;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.steward.TransferSteward;
import dev.commission.core.testing.RedisExtension;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.client.codec.StringCodec;

/**
 * Every figure of the campaign metrics on worked examples computed by hand in the comments:
 * average price per item, sell-through, conversion, SMS recall, per campaign, steward, group and
 * region, net of refunds.
 */
@ExtendWith(RedisExtension.class)
class CampaignMetricsTest {
    private static final CommissionRule TEN_PERCENT = CampaignMetricsFixture.TEN_PERCENT;

    /**
     * Campaign c: s1 in r1/g1, s2 in r1/g2. Catalogue: 4 SKUs (a, b, c, d).
     * Visitors: v1, v2, v3 by s1; v4 by s2; v1 again by s2; v5 with no steward.
     *   campaign visitors {v1..v5} = 5; s1 {v1,v2,v3} = 3; s2 {v4,v1} = 2; g1 3; g2 2; r1 {v1..v4} = 4.
     * SMS batch m1 at t=1000 ms to v2, v3, v9 (three recipients).
     * Orders (settled now, long after t=1000):
     *   o1 by s1, buyer v1: 2 x a for 2,000 + 1 x b for 1,000  -> 3,000 fen, 3 items
     *   o2 by s1, buyer v2: 1 x c for 500                       ->   500 fen, 1 item
     *   o3 by s2, buyer v4: 4 x a for 1,000                     -> 1,000 fen, 4 items
     * Campaign: paid 4,500, items 8, avg 4,500 / 8 = 562 (562.5 rounded down), orders 3, buyers 3
     *   (v1, v2, v4), conversion 3 / 5 = 6,000 bp, SKUs sold {a, b, c} of 4 = 7,500 bp,
     *   recalled {v2} (v2 got an SMS at 1000 and ordered after) of 3 recipients = 3,333 bp.
     * s1: paid 3,500, items 4, avg 875, buyers {v1, v2} of 3 visitors = 6,666 bp, sold {a,b,c} 7,500 bp,
     *   recalled {v2} of 3 = 3,333 bp.
     * s2 / g2: paid 1,000, items 4, avg 250, buyers {v4} of 2 visitors = 5,000 bp, sold {a} 2,500 bp, recall 0 of 3.
     * g1 = s1. r1 = the campaign but 4 visitors: conversion 3 / 4 = 7,500 bp.
     */
    @Test
    void everyFigureOfTheWorkedExample() {
        workedExample("c");

        assertMetrics("c", MetricsScope.CAMPAIGN, 4_500, 8, 3, 3, 1, 5, 3, 4, 3);
        assertFigure(562, metrics("c", MetricsScope.CAMPAIGN).avgPricePerItem());
        assertFigure(6_000, metrics("c", MetricsScope.CAMPAIGN).conversion());
        assertFigure(7_500, metrics("c", MetricsScope.CAMPAIGN).sellThrough());
        assertFigure(3_333, metrics("c", MetricsScope.CAMPAIGN).smsRecall());

        assertMetrics("c", MetricsScope.steward("s1"), 3_500, 4, 2, 2, 1, 3, 3, 4, 3);
        assertFigure(875, metrics("c", MetricsScope.steward("s1")).avgPricePerItem());
        assertFigure(6_666, metrics("c", MetricsScope.steward("s1")).conversion());
        assertMetrics("c", MetricsScope.group("g1"), 3_500, 4, 2, 2, 1, 3, 3, 4, 3);

        assertMetrics("c", MetricsScope.steward("s2"), 1_000, 4, 1, 1, 0, 2, 1, 4, 3);
        assertFigure(250, metrics("c", MetricsScope.steward("s2")).avgPricePerItem());
        assertFigure(5_000, metrics("c", MetricsScope.steward("s2")).conversion());
        assertFigure(2_500, metrics("c", MetricsScope.steward("s2")).sellThrough());
        assertFigure(0, metrics("c", MetricsScope.steward("s2")).smsRecall());
        assertMetrics("c", MetricsScope.group("g2"), 1_000, 4, 1, 1, 0, 2, 1, 4, 3);

        assertMetrics("c", MetricsScope.region("r1"), 4_500, 8, 3, 3, 1, 4, 3, 4, 3);
        assertFigure(7_500, metrics("c", MetricsScope.region("r1")).conversion());
    }

    /**
     * A campaign with nothing recorded: every denominator is 0, so every value is absent (not 0).
     * A group nobody was ever in reads as zeros too.
     */
    @Test
    void zeroDenominatorsLeaveTheValueAbsent() {
        campaign("z", TEN_PERCENT, TransferPolicy.FOLLOW);
        for (MetricsScope scope : List.of(MetricsScope.CAMPAIGN, MetricsScope.group("nobody"))) {
            CampaignMetrics m = metrics("z", scope);
            for (Figure f : List.of(m.avgPricePerItem(), m.sellThrough(), m.conversion(), m.smsRecall())) {
                assertEquals(new Figure(0, 0, OptionalLong.empty()), f);
            }
        }
    }

    /**
     * Refunds, on the worked example:
     * - o1 partly by amount (500 fen): paid 4,500 - 500 = 4,000, items stay 8 (an amount refund takes
     *   no item back), avg 4,000 / 8 = 500.
     * - o1 by lines, its one b (1,000 fen): paid 3,000, items 7, b has no net sale left: sold {a, c} = 2 of 4.
     *   s1: o1 3,000 - 1,500 = 1,500 + o2 500 = 2,000 fen; items 2 x a + 1 x c = 3.
     * - o2 in full (the only order of v2, the only recalled buyer): paid 2,500, items 6, orders 2,
     *   buyers {v1, v4} = 2, recalled 0, c sold no more: sold {a} = 1 of 4.
     *   avg 2,500 / 6 = 416; conversion 2 / 5 = 4,000 bp; recall 0 / 3 = 0 bp.
     *   s1: o1 alone, 1,500 fen, 2 items, 1 order, buyer v1, sold {a}.
     */
    @Test
    void refundsTakeFiguresBack() {
        workedExample("c");

        await(engine().reverse(new ReverseCommission("c", "o1", "f1", 500, List.of())));
        assertMetrics("c", MetricsScope.CAMPAIGN, 4_000, 8, 3, 3, 1, 5, 3, 4, 3);
        assertFigure(500, metrics("c", MetricsScope.CAMPAIGN).avgPricePerItem());

        await(engine().reverse(new ReverseCommission("c", "o1", "f2", 0, List.of(new OrderLine("b", 1, 1_000)))));
        assertMetrics("c", MetricsScope.CAMPAIGN, 3_000, 7, 3, 3, 1, 5, 2, 4, 3);
        assertMetrics("c", MetricsScope.steward("s1"), 2_000, 3, 2, 2, 1, 3, 2, 4, 3);

        await(engine().reverse(new ReverseCommission("c", "o2", "f3", 500, List.of())));
        assertMetrics("c", MetricsScope.CAMPAIGN, 2_500, 6, 2, 2, 0, 5, 1, 4, 3);
        assertFigure(416, metrics("c", MetricsScope.CAMPAIGN).avgPricePerItem());
        assertFigure(4_000, metrics("c", MetricsScope.CAMPAIGN).conversion());
        assertFigure(0, metrics("c", MetricsScope.CAMPAIGN).smsRecall());
        assertMetrics("c", MetricsScope.steward("s1"), 1_500, 2, 1, 1, 0, 3, 1, 4, 3);
        assertFalse(RedisExtension.redisson().getMap(new CampaignKeys("c").metrics(),
                org.redisson.client.codec.StringCodec.INSTANCE).containsKey("b|v2"), "v2 has no live order left");
    }

    /**
     * A buyer with two orders stays a buyer until both are refunded: v1 buys o1 (1,000) and o4
     * (600); refunding o1 in full leaves v1 a buyer (o4), refunding o4 too takes v1 out.
     */
    @Test
    void aBuyerLeavesOnlyWithTheirLastOrder() {
        campaign("c", TEN_PERCENT, TransferPolicy.FOLLOW);
        steward("c", "s1", "r1", "g1");
        settle("c", "o1", "s1", "v1", new OrderLine("a", 1, 1_000));
        settle("c", "o4", "s1", "v1", new OrderLine("a", 1, 600));
        await(engine().reverse(new ReverseCommission("c", "o1", "f1", 1_000, List.of())));
        assertEquals(1, metrics("c", MetricsScope.CAMPAIGN).buyers());
        assertEquals(1, metrics("c", MetricsScope.CAMPAIGN).orders());
        await(engine().reverse(new ReverseCommission("c", "o4", "f2", 600, List.of())));
        assertMetrics("c", MetricsScope.CAMPAIGN, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * SMS recall is measured from the recipient's first SMS: v1 orders (settled now), then gets an
     * SMS sent later than that order: not recalled. v2 gets an SMS at t=1000 and orders after: recalled.
     * An SMS recorded late with a sent_at before an order already settled counts that order (v3).
     */
    @Test
    void aBuyerWhoGotTheSmsAfterOrderingIsNotRecalled() {
        campaign("c", TEN_PERCENT, TransferPolicy.FOLLOW);
        steward("c", "s1", "r1", "g1");
        settle("c", "o1", "s1", "v1", new OrderLine("a", 1, 1_000));
        long afterO1 = System.currentTimeMillis() + 60_000;
        sms("c", "m1", afterO1, "v1");
        sms("c", "m2", 1_000, "v2");
        settle("c", "o2", "s1", "v2", new OrderLine("a", 1, 1_000));
        settle("c", "o3", "s1", "v3", new OrderLine("a", 1, 1_000));
        sms("c", "m3", 1_000, "v3");
        // recipients v1, v2, v3 = 3; recalled v2 and v3 = 2 -> 6,666 bp
        CampaignMetrics m = metrics("c", MetricsScope.CAMPAIGN);
        assertEquals(3, m.smsRecipients());
        assertEquals(2, m.recalled());
        assertFigure(6_666, m.smsRecall());
        assertEquals(2, metrics("c", MetricsScope.steward("s1")).recalled());
    }

    /**
     * A buyer counts in each scope where one of their live orders stands, and as recalled there
     * while one of those came after their first SMS. v1 buys o1 from s0 (r1/g1), gets an SMS, then
     * buys o2 from s2 (r1/g2) and o3 from s0 again. Buyers / recalled: campaign 1/1, s0 1/1 (o3),
     * s2 1/1, g1 1/1, g2 1/1, r1 1/1, r2 0/0. Refunding o3 leaves s0 and g1 a buyer (o1) but not
     * recalled (o1 came before the SMS); the campaign and r1 stay recalled through o2. Refunding o2
     * too leaves v1 a buyer of the campaign, s0, g1 and r1 through o1 alone, recalled nowhere.
     */
    @Test
    void aBuyerCountsInEachScopeWhereALiveOrderOfTheirsStands() {
        campaign("c", TEN_PERCENT, TransferPolicy.FOLLOW);
        fiveStewards("c");
        settle("c", "o1", "s0", "v1", new OrderLine("a", 1, 1_000));
        long smsAt = System.currentTimeMillis(); // o1 settled at or before it
        while (System.currentTimeMillis() <= smsAt + 1) {
            Thread.onSpinWait(); // o2 and o3 settle strictly after it
        }
        sms("c", "m1", smsAt, "v1");
        settle("c", "o2", "s2", "v1", new OrderLine("a", 1, 1_000));
        settle("c", "o3", "s0", "v1", new OrderLine("b", 1, 1_000));
        assertStanding(Map.of(MetricsScope.CAMPAIGN, "1/1", MetricsScope.steward("s0"), "1/1",
                MetricsScope.steward("s2"), "1/1", MetricsScope.group("g1"), "1/1", MetricsScope.group("g2"), "1/1",
                MetricsScope.region("r1"), "1/1", MetricsScope.region("r2"), "0/0"));

        await(engine().reverse(new ReverseCommission("c", "o3", "f1", 1_000, List.of())));
        assertStanding(Map.of(MetricsScope.CAMPAIGN, "1/1", MetricsScope.steward("s0"), "1/0",
                MetricsScope.steward("s2"), "1/1", MetricsScope.group("g1"), "1/0", MetricsScope.group("g2"), "1/1",
                MetricsScope.region("r1"), "1/1", MetricsScope.region("r2"), "0/0"));

        await(engine().reverse(new ReverseCommission("c", "o2", "f2", 1_000, List.of())));
        assertStanding(Map.of(MetricsScope.CAMPAIGN, "1/0", MetricsScope.steward("s0"), "1/0",
                MetricsScope.steward("s2"), "0/0", MetricsScope.group("g1"), "1/0", MetricsScope.group("g2"), "0/0",
                MetricsScope.region("r1"), "1/0", MetricsScope.region("r2"), "0/0"));
    }

    /** Each scope's buyers and recalled buyers as "buyers/recalled". */
    private static void assertStanding(Map<MetricsScope, String> expected) {
        Map<MetricsScope, String> actual = new HashMap<>();
        expected.keySet().forEach(scope -> {
            CampaignMetrics m = metrics("c", scope);
            actual.put(scope, m.buyers() + "/" + m.recalled());
        });
        assertEquals(expected, actual);
    }

    /**
     * The same batch twice counts once; the same batch id with other recipients or another time is
     * SMS_BATCH_CONFLICT and writes nothing; a second batch to the same recipient counts them once.
     */
    @Test
    void duplicateSmsBatchesCountOnce() {
        campaign("c", TEN_PERCENT, TransferPolicy.FOLLOW);
        assertEquals(2, await(engine().recordSmsSent(new RecordSmsSent("c", "m1", List.of("v1", "v2"), 1_000))));
        assertEquals(-1, await(engine().recordSmsSent(new RecordSmsSent("c", "m1", List.of("v2", "v1", "v1"), 1_000))));
        Map<String, String> before = campaignKeys("c");
        refused(Reason.SMS_BATCH_CONFLICT, () -> await(engine().recordSmsSent(new RecordSmsSent("c", "m1", List.of("v1"), 1_000))));
        refused(Reason.SMS_BATCH_CONFLICT, () -> await(engine().recordSmsSent(new RecordSmsSent("c", "m1", List.of("v1", "v2"), 2_000))));
        assertEquals(before, campaignKeys("c"));
        assertEquals(1, await(engine().recordSmsSent(new RecordSmsSent("c", "m2", List.of("v2", "v3"), 5_000))));
        assertEquals(3, metrics("c", MetricsScope.CAMPAIGN).smsRecipients());
    }

    /** A batch of 10,000 recipients goes in slices and counts each once; sent again it changes nothing. */
    @Test
    void aFullSmsBatchIsRecordedInSlicesOnce() {
        campaign("c", TEN_PERCENT, TransferPolicy.FOLLOW);
        List<String> recipients = IntStream.range(0, RecordSmsSent.MAX_RECIPIENTS).mapToObj(i -> "v" + i).toList();
        assertEquals(10_000, await(engine().recordSmsSent(new RecordSmsSent("c", "big", recipients, 1_000))));
        assertEquals(-1, await(engine().recordSmsSent(new RecordSmsSent("c", "big", recipients, 1_000))));
        assertEquals(10_000, metrics("c", MetricsScope.CAMPAIGN).smsRecipients());
    }

    /** Visits count each visitor once per scope, however often they come back. */
    @Test
    void visitorsCountOncePerScope() {
        campaign("c", TEN_PERCENT, TransferPolicy.FOLLOW);
        steward("c", "s1", "r1", "g1");
        assertEquals(2, visits("c", "v1", "s1", "v2", "", "v1", "s1"));
        assertEquals(0, visits("c", "v1", "s1", "v2", "s1"));
        assertEquals(2, metrics("c", MetricsScope.CAMPAIGN).visitors());
        assertEquals(2, metrics("c", MetricsScope.steward("s1")).visitors());
        assertEquals(2, metrics("c", MetricsScope.region("r1")).visitors());
    }

    /**
     * A batch of 1,000 visits goes in several slices: visit i (0..999) is v(i % 500) brought by
     * s(i / 200), so s0..s4 bring 200 each and every visitor comes twice, by two stewards, in two
     * slices. s0, s1 in r1/g1; s2, s3 in r1/g2; s4 in r2/g3.
     *   campaign {v0..v499} = 500, all new; s0 {v0..v199}, s1 {v200..v399}, s2 {v400..v499, v0..v99},
     *   s3 {v100..v299}, s4 {v300..v499}: 200 each; g1 {v0..v399} = 400; g2 {v0..v299, v400..v499} = 400;
     *   g3 = s4 = 200; r1 = g1 + g2 = {v0..v499} = 500; r2 = 200.
     * Sent again it finds no visitor new and changes no key.
     */
    @Test
    void aBatchOfSeveralSlicesCountsEachVisitorOncePerScope() {
        assertTrue(MetricsBook.VISITS_SLICE * 2 <= RecordVisits.MAX_VISITS, "the batch spans several slices");
        campaign("c", TEN_PERCENT, TransferPolicy.FOLLOW);
        fiveStewards("c");
        List<Visit> batch = IntStream.range(0, RecordVisits.MAX_VISITS)
                .mapToObj(i -> new Visit("v" + i % 500, "s" + i / 200, 1)).toList();

        assertEquals(500, await(engine().recordVisits(new RecordVisits("c", batch))));
        Map<MetricsScope, Long> expected = Map.ofEntries(Map.entry(MetricsScope.CAMPAIGN, 500L),
                Map.entry(MetricsScope.steward("s0"), 200L), Map.entry(MetricsScope.steward("s1"), 200L),
                Map.entry(MetricsScope.steward("s2"), 200L), Map.entry(MetricsScope.steward("s3"), 200L),
                Map.entry(MetricsScope.steward("s4"), 200L), Map.entry(MetricsScope.group("g1"), 400L),
                Map.entry(MetricsScope.group("g2"), 400L), Map.entry(MetricsScope.group("g3"), 200L),
                Map.entry(MetricsScope.region("r1"), 500L), Map.entry(MetricsScope.region("r2"), 200L));
        assertEquals(expected, visitorsOf("c", expected.keySet()));

        Map<String, Set<String>> recorded = visitorSets("c");
        assertEquals(0, await(engine().recordVisits(new RecordVisits("c", batch))));
        assertEquals(recorded, visitorSets("c"));
        assertEquals(expected, visitorsOf("c", expected.keySet()));
    }

    /**
     * An unknown steward in a batch's last slice refuses the whole batch before any slice is
     * written: visits go by steward, and "zz-ghost" sorts after s0..s4, into the last slice.
     */
    @Test
    void anUnknownStewardInTheLastSliceRefusesTheBatchBeforeAnyWrite() {
        campaign("c", TEN_PERCENT, TransferPolicy.FOLLOW);
        fiveStewards("c");
        assertEquals(1, visits("c", "v0", "s0"));
        Map<String, String> before = campaignKeys("c");
        List<Visit> batch = new ArrayList<>(IntStream.range(0, RecordVisits.MAX_VISITS - 1)
                .mapToObj(i -> new Visit("v" + i, "s" + i % 5, 1)).toList());
        batch.add(new Visit("v-last", "zz-ghost", 1));

        CommissionException e = refused(Reason.STEWARD_NOT_FOUND,
                () -> await(engine().recordVisits(new RecordVisits("c", batch))));

        assertTrue(e.getMessage().contains("zz-ghost"), e.getMessage());
        assertEquals(before, campaignKeys("c"));
        assertEquals(Map.of(MetricsScope.CAMPAIGN, 1L, MetricsScope.steward("s1"), 0L, MetricsScope.region("r1"), 1L),
                visitorsOf("c", List.of(MetricsScope.CAMPAIGN, MetricsScope.steward("s1"), MetricsScope.region("r1"))));
    }

    /** s0, s1 in r1/g1; s2, s3 in r1/g2; s4 in r2/g3. */
    private static void fiveStewards(String c) {
        steward(c, "s0", "r1", "g1");
        steward(c, "s1", "r1", "g1");
        steward(c, "s2", "r1", "g2");
        steward(c, "s3", "r1", "g2");
        steward(c, "s4", "r2", "g3");
    }

    /** Every visitors set of the campaign by key, its members sorted (a set's DUMP may reorder them). */
    private static Map<String, Set<String>> visitorSets(String c) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (String key : campaignKeys(c).keySet()) {
            if (key.contains(":visitors:")) {
                out.put(key, new TreeSet<>(RedisExtension.redisson().<String>getSet(key, StringCodec.INSTANCE).readAll()));
            }
        }
        return out;
    }

    private static Map<MetricsScope, Long> visitorsOf(String c, Collection<MetricsScope> scopes) {
        Map<MetricsScope, Long> out = new HashMap<>();
        scopes.forEach(scope -> out.put(scope, metrics(c, scope).visitors()));
        return out;
    }

    /**
     * Group and region figures count where the steward was placed when it happened, under either
     * policy: s1 sells o1 (1,000) in g1, moves to g2, sells o2 (500) there. g1 keeps o1, g2 has o2;
     * the steward has both. A refund of o1 after the move takes it back from g1, where it counted.
     */
    @Test
    void groupsCountWhatHappenedWhileTheStewardWasThere() {
        for (TransferPolicy policy : TransferPolicy.values()) {
            String c = "p-" + policy;
            campaign(c, TEN_PERCENT, policy);
            steward(c, "s1", "r1", "g1");
            settle(c, "o1", "s1", "v1", new OrderLine("a", 1, 1_000));
            await(engine().transfer(new TransferSteward(c, "s1", "t1", "r1", "g2")));
            settle(c, "o2", "s1", "v2", new OrderLine("b", 1, 500));
            assertMetrics(c, MetricsScope.group("g1"), 1_000, 1, 1, 1, 0, 0, 0, 0, 0);
            assertMetrics(c, MetricsScope.group("g2"), 500, 1, 1, 1, 0, 0, 0, 0, 0);
            assertMetrics(c, MetricsScope.steward("s1"), 1_500, 2, 2, 2, 0, 0, 0, 0, 0);
            await(engine().reverse(new ReverseCommission(c, "o1", "f1", 1_000, List.of())));
            assertMetrics(c, MetricsScope.group("g1"), 0, 0, 0, 0, 0, 0, 0, 0, 0);
            assertMetrics(c, MetricsScope.group("g2"), 500, 1, 1, 1, 0, 0, 0, 0, 0);
        }
    }

    /** A catalogue of 100,000 SKUs goes in slices; the same list again changes nothing; a new list replaces it. */
    @Test
    void aFullCatalogueIsSetInSlicesAndReplaced() {
        campaign("c", TEN_PERCENT, TransferPolicy.FOLLOW);
        List<String> skus = IntStream.range(0, SetCatalogue.MAX_SKUS).mapToObj(i -> "sku" + i).toList();
        assertEquals(new MetricsBook.CatalogueResult(100_000, true), await(engine().setCatalogue(new SetCatalogue("c", skus))));
        assertEquals(new MetricsBook.CatalogueResult(100_000, false), await(engine().setCatalogue(new SetCatalogue("c", skus))));
        assertEquals(new MetricsBook.CatalogueResult(2, true),
                await(engine().setCatalogue(new SetCatalogue("c", List.of("x", "y", "x")))));
        assertEquals(2, metrics("c", MetricsScope.CAMPAIGN).skusOnSale());
        assertTrue(campaignKeys("c").keySet().stream().noneMatch(k -> k.contains("catalogue-staging")), "no staging set left");
    }

    /**
     * A staging set that is gone when the catalogue is to be swapped (it expired: its writer died
     * for an hour) is not swapped in: CATALOGUE_INCOMPLETE, and the old catalogue stays.
     */
    @Test
    void aCatalogueWhoseStagingSetIsGoneIsNotSwappedIn() {
        campaign("c", TEN_PERCENT, TransferPolicy.FOLLOW);
        await(engine().setCatalogue(new SetCatalogue("c", List.of("a", "b"))));
        CampaignKeys keys = new CampaignKeys("c");
        Map<String, String> before = campaignKeys("c");

        ScriptRunner runner = new ScriptRunner(RedisExtension.redisson());
        runner.register(MetricsBook.CATALOGUE);
        CommissionException e = refused(Reason.CATALOGUE_INCOMPLETE, () -> await(runner
                .run(MetricsBook.CATALOGUE, List.of(keys.campaign(), keys.catalogue(), keys.catalogueStaging("d1"),
                        keys.catalogueDigest()), List.of("swap", "d1", "3"))));

        assertTrue(e.getMessage().contains("holds 0 of its 3 SKUs"), e.getMessage());
        assertEquals(before, campaignKeys("c"));
    }

    @Test
    void badInputIsRefusedWholeAndWritesNothing() {
        campaign("c", TEN_PERCENT, TransferPolicy.FOLLOW);
        steward("c", "s1", "r1", "g1");
        Map<String, String> before = campaignKeys("c");
        List<Visit> tooMany = new ArrayList<>();
        for (int i = 0; i <= RecordVisits.MAX_VISITS; i++) {
            tooMany.add(new Visit("v" + i, "", 1));
        }
        CommissionException e = refused(Reason.INVALID_ARGUMENT, () -> await(engine().recordVisits(new RecordVisits("c", tooMany))));
        assertEquals("visits", e.violations().get(0).field());
        e = refused(Reason.INVALID_ARGUMENT, () -> await(engine().recordVisits(new RecordVisits("c",
                List.of(new Visit("v1", "s1", 1), new Visit("bad id", "s1", 0))))));
        assertEquals(List.of("visits[1].visitor_id", "visits[1].at_ms"), e.violations().stream().map(v -> v.field()).toList());
        refused(Reason.STEWARD_NOT_FOUND, () -> await(engine().recordVisits(new RecordVisits("c",
                List.of(new Visit("v1", "s1", 1), new Visit("v2", "nobody", 1))))));
        List<String> recipients = IntStream.range(0, RecordSmsSent.MAX_RECIPIENTS + 1).mapToObj(i -> "v" + i).toList();
        e = refused(Reason.INVALID_ARGUMENT, () -> await(engine().recordSmsSent(new RecordSmsSent("c", "m1", recipients, 1))));
        assertEquals("recipient_ids", e.violations().get(0).field());
        List<String> skus = IntStream.range(0, SetCatalogue.MAX_SKUS + 1).mapToObj(i -> "sku" + i).toList();
        refused(Reason.INVALID_ARGUMENT, () -> await(engine().setCatalogue(new SetCatalogue("c", skus))));
        e = refused(Reason.INVALID_ARGUMENT, () -> await(engine().setCatalogue(new SetCatalogue("c", List.of("ok", "no/slash")))));
        assertEquals("sku_ids[1]", e.violations().get(0).field());
        e = refused(Reason.INVALID_ARGUMENT, () -> await(engine().settle(new SettleCommission("c", "o1", "s1",
                List.of(new OrderLine("a", 1, 100)), "", "", "", "bad buyer"))));
        assertEquals("buyer_id", e.violations().get(0).field());
        assertEquals(before, campaignKeys("c"));
    }

    @Test
    void anUnknownCampaignIsNotFound() {
        refused(Reason.CAMPAIGN_NOT_FOUND, () -> metrics("nope", MetricsScope.CAMPAIGN));
        refused(Reason.CAMPAIGN_NOT_FOUND, () -> await(engine().recordVisits(new RecordVisits("nope", List.of(new Visit("v", "", 1))))));
        refused(Reason.CAMPAIGN_NOT_FOUND, () -> await(engine().recordSmsSent(new RecordSmsSent("nope", "m", List.of("v"), 1))));
        refused(Reason.CAMPAIGN_NOT_FOUND, () -> await(engine().setCatalogue(new SetCatalogue("nope", List.of("a")))));
        campaign("c", TEN_PERCENT, TransferPolicy.FOLLOW);
        refused(Reason.STEWARD_NOT_FOUND, () -> metrics("c", MetricsScope.steward("nobody")));
        assertEquals(0, dev.commission.core.EngineFixture.dbsize() - campaignKeys("c").size());
    }

    private static void assertMetrics(String c, MetricsScope scope, long paid, long items, long orders, long buyers,
                                      long recalled, long visitors, long sold, long onSale, long recipients) {
        assertEquals(new CampaignMetrics(c, scope, paid, items, orders, buyers, recalled, visitors, sold, onSale, recipients),
                metrics(c, scope));
    }

    private static void assertFigure(long value, Figure figure) {
        assertEquals(OptionalLong.of(value), figure.value(), figure.toString());
    }
}
