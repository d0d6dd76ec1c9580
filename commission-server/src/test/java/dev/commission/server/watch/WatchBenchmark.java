package dev.commission.server.watch;

import dev.commission.api.v1.RankingEntry;
import dev.commission.api.v1.RankingScope.Kind;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.api.v1.RankingSnapshot;
import dev.commission.api.v1.WatchRankingRequest;
import dev.commission.core.CommissionEngine;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.CreateCampaign;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.order.OrderLine;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.steward.RegisterSteward;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.ranking.RankingGrpcService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import redis.embedded.RedisServer;

/**
 * WatchRanking under load, on one instance: an embedded redis-server, the engine, the hub and a
 * Netty server on loopback; {@code --streams} watch streams over {@code --channels} client
 * channels on 8 steward scopes, while settles run at a steady {@code --rate} per second.
 *
 * <p>Latency of a settle, per watcher that shows it: from the settle's reply (the steward's new
 * score known) to the first snapshot on that stream showing the steward at that score or more.
 * Every watcher's top_n covers its whole scope, so every settle is seen by the 3 scopes of its
 * steward (campaign, region, group). Redis cost of watching: the hub's reads (one EVALSHA each),
 * cross-checked with the server's own EVALSHA count minus the settles.
 *
 * <p>Run it through the server's {@code bench} profile (exec bound to verify in this module only;
 * a plain {@code exec:exec} with {@code -am} would also run in the parent and proto modules).
 * It stops by itself after warm-up, duration and drain, about 25 s:
 * <pre>
 * mvn -B -q -Pbench -pl commission-server -am verify -DskipTests \
 *     -Dbench.main=dev.commission.server.watch.WatchBenchmark -Dbench.args="--seconds 20"
 * </pre>
 * Options: {@code --streams 1000 --channels 4 --rate 2000 --seconds 20 --warmup 3
 * --interval-ms 200 --seed <n>} (the seed picks stewards and amounts; it is printed).
 */
public final class WatchBenchmark {
    private static final String CAMPAIGN = "bench";
    private static final int GROUPS = 5;
    private static final int PER_GROUP = 20;
    private static final int STEWARDS = GROUPS * PER_GROUP;

    private final int streams;
    private final int channels;
    private final int rate;
    private final int seconds;
    private final int warmupSeconds;
    private final int intervalMs;
    private final long seed;

    /** Per steward: score after a settle -> when that settle's reply arrived (nanoTime). */
    private final List<NavigableMap<Long, Long>> settled = new ArrayList<>();
    private final Recorder latencyMicros = new Recorder(3);
    private final Recorder settleMicros = new Recorder(3);
    /** Settles whose reply arrives in [start, end] are measured, whenever a watcher shows them. */
    private volatile long measureStartNanos = Long.MAX_VALUE;
    private volatile long measureEndNanos = Long.MAX_VALUE;
    private final AtomicLong settlesIssued = new AtomicLong();
    private final AtomicLong settlesDone = new AtomicLong();
    private final AtomicLong settlesFailed = new AtomicLong();
    private final AtomicLong settlesSkipped = new AtomicLong();
    private final AtomicLong snapshotsReceived = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();

    private WatchBenchmark(Map<String, String> options) {
        streams = Integer.parseInt(options.getOrDefault("streams", "1000"));
        channels = Integer.parseInt(options.getOrDefault("channels", "4"));
        rate = Integer.parseInt(options.getOrDefault("rate", "2000"));
        seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
        warmupSeconds = Integer.parseInt(options.getOrDefault("warmup", "3"));
        intervalMs = Integer.parseInt(options.getOrDefault("interval-ms", "200"));
        seed = Long.parseLong(options.getOrDefault("seed", Long.toString(System.nanoTime())));
        for (int i = 0; i < STEWARDS; i++) {
            settled.add(new ConcurrentSkipListMap<>());
        }
    }

    public static void main(String[] args) throws Exception {
        // Redisson and Netty log every command at DEBUG without a logback.xml.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        new WatchBenchmark(options).run();
        System.exit(0);
    }

    private static String steward(int i) {
        return "s" + i;
    }

    private static int group(int steward) {
        return steward / PER_GROUP;
    }

    private static String region(int group) {
        return group < 3 ? "r0" : "r1";
    }

