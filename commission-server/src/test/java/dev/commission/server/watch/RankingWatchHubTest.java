package dev.commission.server.watch;

import com.google.rpc.BadRequest;
import dev.commission.api.v1.RankingScope.Kind;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.api.v1.RankingSnapshot;
import dev.commission.api.v1.WatchRankingRequest;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.ranking.RankingPage;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.ranking.RankingGrpcService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.campaign;
import static dev.commission.core.EngineFixture.engine;
import static dev.commission.core.EngineFixture.lines;
import static dev.commission.core.EngineFixture.steward;
import static dev.commission.server.watch.Rankings.page;
import static dev.commission.server.watch.Rankings.request;
import static dev.commission.server.watch.Rankings.scoreOf;
import static dev.commission.server.watch.Rankings.shows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** WatchRanking through the hub, in-process gRPC, against the real engine on a real redis-server. */
@ExtendWith(RedisExtension.class)
class RankingWatchHubTest {
    private static final String CAMPAIGN = "spring";

    private final AtomicInteger orders = new AtomicInteger();
    private RankingWatchHub hub;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        // No periodic refresh here: every change a test sees must have come through an event.
        startHub(Duration.ofHours(1));
        campaign(CAMPAIGN, CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward(CAMPAIGN, "ann", "north", "g1");
        steward(CAMPAIGN, "bob", "north", "g1");
        steward(CAMPAIGN, "cy", "north", "g2");
    }

