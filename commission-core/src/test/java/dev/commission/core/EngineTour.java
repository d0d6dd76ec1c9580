package dev.commission.core;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.engine;
import static dev.commission.core.EngineFixture.lines;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.CreateCampaign;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.metrics.MetricsScope;
import dev.commission.core.metrics.RecordSmsSent;
import dev.commission.core.metrics.RecordVisits;
import dev.commission.core.metrics.SetCatalogue;
import dev.commission.core.metrics.Visit;
import dev.commission.core.order.AdjustCommission;
import dev.commission.core.order.OrderLine;
import dev.commission.core.order.ReverseCommission;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.queue.QueueTour;
import dev.commission.core.ranking.RankingScope;
import dev.commission.core.ranking.RankingScope.Kind;
import dev.commission.core.steward.RegisterSteward;
import dev.commission.core.steward.TransferSteward;
import dev.commission.core.testing.RedisExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Every operation and every read of the engine, in the paths a script can take (registration on
 * the fly, a move with a settlement, refunds before and after settling, both transfer policies,
 * a transfer that moves nothing, reconcile, a rebuild that repairs a lost ranking, the settlement queue, close), on campaign {@code t1} (FOLLOW)
 * and {@code t2} (STAY). Contract tests run it step by step and watch what reaches Redis.
 */
public final class EngineTour {
    public static final List<String> CAMPAIGNS = List.of("t1", "t2");

    /**
     * One call of the engine, named for the failure messages; or, where {@code throughEngine} is
     * false, a change made behind the engine's back for a rebuild to repair, which tests judging
     * what the scripts do run but do not judge.
     */
    public record Step(String name, Runnable action, boolean throughEngine) {
    }

    private EngineTour() {
    }

