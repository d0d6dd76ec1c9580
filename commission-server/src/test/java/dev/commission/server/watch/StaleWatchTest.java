package dev.commission.server.watch;

import static dev.commission.core.EngineFixture.campaign;
import static dev.commission.core.EngineFixture.settle;
import static dev.commission.core.EngineFixture.steward;
import static dev.commission.server.watch.Rankings.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.api.v1.RankingScope.Kind;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.api.v1.RankingSnapshot;
import dev.commission.core.CommissionEngine;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.ranking.RankingEntry;
import dev.commission.core.ranking.RankingPage;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.ranking.RankingGrpcService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * A dashboard learns when what it shows stops being live: its last entries again, marked stale,
 * once; and a fresh snapshot (not stale) when the data is live again, even if nothing changed.
 */
@ExtendWith(RedisExtension.class)
class StaleWatchTest {
    private RedissonClient redisson;
    private CommissionEngine engine;
    private RankingWatchHub hub;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() {
        Config config = new Config();
        config.useSingleServer().setAddress(RedisExtension.url());
        redisson = Redisson.create(config);
        engine = new CommissionEngine(redisson);
        campaign("c1", CommissionRule.fixed(100, 0), TransferPolicy.FOLLOW);
        steward("c1", "ann", "north", "g1");
        settle("c1", "o1", "ann", 1_000);
    }

    /** A hub reading scopes with {@code reader}, served in process. */
    private void serve(ScopeReader reader) throws IOException {
        hub = new RankingWatchHub(redisson, reader, Duration.ofMillis(25), Duration.ofHours(1));
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new RankingGrpcService(engine, hub)).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        RedisAdmin.command("CLIENT", "UNPAUSE");
        if (hub != null) {
            channel.shutdownNow();
            server.shutdownNow();
            hub.close();
        }
        redisson.shutdown();
    }

    @Test
    void healthSayingRedisIsDownMarksEveryStreamStaleOnceUntilItIsBack() throws IOException {
        serve(ScopeReader.of(engine));
        SnapshotRecorder stewards = watch(Kind.STEWARDS);
        SnapshotRecorder groups = watch(Kind.GROUPS);
        RankingSnapshot liveStewards = stewards.awaitFirst();
        RankingSnapshot liveGroups = groups.awaitFirst();

        hub.redisLive(false);
        hub.redisLive(false); // said twice, marked once
        assertStaleCopy(liveStewards, stewards.awaitCount(2));
        assertStaleCopy(liveGroups, groups.awaitCount(2));

        hub.redisLive(true);
        assertFreshCopy(stewards.snapshots().get(1), stewards.awaitCount(3));
        assertFreshCopy(groups.snapshots().get(1), groups.awaitCount(3));
        assertEquals(3, stewards.count());
    }

    @Test
    void redisHoldingWritesBackMakesTheStreamStaleAndItsEndFresh() throws IOException {
        serve(ScopeReader.of(engine));
        SnapshotRecorder watcher = watch(Kind.STEWARDS);
        RankingSnapshot live = watcher.awaitFirst();

        // Held back: the hub's heartbeats (PUBLISH) and, until scripts declare no-writes, its reads.
        RedisAdmin.command("CLIENT", "PAUSE", "60000", "WRITE");
        RankingSnapshot stale = watcher.awaitLast(RankingSnapshot::getStale, "a stale snapshot");
        assertStaleCopy(live, stale);

        RedisAdmin.command("CLIENT", "UNPAUSE");
        RankingSnapshot fresh = watcher.awaitLast(s -> !s.getStale(), "a fresh snapshot");
        assertFreshCopy(stale, fresh);
        List<RankingSnapshot> all = watcher.snapshots();
        assertEquals(1, all.stream().filter(RankingSnapshot::getStale).count(), "stale once: " + all);
    }

    @Test
    void eventsThatStopArrivingMakeTheStreamStaleEvenWhileReadsAnswer() throws IOException {
        // Reads that always answer (not from Redis): only the subscription can say it is stale.
        RankingPage page = new RankingPage(List.of(new RankingEntry(1, "ann", "Ann", 100)), 1);
        serve((campaignId, scope, topN) -> CompletableFuture.completedFuture(page));
        SnapshotRecorder watcher = watch(Kind.STEWARDS);
        RankingSnapshot live = watcher.awaitFirst();

        RedisAdmin.command("CLIENT", "PAUSE", "60000", "WRITE"); // PUBLISH is held back: no heartbeat returns
        RankingSnapshot stale = watcher.awaitLast(RankingSnapshot::getStale, "a stale snapshot");
        assertStaleCopy(live, stale);

        RedisAdmin.command("CLIENT", "UNPAUSE");
        RankingSnapshot fresh = watcher.awaitLast(s -> !s.getStale(), "a fresh snapshot");
        assertFreshCopy(stale, fresh);
        assertEquals(3, watcher.count(), "live, stale, fresh: " + watcher.snapshots());
    }

    private SnapshotRecorder watch(Kind kind) {
        SnapshotRecorder watcher = SnapshotRecorder.automatic();
        RankingServiceGrpc.newStub(channel).watchRanking(request("c1", kind, "", 10, 50), watcher);
        return watcher;
    }

    private static void assertStaleCopy(RankingSnapshot live, RankingSnapshot stale) {
        assertFalse(live.getStale());
        assertTrue(stale.getStale(), stale.toString());
        assertEquals(live.getEntriesList(), stale.getEntriesList());
        assertEquals(live.getTotalMembers(), stale.getTotalMembers());
        assertTrue(stale.getVersion() > live.getVersion(), "versions rise");
    }

    private static void assertFreshCopy(RankingSnapshot stale, RankingSnapshot fresh) {
        assertFalse(fresh.getStale(), fresh.toString());
        assertEquals(stale.getEntriesList(), fresh.getEntriesList(), "nothing changed, and still it is sent");
        assertTrue(fresh.getVersion() > stale.getVersion(), "versions rise");
    }
}
