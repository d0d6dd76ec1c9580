package dev.commission.server.watch;

import dev.commission.api.v1.RankingScope.Kind;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.api.v1.WatchRankingRequest;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.CreateCampaign;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.ranking.RankingPage;
import dev.commission.core.steward.RegisterSteward;
import dev.commission.core.testing.RedisExtension;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.lines;
import static dev.commission.server.watch.Rankings.page;
import static dev.commission.server.watch.Rankings.request;
import static dev.commission.server.watch.Rankings.scoreOf;
import static dev.commission.server.watch.Rankings.shows;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Two instances over one Redis, each with its own client and hub, over real Netty. */
@ExtendWith(RedisExtension.class)
class CrossInstanceWatchTest {
    private WatchInstance a;
    private WatchInstance b;
    private ManagedChannel channelToB;

    @BeforeEach
    void start() {
        a = new WatchInstance();
        b = new WatchInstance();
        channelToB = b.channel();
    }

    @AfterEach
    void stop() {
        channelToB.shutdownNow();
        a.close();
        b.close();
    }

    @Test
    void settleOnOneInstanceReachesAWatcherOnAnother() {
        await(a.engine.createCampaign(new CreateCampaign("c1", "Campaign c1", CommissionRule.rate(1000, 0),
                TransferPolicy.FOLLOW)));
        await(a.engine.registerSteward(new RegisterSteward("c1", "ann", "Ann", "north", "g1")));
        await(a.engine.registerSteward(new RegisterSteward("c1", "bob", "Bob", "north", "g1")));
        WatchRankingRequest request = request("c1", Kind.STEWARDS_IN_REGION, "north", 10, 50);
        SnapshotRecorder watcher = SnapshotRecorder.automatic();
        RankingServiceGrpc.newStub(channelToB).watchRanking(request, watcher);
        watcher.awaitFirst();

        await(a.engine.settle(new SettleCommission("c1", "o1", "bob", lines(6_000))));

        RankingPage expected = page(a.engine, request);
        watcher.awaitLast(s -> shows(s, expected), "instance B's watcher to show " + expected);
        assertEquals(600, scoreOf(watcher.last(), "bob"));
        assertEquals("Bob", watcher.last().getEntries(0).getDisplayName());
        assertEquals(0, a.hub.stats().scopeReads(), "instance A watches nothing and reads nothing");
    }
}