    private void run() throws Exception {
        System.out.printf("watch benchmark: %d streams over %d channels, %d settles/s for %d s (+%d s warm-up),"
                        + " min_interval_ms %d, seed %d, %d cores%n", streams, channels, rate, seconds, warmupSeconds,
                intervalMs, seed, Runtime.getRuntime().availableProcessors());
        int port = RedisExtension.freePort();
        RedisServer redis = RedisServer.builder().port(port).setting("bind 127.0.0.1").setting("save \"\"")
                .setting("appendonly no").build();
        redis.start();
        Config config = new Config();
        config.useSingleServer().setAddress("redis://127.0.0.1:" + port)
                .setConnectionMinimumIdleSize(8).setConnectionPoolSize(64);
        RedissonClient redisson = Redisson.create(config);
        CommissionEngine engine = new CommissionEngine(redisson);
        RankingWatchHub hub = new RankingWatchHub(redisson, engine);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new RankingGrpcService(engine, hub)).build().start();
        List<ManagedChannel> clients = new ArrayList<>();
        List<Watcher> watchers = new ArrayList<>();
        ScheduledExecutorService settler = Executors.newSingleThreadScheduledExecutor();
        try {
            setUp(engine);
            watch(server.getPort(), clients, watchers);
            long startedAt = System.nanoTime();
            settler.scheduleAtFixedRate(new Settler(engine, new Random(seed)), 0, 5, TimeUnit.MILLISECONDS);

            Thread.sleep(warmupSeconds * 1000L);
            WatchStats before = hub.stats();
            long evalshaBefore = evalshaCalls(port);
            long settlesBefore = settlesIssued.get();
            long receivedBefore = snapshotsReceived.get();
            latencyMicros.reset();
            settleMicros.reset();
            measureStartNanos = System.nanoTime();

            Thread.sleep(seconds * 1000L);
            measureEndNanos = System.nanoTime();
            long measuredNanos = measureEndNanos - measureStartNanos;
            WatchStats after = hub.stats();
            long evalshaAfter = evalshaCalls(port);
            long settlesInWindow = settlesIssued.get() - settlesBefore;
            long receivedInWindow = snapshotsReceived.get() - receivedBefore;
            settler.shutdown();
            settler.awaitTermination(10, TimeUnit.SECONDS);
            while (inFlight.get() > 0) {
                Thread.sleep(10);
            }
            boolean converged = drain(watchers);

            double secs = measuredNanos / 1e9;
            Histogram latency = latencyMicros.getIntervalHistogram();
            Histogram settle = settleMicros.getIntervalHistogram();
            long reads = after.scopeReads() - before.scopeReads();
            System.out.printf("settles: %d in %.1f s = %.0f/s (failed %d, skipped as backlog %d), settle reply p50 %.1f ms"
                            + " p99 %.1f ms%n", settlesInWindow, secs, settlesInWindow / secs, settlesFailed.get(),
                    settlesSkipped.get(), settle.getValueAtPercentile(50) / 1000.0,
                    settle.getValueAtPercentile(99) / 1000.0);
            System.out.printf("settle -> received latency over %d (settle, watcher) pairs (%d more were shown before"
                            + " the settle's reply was processed, not sampled): p50 %.1f ms, p99 %.1f ms,"
                            + " p99.9 %.1f ms, max %.1f ms%n", latency.getTotalCount(),
                    expectedPairs(watchers) - latency.getTotalCount(),
                    latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                    latency.getValueAtPercentile(99.9) / 1000.0, latency.getMaxValue() / 1000.0);
            System.out.printf("watching cost: %d hub reads = %.0f reads/s (one EVALSHA each) for %d streams on %d scopes;"
                            + " redis EVALSHA calls minus settles = %.0f/s%n", reads, reads / secs, after.openStreams(),
                    after.watchedScopes(), (evalshaAfter - evalshaBefore - settlesInWindow) / secs);
            System.out.printf("snapshots: %.0f sent/s by the hub, %.0f received/s by clients, %d superseded while"
                            + " waiting; every watcher converged to the final scores: %s%n",
                    (after.snapshotsSent() - before.snapshotsSent()) / secs, receivedInWindow / secs,
                    after.snapshotsSuperseded(), converged);
            System.out.printf("total wall time %.1f s%n", (System.nanoTime() - startedAt) / 1e9);
        } finally {
            settler.shutdownNow();
            hub.close(); // ends every stream cleanly before the transports go
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (watchers.stream().anyMatch(w -> !w.ended) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            System.out.printf("%d of %d streams ended cleanly on shutdown%n",
                    watchers.stream().filter(w -> w.ended && w.failure == null).count(), watchers.size());
            clients.forEach(ManagedChannel::shutdownNow);
            server.shutdownNow();
            redisson.shutdown();
            redis.stop();
        }
    }

    private void setUp(CommissionEngine engine) {
        engine.createCampaign(new CreateCampaign(CAMPAIGN, "Benchmark", CommissionRule.rate(1000, 0),
                TransferPolicy.FOLLOW)).toCompletableFuture().join();
        for (int i = 0; i < STEWARDS; i++) {
            int g = group(i);
            engine.registerSteward(new RegisterSteward(CAMPAIGN, steward(i), "Steward " + i, region(g), "g" + g))
                    .toCompletableFuture().join();
        }
    }

