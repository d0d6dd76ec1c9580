package dev.commission.server.cli;

import static dev.commission.server.cli.CommissionCliTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import dev.commission.api.v1.Campaign;
import dev.commission.api.v1.GetCampaignRequest;
import dev.commission.api.v1.GetRankingRequest;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.ReconcileReport;
import dev.commission.core.EngineFixture;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.testing.InProcessServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code demo}: a campaign of 3 regions, 12 groups and 120 stewards, and a stream of money moving in it. */
@ExtendWith(RedisExtension.class)
class DemoCommandTest {
    private InProcessServer server;

    @BeforeEach
    void start() {
        server = InProcessServer.start(EngineFixture.engine(), RedisExtension.redisson());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Struct demo(String... more) throws Exception {
        String[] args = new String[more.length + 6];
        System.arraycopy(new String[] {"demo", "--campaign", "d1", "--rate", "2000", "--json"}, 0, args, 0, 6);
        System.arraycopy(more, 0, args, 6, more.length);
        Cli.Run run = Cli.run(server.channel(), args);
        assertEquals(0, run.exit(), run.toString());
        return parse(run.out(), Struct.getDefaultInstance());
    }

    private long members(RankingScope.Kind kind) {
        return server.ranking().getRanking(GetRankingRequest.newBuilder().setCampaignId("d1")
                .setScope(RankingScope.newBuilder().setKind(kind)).build()).getTotalMembers();
    }

    private static long count(Struct summary, String field) {
        return (long) summary.getFieldsOrThrow(field).getNumberValue();
    }

    @Test
    void aBoundedDemoSettlesRefundsAndTransfersInACampaignOf120Stewards() throws Exception {
        Struct summary = demo("--steps", "300", "--seed", "7");

        Campaign campaign = server.commission().getCampaign(GetCampaignRequest.newBuilder().setCampaignId("d1").build());
        assertEquals(300, count(summary, "settles") + count(summary, "refunds") + count(summary, "transfers"));
        assertTrue(count(summary, "refunds") > 0 && count(summary, "transfers") > 0, summary.toString());
        assertEquals(count(summary, "settles"), campaign.getOrders());
        assertTrue(campaign.getEarnedFen() > 0);
        assertEquals(120, members(RankingScope.Kind.STEWARDS));
        assertEquals(3, members(RankingScope.Kind.REGIONS));
        assertTrue(members(RankingScope.Kind.GROUPS) <= 12);
        Cli.Run reconcile = Cli.run(server.channel(), "reconcile", "d1", "--json");
        assertTrue(parse(reconcile.out(), ReconcileReport.getDefaultInstance()).getClean(), reconcile.toString());
    }

    @Test
    void aSecondDemoReusesTheCampaignWithNewOrders() throws Exception {
        Struct first = demo("--steps", "100", "--seed", "1");
        Struct second = demo("--steps", "100", "--seed", "1");

        Campaign campaign = server.commission().getCampaign(GetCampaignRequest.newBuilder().setCampaignId("d1").build());
        assertEquals(count(first, "settles") + count(second, "settles"), campaign.getOrders());
        assertEquals(120, members(RankingScope.Kind.STEWARDS));
    }
}
