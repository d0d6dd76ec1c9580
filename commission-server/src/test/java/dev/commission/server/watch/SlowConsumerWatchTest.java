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
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.lines;
import static dev.commission.server.watch.Rankings.page;
import static dev.commission.server.watch.Rankings.request;
import static dev.commission.server.watch.Rankings.shows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that stops reading, over real Netty with a small HTTP/2 window: the hub stops writing
 * once gRPC reports the stream not ready, keeps only the latest snapshot, and sends it when the
 * client reads again.
 */
@ExtendWith(RedisExtension.class)
class SlowConsumerWatchTest {
    private static final int STEWARDS = 200;
    private static final String LONG_NAME = "x".repeat(190);

    private WatchInstance instance;
    private ManagedChannel channel;

    @BeforeEach
    void start() {
        instance = new WatchInstance();
        // A 64 KiB window (no auto-tuning): about one unread 200-entry snapshot fills it.
        channel = instance.channel(b -> b.flowControlWindow(64 * 1024));
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        instance.close();
    }

    @Test
    void slowClientSkipsToTheLatestWithoutBuffering() {
        await(instance.engine.createCampaign(new CreateCampaign("c1", "Campaign c1", CommissionRule.rate(1000, 0),
                TransferPolicy.FOLLOW)));
        for (int i = 0; i < STEWARDS; i++) {
            await(instance.engine.registerSteward(new RegisterSteward("c1", "s" + i, LONG_NAME + i, "north", "g1")));
        }
        WatchRankingRequest request = request("c1", Kind.STEWARDS, "", 200, 50);
        SnapshotRecorder client = SnapshotRecorder.manual(1);
        RankingServiceGrpc.newStub(channel).watchRanking(request, client);
        client.awaitFirst();

        int maxPending = 0;
        for (int i = 0; i < 60; i++) { // 60 changes of the top-200, spread over ~3 s
            await(instance.engine.settle(new SettleCommission("c1", "o" + i, "s" + (i * 7 % STEWARDS),
                    lines(1_000 + i))));
            maxPending = Math.max(maxPending, instance.hub.stats().pendingSnapshots());
            Poll.pause(Duration.ofMillis(50));
        }
        WatchStats stalled = instance.hub.stats();

        assertEquals(1, client.count(), "the client read only what it asked for");
        assertTrue(maxPending <= 1, "pending snapshots " + maxPending);
        assertTrue(stalled.snapshotsSent() <= 6,
                "once the window is full the hub stops writing; it wrote " + stalled.snapshotsSent());
        assertTrue(stalled.snapshotsSuperseded() > 10, "newer snapshots replaced older ones: " + stalled);

        client.request(Integer.MAX_VALUE);

        RankingPage expected = page(instance.engine, request);
        client.awaitLast(s -> shows(s, expected), "the client to end with the latest ranking");
        assertTrue(client.count() <= stalled.snapshotsSent() + 2,
                "after resuming it got the buffered few and the latest, " + client.count() + " in all");
    }
}
