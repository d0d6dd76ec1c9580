package dev.commission.server.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.api.v1.Campaign;
import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.GetCampaignRequest;
import dev.commission.api.v1.GetStewardRequest;
import dev.commission.api.v1.ListLedgerRequest;
import dev.commission.api.v1.LedgerPage;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.Outcome;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.ReconcileRequest;
import dev.commission.api.v1.RegisterStewardRequest;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.SettleResult;
import dev.commission.core.CommissionEngine;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.testing.InProcessServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 32 callers settle 20,000 orders over 500 stewards through the gRPC API, with about one in five
 * orders submitted twice (sometimes at the same moment). Every order must be paid exactly once
 * and every total and ranking must add up.
 */
@ExtendWith(RedisExtension.class)
class ConcurrentSettleTest {
    private static final int THREADS = 32;
    private static final int ORDERS = 20_000;
    private static final int STEWARDS = 500;
    private static final int RATE_BPS = 777;
    private static final long CAP_FEN = 3_000;

    private final InProcessServer server = InProcessServer.start(new CommissionEngine(RedisExtension.redisson()),
            RedisExtension.redisson());

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void everyOrderIsPaidExactlyOnceAndEveryTotalAddsUp() throws Exception {
        long seed = Long.getLong("concurrent.seed", System.nanoTime());
        System.out.println("ConcurrentSettleTest seed=" + seed + " (re-run with -Dconcurrent.seed=" + seed + ")");
        Random random = new Random(seed);
        server.commission().createCampaign(CreateCampaignRequest.newBuilder().setCampaignId("c1").setName("Concurrent")
                .setRule(CommissionRule.newBuilder().setRateBps(RATE_BPS).setCapFen(CAP_FEN)).build());
        for (int s = 0; s < STEWARDS; s++) {
            server.commission().registerSteward(RegisterStewardRequest.newBuilder().setCampaignId("c1")
                    .setStewardId("s" + s).setName("Steward " + s).setRegionId("r" + s % 10).setGroupId("g" + s % 50).build());
        }
        List<SettleCommissionRequest> orders = new ArrayList<>();
        for (int o = 0; o < ORDERS; o++) {
            SettleCommissionRequest.Builder order = SettleCommissionRequest.newBuilder().setCampaignId("c1")
                    .setOrderNo("o" + o).setStewardId("s" + random.nextInt(STEWARDS));
            for (int l = 0, lines = 1 + random.nextInt(3); l < lines; l++) {
                order.addLines(OrderLine.newBuilder().setSkuId("sku" + random.nextInt(100)).setQuantity(1 + random.nextInt(3))
                        .setPaidFen(1 + random.nextInt(20_000)));
            }
            orders.add(order.build());
        }
        List<SettleCommissionRequest> submissions = new ArrayList<>(orders);
        for (int d = 0; d < ORDERS / 5; d++) {
            submissions.add(orders.get(random.nextInt(ORDERS)));
        }
        Collections.shuffle(submissions, random);

        Map<String, List<SettleResult>> results = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> callers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            callers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < submissions.size(); i = next.getAndIncrement()) {
                    SettleCommissionRequest request = submissions.get(i);
                    SettleResult result = server.commission().settleCommission(request);
                    results.computeIfAbsent(request.getOrderNo(), k -> Collections.synchronizedList(new ArrayList<>())).add(result);
                }
            }));
        }
        for (Future<?> caller : callers) {
            caller.get();
        }
        pool.shutdown();

        Map<String, Long> earnedBySteward = new HashMap<>();
        long campaignEarned = 0;
        for (SettleCommissionRequest order : orders) {
            List<SettleResult> answers = results.get(order.getOrderNo());
            long applied = answers.stream().filter(r -> r.getOutcome() == Outcome.APPLIED).count();
            assertEquals(1, applied, "order " + order.getOrderNo() + " must be paid exactly once");
            long paid = order.getLinesList().stream().mapToLong(OrderLine::getPaidFen).sum();
            long expected = Math.min(paid * RATE_BPS / 10_000, CAP_FEN);
            for (SettleResult answer : answers) {
                assertEquals(expected, answer.getCommissionFen(), "order " + order.getOrderNo());
            }
            earnedBySteward.merge(order.getStewardId(), expected, Long::sum);
            campaignEarned += expected;
        }

        Map<String, Long> groups = new HashMap<>();
        Map<String, Long> regions = new HashMap<>();
        for (int s = 0; s < STEWARDS; s++) {
            long earned = earnedBySteward.getOrDefault("s" + s, 0L);
            assertEquals(earned, server.commission().getSteward(GetStewardRequest.newBuilder().setCampaignId("c1")
                    .setStewardId("s" + s).build()).getEarnedFen(), "steward s" + s);
            groups.merge("g" + s % 50, earned, Long::sum);
            regions.merge("r" + s % 10, earned, Long::sum);
        }
        Map<String, Long> stewardScores = Rankings.scores(server, "c1", RankingScope.Kind.STEWARDS, "");
        assertEquals(STEWARDS, stewardScores.size());
        for (int s = 0; s < STEWARDS; s++) {
            assertEquals(earnedBySteward.getOrDefault("s" + s, 0L), stewardScores.get("s" + s), "ranking of s" + s);
        }
        assertEquals(groups, Rankings.scores(server, "c1", RankingScope.Kind.GROUPS, ""));
        assertEquals(regions, Rankings.scores(server, "c1", RankingScope.Kind.REGIONS, ""));
        for (int r = 0; r < 10; r++) {
            long inRegion = Rankings.scores(server, "c1", RankingScope.Kind.STEWARDS_IN_REGION, "r" + r)
                    .values().stream().mapToLong(Long::longValue).sum();
            assertEquals(regions.get("r" + r), inRegion, "stewards in region r" + r);
        }
        Campaign campaign = server.commission().getCampaign(GetCampaignRequest.newBuilder().setCampaignId("c1").build());
        assertEquals(campaignEarned, campaign.getEarnedFen());
        assertEquals(ORDERS, campaign.getOrders());
        assertEquals(ORDERS, settleEntries());
        long began = System.nanoTime();
        assertTrue(server.commission().withDeadlineAfter(2, java.util.concurrent.TimeUnit.MINUTES)
                .reconcile(ReconcileRequest.newBuilder().setCampaignId("c1").build()).getClean());
        System.out.println("reconcile ms " + (System.nanoTime() - began) / 1_000_000);
    }

    private long settleEntries() {
        long settles = 0;
        String after = "";
        do {
            LedgerPage page = server.commission().listLedger(ListLedgerRequest.newBuilder().setCampaignId("c1")
                    .setAfter(after).setLimit(1000).build());
            settles += page.getEntriesList().stream().filter(e -> e.getType().equals("settle")).count();
            after = page.getNextAfter();
        } while (!after.isEmpty());
        return settles;
    }
}
