package dev.commission.core.metrics;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.campaign;
import static dev.commission.core.EngineFixture.engine;
import static dev.commission.core.EngineFixture.steward;

import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.order.OrderLine;
import dev.commission.core.order.SettleCommission;
import java.util.ArrayList;
import java.util.List;

/** The worked example of the campaign metrics and short hands to record and read them. */
public final class CampaignMetricsFixture {
    public static final CommissionRule TEN_PERCENT = CommissionRule.rate(1_000, 0);

    private CampaignMetricsFixture() {
    }

    /** The worked example of {@code CampaignMetricsTest.everyFigureOfTheWorkedExample}. */
    public static void workedExample(String c) {
        campaign(c, TEN_PERCENT, TransferPolicy.FOLLOW);
        steward(c, "s1", "r1", "g1");
        steward(c, "s2", "r1", "g2");
        await(engine().setCatalogue(new SetCatalogue(c, List.of("a", "b", "c", "d"))));
        visits(c, "v1", "s1", "v2", "s1", "v3", "s1", "v4", "s2", "v1", "s2", "v5", "");
        sms(c, "m1", 1_000, "v2", "v3", "v9");
        settle(c, "o1", "s1", "v1", new OrderLine("a", 2, 2_000), new OrderLine("b", 1, 1_000));
        settle(c, "o2", "s1", "v2", new OrderLine("c", 1, 500));
        settle(c, "o3", "s2", "v4", new OrderLine("a", 4, 1_000));
    }

    public static void settle(String c, String orderNo, String stewardId, String buyer, OrderLine... lines) {
        await(engine().settle(new SettleCommission(c, orderNo, stewardId, List.of(lines), "", "", "", buyer)));
    }

    public static long visits(String c, String... visitorAndSteward) {
        List<Visit> visits = new ArrayList<>();
        for (int i = 0; i < visitorAndSteward.length; i += 2) {
            visits.add(new Visit(visitorAndSteward[i], visitorAndSteward[i + 1], 1));
        }
        return await(engine().recordVisits(new RecordVisits(c, visits)));
    }

    public static void sms(String c, String batchId, long sentAt, String... recipients) {
        await(engine().recordSmsSent(new RecordSmsSent(c, batchId, List.of(recipients), sentAt)));
    }

    public static CampaignMetrics metrics(String c, MetricsScope scope) {
        return await(engine().campaignMetrics(c, scope));
    }

}
