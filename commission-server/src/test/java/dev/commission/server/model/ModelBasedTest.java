package dev.commission.server.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import dev.commission.api.v1.AdjustCommissionRequest;
import dev.commission.api.v1.AdjustResult;
import dev.commission.api.v1.Campaign;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.GetCampaignRequest;
import dev.commission.api.v1.GetStewardRequest;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.RankingEntry;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.ReconcileReport;
import dev.commission.api.v1.ReconcileRequest;
import dev.commission.api.v1.RegisterStewardRequest;
import dev.commission.api.v1.ReverseCommissionRequest;
import dev.commission.api.v1.ReverseResult;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.SettleResult;
import dev.commission.api.v1.Steward;
import dev.commission.api.v1.Tier;
import dev.commission.api.v1.Tiers;
import dev.commission.api.v1.TransferResult;
import dev.commission.api.v1.TransferStewardRequest;
import dev.commission.core.CommissionEngine;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.model.ReferenceModel.Expect;
import dev.commission.server.testing.InProcessServer;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Random sequences of settles, duplicate and conflicting replays, partial and full refunds (also
 * before their settlement), adjustments and transfers under both policies, sent through the gRPC
 * API from 16 threads, each answer checked against {@link ReferenceModel}; afterwards every
 * steward, group, region, ranking and total must equal the model's and Reconcile must be clean.
 *
 * <p>Each thread owns a disjoint set of stewards, so what each operation must answer depends only
 * on that thread's own sequence; groups and regions are shared by all threads and their scores
 * are the sums of every thread's model. Seeded: the seed is printed and {@code -Dmodel.seed=}
 * replays it; {@code -Dmodel.ops=} sets the number of operations (default 20,000).
 */
@ExtendWith(RedisExtension.class)
class ModelBasedTest {
    private static final int THREADS = 16;
    private static final int STEWARDS_PER_THREAD = 6;
    private static final int REGIONS = 4;
    private static final int GROUPS = 8;
    private static final List<CampaignSetup> CAMPAIGNS = List.of(
            new CampaignSetup("follow", CommissionRule.tiered(List.of(new CommissionRule.Tier(0, 100),
                    new CommissionRule.Tier(60_000, 350), new CommissionRule.Tier(250_000, 600)), 4_000), TransferPolicy.FOLLOW),
            new CampaignSetup("stay", CommissionRule.rate(450, 0), TransferPolicy.STAY),
            new CampaignSetup("fixed", CommissionRule.fixed(300, 0), TransferPolicy.STAY));

    private record CampaignSetup(String id, CommissionRule rule, TransferPolicy policy) {
    }