    /** Opens the streams round-robin over channels and the 8 scopes; waits for every first snapshot. */
    private void watch(int port, List<ManagedChannel> clients, List<Watcher> watchers) throws InterruptedException {
        for (int c = 0; c < channels; c++) {
            clients.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
        }
        List<WatchRankingRequest> scopes = new ArrayList<>();
        scopes.add(request(Kind.STEWARDS, "", STEWARDS));
        scopes.add(request(Kind.STEWARDS_IN_REGION, "r0", 3 * PER_GROUP));
        scopes.add(request(Kind.STEWARDS_IN_REGION, "r1", 2 * PER_GROUP));
        for (int g = 0; g < GROUPS; g++) {
            scopes.add(request(Kind.STEWARDS_IN_GROUP, "g" + g, PER_GROUP));
        }
        for (int i = 0; i < streams; i++) {
            Watcher watcher = new Watcher();
            watchers.add(watcher);
            RankingServiceGrpc.newStub(clients.get(i % channels)).watchRanking(scopes.get(i % scopes.size()), watcher);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (watchers.stream().anyMatch(w -> w.received == 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long ready = watchers.stream().filter(w -> w.received > 0).count();
        System.out.printf("%d of %d streams got their first snapshot%n", ready, streams);
    }

    private WatchRankingRequest request(Kind kind, String id, int topN) {
        return Rankings.request(CAMPAIGN, kind, id, topN, intervalMs);
    }

    /** After the last settle: waits (10 s at most) until every watcher shows every steward it watches at its final score. */
    private boolean drain(List<Watcher> watchers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (watchers.stream().allMatch(this::showsFinalScores)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    private boolean showsFinalScores(Watcher watcher) {
        if (watcher.received == 0) { // volatile read: makes the watcher's arrays visible here
            return false;
        }
        for (int s = 0; s < STEWARDS; s++) {
            if (watcher.watches[s] && !settled.get(s).isEmpty() && watcher.seen[s] < settled.get(s).lastKey()) {
                return false;
            }
        }
        return true;
    }

    /** The (settle, watcher) pairs in the measured window: each watcher shows every settle of the stewards it watches. */
    private long expectedPairs(List<Watcher> watchers) {
        long pairs = 0;
        for (Watcher watcher : watchers) {
            if (watcher.received == 0) {
                continue;
            }
            for (int s = 0; s < STEWARDS; s++) {
                if (watcher.watches[s]) {
                    for (long at : settled.get(s).values()) {
                        if (at >= measureStartNanos && at <= measureEndNanos) {
                            pairs++;
                        }
                    }
                }
            }
        }
        return pairs;
    }

    /** Issues rate/200 settles every 5 ms on random stewards; skips (and counts) when 4,000 are still in flight. */
    private final class Settler implements Runnable {
        private final CommissionEngine engine;
        private final Random random;
        private final int perRun = Math.max(1, rate / 200);
        private long order;

        Settler(CommissionEngine engine, Random random) {
            this.engine = engine;
            this.random = random;
        }

        @Override
        public void run() {
            for (int k = 0; k < perRun; k++) {
                if (inFlight.get() >= 4_000) {
                    settlesSkipped.incrementAndGet();
                    continue;
                }
                int s = random.nextInt(STEWARDS);
                long paid = 100 + random.nextInt(10_000);
                long issuedAt = System.nanoTime();
                inFlight.incrementAndGet();
                settlesIssued.incrementAndGet();
                engine.settle(new SettleCommission(CAMPAIGN, "o" + (order++), steward(s),
                        List.of(new OrderLine("sku", 1, paid)))).whenComplete((result, failure) -> {
                            long now = System.nanoTime();
                            if (failure != null) {
                                settlesFailed.incrementAndGet();
                            } else {
                                settled.get(s).put(result.stewardEarnedFen(), now);
                                settlesDone.incrementAndGet();
                                if (now >= measureStartNanos && now <= measureEndNanos) {
                                    settleMicros.recordValue((now - issuedAt) / 1_000);
                                }
                            }
                            inFlight.decrementAndGet();
                        });
            }
        }
    }

    /**
     * One dashboard. For each steward it shows, the score it last showed; a snapshot that raises it
     * closes every settle in between (one latency sample per settle and watcher). A settle whose
     * reply arrives after its score was already shown is not sampled (it would be at most 0).
     */
    private final class Watcher implements StreamObserver<RankingSnapshot> {
        final long[] seen = new long[STEWARDS];
        final boolean[] watches = new boolean[STEWARDS];
        volatile int received;
        volatile boolean ended;
        volatile Throwable failure;

        @Override
        public void onNext(RankingSnapshot snapshot) {
            long now = System.nanoTime();
            for (RankingEntry entry : snapshot.getEntriesList()) {
                int s = Integer.parseInt(entry.getMemberId().substring(1));
                watches[s] = true;
                long score = entry.getScoreFen();
                if (score > seen[s]) {
                    for (long settledAt : settled.get(s).subMap(seen[s], false, score, true).values()) {
                        if (settledAt >= measureStartNanos && settledAt <= measureEndNanos) {
                            latencyMicros.recordValue(Math.max(0, now - settledAt) / 1_000);
                        }
                    }
                    seen[s] = score;
                }
            }
            received++;
            snapshotsReceived.incrementAndGet();
        }

        @Override
        public void onError(Throwable t) {
            failure = t;
            ended = true;
            System.err.println("stream failed: " + t);
        }

        @Override
        public void onCompleted() {
            ended = true;
        }
    }

    private static long evalshaCalls(int port) {
        for (String line : RedisAdmin.command(port, "INFO", "commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:")) {
                String calls = line.substring(line.indexOf("calls=") + 6);
                return Long.parseLong(calls.substring(0, calls.indexOf(',')));
            }
        }
        return 0;
    }
}