    public static List<Step> steps() {
        List<Step> steps = new ArrayList<>();
        for (String c : CAMPAIGNS) {
            TransferPolicy policy = c.equals("t1") ? TransferPolicy.FOLLOW : TransferPolicy.STAY;
            steps.add(step("create " + c, () -> engine().createCampaign(
                    new CreateCampaign(c, "Tour " + c, CommissionRule.rate(1000, 0), policy))));
            steps.add(step("create again " + c, () -> engine().createCampaign(
                    new CreateCampaign(c, "Tour " + c, CommissionRule.rate(1000, 0), policy))));
            steps.add(step("register s1 " + c, () -> engine().registerSteward(new RegisterSteward(c, "s1", "Ann", "r1", "g1"))));
            steps.add(step("register s2 " + c, () -> engine().registerSteward(new RegisterSteward(c, "s2", "Bo", "r1", "g2"))));
            steps.add(step("register s2 again " + c, () -> engine().registerSteward(new RegisterSteward(c, "s2", "Bo", "r1", "g2"))));
            steps.add(step("settle o1 " + c, () -> engine().settle(new SettleCommission(c, "o1", "s1", lines(1_000, 2_000)))));
            steps.add(step("settle o1 again " + c, () -> engine().settle(new SettleCommission(c, "o1", "s1", lines(1_000, 2_000)))));
            steps.add(step("settle o2 registering s3 " + c, () -> engine().settle(
                    new SettleCommission(c, "o2", "s3", lines(5_000), "r2", "g3", "Cy"))));
            steps.add(step("settle o3 moving s2 " + c, () -> engine().settle(
                    new SettleCommission(c, "o3", "s2", lines(4_000), "r2", "g3", ""))));
            steps.add(step("refund o4 before it settles " + c, () -> engine().reverse(
                    new ReverseCommission(c, "o4", "f1", 500, List.of()))));
            steps.add(step("settle o4 netting its refund " + c, () -> engine().settle(
                    new SettleCommission(c, "o4", "s1", lines(2_000)))));
            steps.add(step("refund part of o1 " + c, () -> engine().reverse(new ReverseCommission(c, "o1", "f2", 1_000, List.of()))));
            steps.add(step("catalogue " + c, () -> engine().setCatalogue(new SetCatalogue(c, List.of("sku-0", "sku-1", "sku-9")))));
            steps.add(step("visits " + c, () -> engine().recordVisits(new RecordVisits(c,
                    List.of(new Visit("v1", "s1", 1), new Visit("v2", "", 1))))));
            steps.add(step("visits in slices, checked whole first " + c, () -> engine().recordVisits(new RecordVisits(c,
                    IntStream.range(0, RecordVisits.MAX_VISITS).mapToObj(i -> new Visit("v" + i, i % 2 == 0 ? "s1" : "", 1)).toList()))));
            steps.add(step("sms " + c, () -> engine().recordSmsSent(new RecordSmsSent(c, "m1", List.of("v1", "v2"), 1))));
            steps.add(step("settle o6 bought by v1 " + c, () -> engine().settle(
                    new SettleCommission(c, "o6", "s2", lines(800, 200), "", "", "", "v1"))));
            steps.add(step("refund a line of o6 " + c, () -> engine().reverse(
                    new ReverseCommission(c, "o6", "f6", 0, List.of(new OrderLine("sku-1", 1, 200))))));
            steps.add(step("metrics of s2 " + c, () -> engine().campaignMetrics(c, MetricsScope.steward("s2"))));
            steps.add(step("refund part of o1 again " + c, () -> engine().reverse(new ReverseCommission(c, "o1", "f2", 1_000, List.of()))));
            steps.add(step("credit s1 " + c, () -> engine().adjust(new AdjustCommission(c, "a1", "s1", 700, "bonus"))));
            steps.add(step("debit s1 " + c, () -> engine().adjust(new AdjustCommission(c, "a2", "s1", -200, "correction"))));
            steps.add(step("transfer s1 " + c, () -> engine().transfer(new TransferSteward(c, "s1", "m1", "r2", "g4"))));
            steps.add(step("transfer s1 to where it is " + c, () -> engine().transfer(new TransferSteward(c, "s1", "m2", "r2", "g4"))));
            steps.add(step("transfer s1 again " + c, () -> engine().transfer(new TransferSteward(c, "s1", "m1", "r2", "g4"))));
            steps.add(step("refund the rest of o1 after the move " + c, () -> engine().reverse(
                    new ReverseCommission(c, "o1", "f3", 2_000, List.of()))));
            steps.add(step("settle o5 after the move " + c, () -> engine().settle(new SettleCommission(c, "o5", "s1", lines(3_000)))));
            for (RankingScope scope : List.of(RankingScope.of(Kind.STEWARDS), RankingScope.of(Kind.STEWARDS_IN_REGION, "r2"),
                    RankingScope.of(Kind.STEWARDS_IN_GROUP, "g3"), RankingScope.of(Kind.GROUPS),
                    RankingScope.of(Kind.GROUPS_IN_REGION, "r1"), RankingScope.of(Kind.REGIONS))) {
                steps.add(step("page " + scope.token() + " " + c, () -> engine().rankingPage(c, scope, 0, 10)));
            }
            steps.add(step("standing s1 " + c, () -> engine().standing(c, "s1")));
            steps.add(step("order o1 " + c, () -> engine().getOrder(c, "o1")));
            steps.add(step("ledger page " + c, () -> engine().listLedger(c, "", 5)));
            steps.add(step("reconcile " + c, () -> engine().reconcile(c).thenApply(report -> {
                assertTrue(report.clean(), "reconcile " + c + ": " + report);
                return report;
            })));
            steps.add(new Step("lose the group ranking " + c,
                    () -> RedisExtension.redisson().getKeys().delete(new CampaignKeys(c).rankGroups()), false));
            steps.add(step("rebuild " + c, () -> engine().rebuildRankings(c).thenApply(result -> {
                assertTrue(result.figuresRepaired() > 0, "rebuild " + c + " repaired nothing");
                return result;
            })));
            if (c.equals("t2")) {
                steps.addAll(QueueTour.steps(c));
            }
            steps.add(step("close " + c, () -> engine().closeCampaign(c)));
            steps.add(step("close again " + c, () -> engine().closeCampaign(c)));
            steps.add(step("refund o5 on the closed campaign " + c, () -> engine().reverse(
                    new ReverseCommission(c, "o5", "f4", 3_000, List.of()))));
        }
        return steps;
    }

    /** Runs every step, each to completion. */
    public static void run() {
        for (Step step : steps()) {
            step.action().run();
        }
    }

    private static Step step(String name, Supplier<? extends CompletionStage<?>> call) {
        return new Step(name, () -> await(call.get()), true);
    }
}