    private final Map<String, java.util.concurrent.atomic.LongAdder> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
    private final InProcessServer server = InProcessServer.start(new CommissionEngine(RedisExtension.redisson()),
            RedisExtension.redisson());

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void randomOperationsFromManyThreadsEndExactlyAsTheModelSays() throws Exception {
        long seed = Long.getLong("model.seed", System.nanoTime());
        int operations = Integer.getInteger("model.ops", 20_000);
        System.out.println("ModelBasedTest seed=" + seed + " ops=" + operations
                + " (re-run with -Dmodel.seed=" + seed + " -Dmodel.ops=" + operations + ")");
        for (CampaignSetup setup : CAMPAIGNS) {
            server.commission().createCampaign(CreateCampaignRequest.newBuilder().setCampaignId(setup.id())
                    .setName(setup.id()).setRule(proto(setup.rule()))
                    .setTransferPolicy(dev.commission.api.v1.TransferPolicy.valueOf(setup.policy().name())).build());
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<Map<String, ReferenceModel>>> threads = new ArrayList<>();
        long began = System.nanoTime();
        for (int t = 0; t < THREADS; t++) {
            Caller caller = new Caller(t, new Random(seed * 31 + t), operations / THREADS);
            threads.add(pool.submit(caller::run));
        }
        List<Map<String, ReferenceModel>> models = new ArrayList<>();
        for (Future<Map<String, ReferenceModel>> thread : threads) {
            try {
                models.add(thread.get());
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("seed=" + seed + ": " + e.getCause().getMessage(), e.getCause());
            }
        }
        pool.shutdown();
        double seconds = (System.nanoTime() - began) / 1e9;
        System.out.printf("ModelBasedTest: %,d operations in %.1f s = %,.0f operations/s%n", operations, seconds,
                operations / seconds);
        System.out.println("answers: " + new java.util.TreeMap<>(outcomes));

        for (CampaignSetup setup : CAMPAIGNS) {
            ReferenceModel model = new ReferenceModel(setup.rule(), setup.policy());
            models.forEach(m -> model.absorb(m.get(setup.id())));
            String context = "seed=" + seed + " campaign " + setup.id();
            checkStewards(setup.id(), model, context);
            checkRankings(setup.id(), model, context);
            long reconcileBegan = System.nanoTime();
            ReconcileReport report = server.commission().withDeadlineAfter(2, TimeUnit.MINUTES)
                    .reconcile(ReconcileRequest.newBuilder().setCampaignId(setup.id()).build());
            System.out.printf("Reconcile %s: clean=%s in %d ms%n", setup.id(), report.getClean(),
                    (System.nanoTime() - reconcileBegan) / 1_000_000);
            assertTrue(report.getClean(), context + ": " + report);
        }
    }

    private void checkStewards(String campaignId, ReferenceModel model, String context) {
        for (Map.Entry<String, ReferenceModel.StewardState> e : model.stewards.entrySet()) {
            ReferenceModel.StewardState expected = e.getValue();
            Steward actual = server.commission().getSteward(GetStewardRequest.newBuilder().setCampaignId(campaignId)
                    .setStewardId(e.getKey()).build());
            String at = context + " steward " + e.getKey();
            assertEquals(expected.earned, actual.getEarnedFen(), at + " earned");
            assertEquals(expected.sales, actual.getSalesFen(), at + " sales");
            assertEquals(expected.orders, actual.getOrders(), at + " orders");
            assertEquals(expected.region, actual.getRegionId(), at + " region");
            assertEquals(expected.group, actual.getGroupId(), at + " group");
        }
        Campaign campaign = server.commission().getCampaign(GetCampaignRequest.newBuilder().setCampaignId(campaignId).build());
        assertEquals(model.totalEarned(), campaign.getEarnedFen(), context + " campaign earned");
        assertEquals(model.totalSales(), campaign.getSalesFen(), context + " campaign sales");
        assertEquals(model.totalOrders(), campaign.getOrders(), context + " campaign orders");
    }

    private void checkRankings(String campaignId, ReferenceModel model, String context) {
        Map<String, Long> stewards = new HashMap<>();
        Map<String, Map<String, Long>> byRegion = new HashMap<>();
        Map<String, Map<String, Long>> byGroup = new HashMap<>();
        model.stewards.forEach((id, s) -> {
            stewards.put(id, s.earned);
            byRegion.computeIfAbsent(s.region, k -> new HashMap<>()).put(id, s.earned);
            byGroup.computeIfAbsent(s.group, k -> new HashMap<>()).put(id, s.earned);
        });
        assertRanking(campaignId, RankingScope.Kind.STEWARDS, "", stewards, context);
        for (int r = 0; r < REGIONS; r++) {
            assertRanking(campaignId, RankingScope.Kind.STEWARDS_IN_REGION, "r" + r,
                    byRegion.getOrDefault("r" + r, Map.of()), context);
        }
        for (int g = 0; g < GROUPS; g++) {
            assertRanking(campaignId, RankingScope.Kind.STEWARDS_IN_GROUP, "g" + g,
                    byGroup.getOrDefault("g" + g, Map.of()), context);
        }
        Map<String, Long> groups = new HashMap<>();
        model.groupScore.forEach((g, score) -> {
            if (model.listed(model.groupMembers, g)) {
                groups.put(g, score);
            }
        });
        assertRanking(campaignId, RankingScope.Kind.GROUPS, "", groups, context);
        Map<String, Long> regions = new HashMap<>();
        model.regionScore.forEach((r, score) -> {
            if (model.listed(model.regionMembers, r)) {
                regions.put(r, score);
            }
        });
        assertRanking(campaignId, RankingScope.Kind.REGIONS, "", regions, context);
        for (int r = 0; r < REGIONS; r++) {
            String region = "r" + r;
            Map<String, Long> pairs = new HashMap<>();
            model.pairScore.forEach((pair, score) -> {
                String[] rg = pair.split("\\|");
                if (rg[0].equals(region) && model.listed(model.pairMembers, pair)) {
                    pairs.put(rg[1], score);
                }
            });
            assertRanking(campaignId, RankingScope.Kind.GROUPS_IN_REGION, region, pairs, context);
        }
    }

    /** The ranking must list exactly these members, by score descending then id, with competition ranks. */
    private void assertRanking(String campaignId, RankingScope.Kind kind, String id, Map<String, Long> expected,
                               String context) {
        List<Map.Entry<String, Long>> order = new ArrayList<>(expected.entrySet());
        order.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
        List<RankingEntry> actual = Rankings.all(server, campaignId, kind, id);
        String at = context + " " + kind + (id.isEmpty() ? "" : ":" + id);
        assertEquals(order.size(), actual.size(), at + " members: " + actual);
        for (int i = 0; i < order.size(); i++) {
            long score = order.get(i).getValue();
            long rank = 1 + order.stream().filter(e -> e.getValue() > score).count();
            RankingEntry entry = actual.get(i);
            assertEquals(order.get(i).getKey(), entry.getMemberId(), at + " position " + i);
            assertEquals(score, entry.getScoreFen(), at + " " + entry.getMemberId());
            assertEquals(rank, entry.getRank(), at + " rank of " + entry.getMemberId());
        }
    }

    private static dev.commission.api.v1.CommissionRule proto(CommissionRule rule) {
        dev.commission.api.v1.CommissionRule.Builder b = dev.commission.api.v1.CommissionRule.newBuilder().setCapFen(rule.capFen());
        switch (rule.kind()) {
            case FIXED -> b.setFixedFen(rule.fixedFen());
            case RATE -> b.setRateBps(rule.rateBps());
            case TIERS -> {
                Tiers.Builder tiers = Tiers.newBuilder();
                rule.tiers().forEach(t -> tiers.addTiers(Tier.newBuilder().setMinSalesFen(t.minSalesFen()).setRateBps(t.rateBps())));
                b.setTiers(tiers);
            }
        }
        return b.build();
    }

    /** One thread: its own stewards in every campaign, a model per campaign, a random sequence. */
    private final class Caller {
        private final int thread;
        private final Random random;
        private final int operations;
        private final Map<String, ReferenceModel> models = new HashMap<>();
        private final List<String> stewards = new ArrayList<>();
        /** Per campaign: settle requests sent (for replays and refunds), and orders refunded before settling. */
        private final Map<String, List<SettleCommissionRequest>> settled = new HashMap<>();
        private final Map<String, List<String>> awaiting = new HashMap<>();
        private final Map<String, List<ReverseCommissionRequest>> refunds = new HashMap<>();
        private final Map<String, List<AdjustCommissionRequest>> adjustments = new HashMap<>();
        private final Map<String, List<TransferStewardRequest>> transfers = new HashMap<>();
        private int sequence;

        Caller(int thread, Random random, int operations) {
            this.thread = thread;
            this.random = random;
            this.operations = operations;
            for (int s = 0; s < STEWARDS_PER_THREAD; s++) {
                stewards.add("t" + thread + "s" + s);
            }
        }

        Map<String, ReferenceModel> run() {
            for (CampaignSetup setup : CAMPAIGNS) {
                ReferenceModel model = new ReferenceModel(setup.rule(), setup.policy());
                models.put(setup.id(), model);
                for (String steward : stewards) {
                    if (random.nextInt(4) > 0) {
                        String region = region();
                        String group = group();
                        RegisterStewardRequest request = RegisterStewardRequest.newBuilder().setCampaignId(setup.id())
                                .setStewardId(steward).setName("Steward " + steward).setRegionId(region).setGroupId(group).build();
                        model.register(steward, request.getName(), region, group);
                        server.commission().registerSteward(request);
                    }
                }
            }
            for (int i = 0; i < operations; i++) {
                String campaign = CAMPAIGNS.get(random.nextInt(CAMPAIGNS.size())).id();
                step(campaign, models.get(campaign));
            }
            return models;
        }

        private void step(String campaign, ReferenceModel model) {
            List<SettleCommissionRequest> done = settled.computeIfAbsent(campaign, k -> new ArrayList<>());
            int dice = random.nextInt(100);
            if (dice < 30 || done.isEmpty()) {
                settle(campaign, model, done);
            } else if (dice < 37) {
                SettleCommissionRequest replay = pick(done);
                check("settle replay", model.settle(replay.getOrderNo(), replay.getStewardId(), paid(replay),
                        settleKey(replay), placement(replay, true), placement(replay, false)), () -> settleCall(replay));
            } else if (dice < 40) {
                SettleCommissionRequest original = pick(done);
                SettleCommissionRequest changed = original.toBuilder().setLines(0,
                        original.getLines(0).toBuilder().setPaidFen(original.getLines(0).getPaidFen() + 1)).build();
                check("settle conflict", model.settle(changed.getOrderNo(), changed.getStewardId(), paid(changed),
                        settleKey(changed), placement(changed, true), placement(changed, false)), () -> settleCall(changed));
            } else if (dice < 55) {
                SettleCommissionRequest order = pick(done);
                long paid = paid(order);
                long amount = switch (random.nextInt(4)) {
                    case 0 -> paid;
                    case 1 -> paid + 1 + random.nextInt(100);
                    default -> 1 + random.nextInt((int) Math.max(1, paid / 2));
                };
                refund(campaign, model, order.getOrderNo(), Math.min(amount, 10_000_000_000L));
            } else if (dice < 60) {
                String orderNo = stewards.get(random.nextInt(stewards.size())) + "-" + campaign + "-" + (sequence++);
                awaiting.computeIfAbsent(campaign, k -> new ArrayList<>()).add(orderNo);
                refund(campaign, model, orderNo, 1 + random.nextInt(30_000));
            } else if (dice < 65) {
                List<ReverseCommissionRequest> sent = refunds.getOrDefault(campaign, List.of());
                if (!sent.isEmpty()) {
                    ReverseCommissionRequest replay = pick(sent);
                    boolean conflicting = random.nextInt(3) == 0;
                    ReverseCommissionRequest request = conflicting
                            ? replay.toBuilder().setRefundFen(replay.getRefundFen() + 1).build() : replay;
                    check("refund replay", model.reverse(request.getOrderNo(), request.getRefundId(), request.getRefundFen()),
                            () -> reverseCall(request));
                }
            } else if (dice < 80) {
                adjust(campaign, model);
            } else if (dice < 95) {
                transfer(campaign, model);
            } else {
                List<TransferStewardRequest> sent = transfers.getOrDefault(campaign, List.of());
                if (!sent.isEmpty()) {
                    TransferStewardRequest replay = pick(sent);
                    TransferStewardRequest request = random.nextBoolean() ? replay
                            : replay.toBuilder().setToGroupId(replay.getToGroupId().equals("g0") ? "g1" : "g0").build();
                    check("transfer replay", model.transfer(request.getStewardId(), request.getTransferId(),
                            request.getToRegionId(), request.getToGroupId()), () -> transferCall(request));
                }
            }
        }

        private void settle(String campaign, ReferenceModel model, List<SettleCommissionRequest> done) {
            String steward = stewards.get(random.nextInt(stewards.size()));
            List<String> early = awaiting.getOrDefault(campaign, new ArrayList<>());
            String orderNo;
            if (!early.isEmpty() && random.nextInt(2) == 0) {
                orderNo = early.remove(random.nextInt(early.size()));
                steward = orderNo.substring(0, orderNo.indexOf('-'));
            } else {
                orderNo = steward + "-" + campaign + "-" + (sequence++);
            }
            SettleCommissionRequest.Builder request = SettleCommissionRequest.newBuilder().setCampaignId(campaign)
                    .setOrderNo(orderNo).setStewardId(steward);
            for (int l = 0, lines = 1 + random.nextInt(3); l < lines; l++) {
                request.addLines(OrderLine.newBuilder().setSkuId("sku" + random.nextInt(50)).setQuantity(1 + random.nextInt(3))
                        .setPaidFen(1 + random.nextInt(40_000)));
            }
            boolean known = model.stewards.containsKey(steward);
            if (!known && random.nextInt(3) > 0 || known && random.nextInt(10) == 0) {
                request.setRegionId(region()).setGroupId(group());
            }
            SettleCommissionRequest built = request.build();
            Expect expected = model.settle(orderNo, steward, paid(built), settleKey(built), placement(built, true),
                    placement(built, false));
            check("settle", expected, () -> settleCall(built));
            if (expected.outcome().equals("APPLIED")) {
                done.add(built);
            }
        }

        private void refund(String campaign, ReferenceModel model, String orderNo, long amount) {
            ReverseCommissionRequest request = ReverseCommissionRequest.newBuilder().setCampaignId(campaign)
                    .setOrderNo(orderNo).setRefundId("rf" + (sequence++)).setRefundFen(amount).build();
            Expect expected = model.reverse(orderNo, request.getRefundId(), amount);
            check("refund", expected, () -> reverseCall(request));
            if (expected.outcome().equals("APPLIED")) {
                refunds.computeIfAbsent(campaign, k -> new ArrayList<>()).add(request);
            }
        }

        private void adjust(String campaign, ReferenceModel model) {
            List<AdjustCommissionRequest> sent = adjustments.computeIfAbsent(campaign, k -> new ArrayList<>());
            AdjustCommissionRequest request;
            if (!sent.isEmpty() && random.nextInt(5) == 0) {
                AdjustCommissionRequest replay = pick(sent);
                // a conflicting replay changes the amount, never to 0 (that would be invalid input, not a conflict)
                long other = replay.getDeltaFen() == -1 ? -2 : replay.getDeltaFen() + 1;
                request = random.nextBoolean() ? replay : replay.toBuilder().setDeltaFen(other).build();
            } else {
                long delta = random.nextInt(3) == 0 ? -(1 + random.nextInt(3_000)) : 1 + random.nextInt(2_000);
                request = AdjustCommissionRequest.newBuilder().setCampaignId(campaign).setAdjustmentId("adj" + thread + "-" + (sequence++))
                        .setStewardId(stewards.get(random.nextInt(stewards.size()))).setDeltaFen(delta).setReason("model test").build();
            }
            AdjustCommissionRequest built = request;
            Expect expected = model.adjust(built.getAdjustmentId(), built.getStewardId(), built.getDeltaFen(), built.getReason());
            check("adjust", expected, () -> adjustCall(built));
            if (expected.outcome().equals("APPLIED")) {
                sent.add(built);
            }
        }

        private void transfer(String campaign, ReferenceModel model) {
            TransferStewardRequest request = TransferStewardRequest.newBuilder().setCampaignId(campaign)
                    .setStewardId(stewards.get(random.nextInt(stewards.size()))).setTransferId("tr" + (sequence++))
                    .setToRegionId(region()).setToGroupId(group()).build();
            Expect expected = model.transfer(request.getStewardId(), request.getTransferId(), request.getToRegionId(),
                    request.getToGroupId());
            check("transfer", expected, () -> transferCall(request));
            if (expected.outcome().equals("APPLIED")) {
                transfers.computeIfAbsent(campaign, k -> new ArrayList<>()).add(request);
            }
        }

        private Expect settleCall(SettleCommissionRequest request) {
            SettleResult r = server.commission().settleCommission(request);
            return new Expect(r.getOutcome().name(), r.getCommissionFen(), r.getStewardEarnedFen());
        }

        private Expect reverseCall(ReverseCommissionRequest request) {
            ReverseResult r = server.commission().reverseCommission(request);
            return new Expect(r.getOutcome().name(), r.getReversedFen(), r.getPendingSettlement() ? 1 : 0);
        }

        private Expect adjustCall(AdjustCommissionRequest request) {
            AdjustResult r = server.commission().adjustCommission(request);
            return new Expect(r.getOutcome().name(), r.getStewardEarnedFen(), 0);
        }

        private Expect transferCall(TransferStewardRequest request) {
            TransferResult r = server.commission().transferSteward(request);
            return new Expect(r.getOutcome().name(), r.getMovedFen(), 0);
        }

        /** Calls the API and compares its answer (or the ErrorInfo reason of its refusal) with the model's. */
        private void check(String what, Expect expected, Supplier<Expect> call) {
            Expect actual;
            try {
                actual = call.get();
            } catch (StatusRuntimeException e) {
                actual = Expect.of(reason(e));
            }
            assertEquals(expected, actual, "thread " + thread + " " + what);
            outcomes.computeIfAbsent(what + " " + actual.outcome(), k -> new java.util.concurrent.atomic.LongAdder()).increment();
        }

        private String region() {
            return "r" + random.nextInt(REGIONS);
        }

        private String group() {
            return "g" + random.nextInt(GROUPS);
        }

        private <T> T pick(List<T> list) {
            return list.get(random.nextInt(list.size()));
        }
    }

    private static long paid(SettleCommissionRequest request) {
        return request.getLinesList().stream().mapToLong(OrderLine::getPaidFen).sum();
    }

    private static String settleKey(SettleCommissionRequest request) {
        return request.getStewardId() + "|" + request.getRegionId() + "|" + request.getGroupId() + "|" + request.getLinesList();
    }

    private static String placement(SettleCommissionRequest request, boolean region) {
        if (request.getRegionId().isEmpty()) {
            return null;
        }
        return region ? request.getRegionId() : request.getGroupId();
    }

    private static String reason(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status != null) {
            for (Any detail : status.getDetailsList()) {
                if (detail.is(ErrorInfo.class)) {
                    try {
                        return detail.unpack(ErrorInfo.class).getReason();
                    } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
                        break;
                    }
                }
            }
        }
        return e.getStatus().getCode().name();
    }
}