    private void startHub(Duration refresh) throws IOException {
        hub = new RankingWatchHub(RedisExtension.redisson(), ScopeReader.of(engine()), Duration.ofMillis(25), refresh);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new RankingGrpcService(engine(), hub)).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
        hub.close();
    }

    private SnapshotRecorder watch(WatchRankingRequest request) {
        SnapshotRecorder recorder = SnapshotRecorder.automatic();
        RankingServiceGrpc.newStub(channel).watchRanking(request, recorder);
        return recorder;
    }

    /** Settles an order of {@code paidFen}; the campaign pays 10 %. */
    private void settle(String stewardId, long paidFen) {
        await(engine().settle(new dev.commission.core.order.SettleCommission(CAMPAIGN, "o" + orders.incrementAndGet(),
                stewardId, lines(paidFen))));
    }

    @Test
    void firstSnapshotIsTheCurrentTopAtOnce() {
        settle("ann", 5_000);
        settle("cy", 9_000);
        WatchRankingRequest request = request(CAMPAIGN, Kind.STEWARDS, "", 10, 0);

        RankingSnapshot first = watch(request).awaitFirst();

        RankingPage expected = page(engine(), request);
        assertTrue(shows(first, expected), () -> "expected " + expected + " got " + first);
        assertEquals(List.of("cy", "ann", "bob"), first.getEntriesList().stream().map(e -> e.getMemberId()).toList());
        assertEquals(3, first.getTotalMembers());
        assertTrue(first.getVersion() > 0);
        assertTrue(first.getChangedAt().getSeconds() > 0);
    }

    @Test
    void settleSendsANewSnapshot() {
        WatchRankingRequest request = request(CAMPAIGN, Kind.STEWARDS_IN_GROUP, "g1", 10, 50);
        SnapshotRecorder watcher = watch(request);
        watcher.awaitFirst();

        settle("bob", 7_000);

        RankingSnapshot changed = watcher.awaitCount(2);
        assertEquals(700, scoreOf(changed, "bob"));
        assertEquals("bob", changed.getEntries(0).getMemberId());
        assertTrue(shows(changed, page(engine(), request)));
    }

    @Test
    void settleInAnotherGroupStaysQuiet() {
        SnapshotRecorder watcher = watch(request(CAMPAIGN, Kind.STEWARDS_IN_GROUP, "g1", 10, 50));
        watcher.awaitFirst();
        long readsBefore = quietReads();

        settle("cy", 4_000); // g2: publishes STEWARDS_IN_GROUP:g2, not g1
        Poll.pause(Duration.ofMillis(600)); // a dozen intervals

        assertEquals(1, watcher.count());
        assertEquals(readsBefore, hub.stats().scopeReads(), "g1 was not even read");
        settle("ann", 1_000); // and the stream is alive
        assertEquals(100, scoreOf(watcher.awaitCount(2), "ann"));
    }

    @Test
    void changeBelowTheTopNSendsNothing() {
        settle("ann", 9_000);
        SnapshotRecorder watcher = watch(request(CAMPAIGN, Kind.STEWARDS, "", 1, 50));
        assertEquals("ann", watcher.awaitFirst().getEntries(0).getMemberId());
        long readsBefore = quietReads();

        settle("bob", 1_000); // changes STEWARDS, but not its first place
        Poll.until(() -> hub.stats().scopeReads() > readsBefore, () -> "the scope to be read again");
        Poll.pause(Duration.ofMillis(400));

        assertEquals(1, watcher.count());
    }

    @Test
    void burstOfSettlesIsCoalescedAndEndsExact() {
        WatchRankingRequest request = request(CAMPAIGN, Kind.STEWARDS, "", 10, 200);
        SnapshotRecorder watcher = watch(request);
        watcher.awaitFirst();
        List<String> stewards = List.of("ann", "bob", "cy");

        long startedAt = System.nanoTime();
        List<CompletableFuture<?>> burst = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            burst.add(engine().settle(new dev.commission.core.order.SettleCommission(CAMPAIGN, "burst-" + i,
                    stewards.get(i % 3), lines(1_000 + i))).toCompletableFuture());
        }
        burst.forEach(CompletableFuture::join);

        dev.commission.api.v1.RankingPage expected = RankingServiceGrpc.newBlockingStub(channel)
                .getRanking(Rankings.getRanking(request));
        watcher.awaitLast(s -> shows(s, expected), "the last snapshot to equal GetRanking's " + expected);
        long elapsedMs = (System.nanoTime() - startedAt) / 1_000_000;
        Poll.pause(Duration.ofMillis(500));
        assertTrue(shows(watcher.last(), expected), "nothing after the exact one changes it");
        int changes = watcher.count() - 1;
        // At most one per 200 ms interval (plus the one that may go at once), however slow the machine.
        assertTrue(changes <= elapsedMs / 200 + 1 && changes < 20,
                "100 settles in " + elapsedMs + " ms gave " + changes + " snapshots");
    }

    @Test
    void versionsRiseStrictly() {
        SnapshotRecorder watcher = watch(request(CAMPAIGN, Kind.STEWARDS, "", 10, 50));
        watcher.awaitFirst();
        for (int i = 1; i <= 5; i++) {
            settle("bob", 1_000);
            long expectedScore = 100L * i;
            watcher.awaitLast(s -> scoreOf(s, "bob") == expectedScore, "bob at " + expectedScore);
        }

        List<RankingSnapshot> snapshots = watcher.snapshots();
        assertEquals(6, snapshots.size());
        for (int i = 1; i < snapshots.size(); i++) {
            assertTrue(snapshots.get(i).getVersion() > snapshots.get(i - 1).getVersion(), "versions " + snapshots);
        }
    }

    @Test
    void zeroTopNMeansTen() {
        for (int i = 0; i < 12; i++) {
            steward(CAMPAIGN, "s" + i, "south", "g3");
        }

        RankingSnapshot first = watch(request(CAMPAIGN, Kind.STEWARDS, "", 0, 0)).awaitFirst();

        assertEquals(10, first.getEntriesCount());
        assertEquals(15, first.getTotalMembers());
    }

    @Test
    void topNAbove200IsInvalidArgument() {
        Throwable error = watch(request(CAMPAIGN, Kind.STEWARDS, "", 201, 0)).awaitError();

        assertEquals(Status.Code.INVALID_ARGUMENT, Status.fromThrowable(error).getCode());
        BadRequest badRequest = badRequest(error);
        assertEquals("top_n", badRequest.getFieldViolations(0).getField());
        assertEquals("must be between 1 and 200", badRequest.getFieldViolations(0).getDescription());
    }

    @Test
    void missingScopeIdIsInvalidArgument() {
        Throwable error = watch(request(CAMPAIGN, Kind.STEWARDS_IN_GROUP, "", 10, 0)).awaitError();

        assertEquals(Status.Code.INVALID_ARGUMENT, Status.fromThrowable(error).getCode());
        assertEquals("scope.id", badRequest(error).getFieldViolations(0).getField());
    }

    @Test
    void unknownCampaignIsNotFound() {
        Throwable error = watch(request("nobody", Kind.STEWARDS, "", 10, 0)).awaitError();

        assertEquals(Status.Code.NOT_FOUND, Status.fromThrowable(error).getCode());
        Poll.until(() -> hub.stats().watchedScopes() == 0, () -> "the scope to be forgotten: " + hub.stats());
    }

    @Test
    void unknownGroupStartsEmptyAndFillsIn() {
        SnapshotRecorder watcher = watch(request(CAMPAIGN, Kind.STEWARDS_IN_GROUP, "g9", 10, 50));
        RankingSnapshot first = watcher.awaitFirst();
        assertEquals(0, first.getEntriesCount());
        assertEquals(0, first.getTotalMembers());

        steward(CAMPAIGN, "dee", "north", "g9");
        settle("dee", 3_000);

        watcher.awaitLast(s -> scoreOf(s, "dee") == 300 && s.getTotalMembers() == 1, "dee in g9 at 300");
    }

    @Test
    void oneReadServesEveryWatcherOfAScope() {
        List<SnapshotRecorder> wide = new ArrayList<>();
        List<SnapshotRecorder> narrow = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            wide.add(watch(request(CAMPAIGN, Kind.STEWARDS, "", 10, 50)));
            narrow.add(watch(request(CAMPAIGN, Kind.STEWARDS, "", 2, 50)));
        }
        wide.forEach(SnapshotRecorder::awaitFirst);
        narrow.forEach(SnapshotRecorder::awaitFirst);
        long readsBefore = quietReads();

        settle("cy", 8_000);

        for (SnapshotRecorder w : wide) {
            RankingSnapshot s = w.awaitLast(x -> scoreOf(x, "cy") == 800, "cy at 800");
            assertEquals(3, s.getEntriesCount());
        }
        for (SnapshotRecorder w : narrow) {
            RankingSnapshot s = w.awaitLast(x -> scoreOf(x, "cy") == 800, "cy at 800");
            assertEquals(2, s.getEntriesCount());
        }
        long reads = hub.stats().scopeReads() - readsBefore;
        assertTrue(reads >= 1 && reads <= 2, "50 watchers of one scope cost " + reads + " reads");
    }

    @Test
    void cancelledStreamsAreForgotten() {
        SnapshotRecorder a = watch(request(CAMPAIGN, Kind.STEWARDS, "", 10, 50));
        SnapshotRecorder b = watch(request(CAMPAIGN, Kind.REGIONS, "", 10, 50));
        a.awaitFirst();
        b.awaitFirst();
        assertEquals(2, hub.stats().openStreams());

        a.cancel();
        b.cancel();

        Poll.until(() -> hub.stats().openStreams() == 0 && hub.stats().watchedScopes() == 0,
                () -> "streams and scopes forgotten: " + hub.stats());
    }

    @Test
    void closeEndsStreamsCleanly() {
        SnapshotRecorder watcher = watch(request(CAMPAIGN, Kind.STEWARDS, "", 10, 50));
        watcher.awaitFirst();

        hub.close();

        watcher.awaitCompleted();
        assertEquals(null, watcher.error());
        assertEquals(0, hub.stats().openStreams());
        Throwable late = watch(request(CAMPAIGN, Kind.STEWARDS, "", 10, 50)).awaitError();
        assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(late).getCode());
    }

    @Test
    void periodicRefreshCatchesAChangeThatPublishedNothing() throws IOException {
        stop();
        startHub(Duration.ofMillis(300));
        SnapshotRecorder watcher = watch(request(CAMPAIGN, Kind.STEWARDS, "", 10, 50));
        watcher.awaitFirst();

        // Written behind the scripts' back: no event is published.
        RedisExtension.redisson().getScoredSortedSet("cms:{c:" + CAMPAIGN + "}:rank:stewards",
                org.redisson.client.codec.StringCodec.INSTANCE).add(5_000, "bob");

        watcher.awaitLast(s -> scoreOf(s, "bob") == 5_000, "bob at 5000 after a refresh");
    }

    /** The hub's read count once it has stopped moving (reads already started have landed). */
    private long quietReads() {
        long reads = hub.stats().scopeReads();
        while (true) {
            Poll.pause(Duration.ofMillis(150));
            long now = hub.stats().scopeReads();
            if (now == reads) {
                return reads;
            }
            reads = now;
        }
    }

    private static BadRequest badRequest(Throwable error) {
        com.google.rpc.Status status = StatusProto.fromThrowable(error);
        assertNotNull(status, "rich status");
        return status.getDetailsList().stream().filter(d -> d.is(BadRequest.class)).findFirst()
                .map(d -> {
                    try {
                        return d.unpack(BadRequest.class);
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                }).orElseThrow(() -> new AssertionError("no BadRequest in " + status));
    }
}
