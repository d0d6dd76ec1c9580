package dev.commission.server.bench;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.SettableFuture;
import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.GetRankingRequest;
import dev.commission.api.v1.GetStandingRequest;
import dev.commission.api.v1.InvariantCheck;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.RankingEntry;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.api.v1.RebuildRankingsRequest;
import dev.commission.api.v1.RebuildRankingsResult;
import dev.commission.api.v1.ReconcileReport;
import dev.commission.api.v1.ReconcileRequest;
import dev.commission.api.v1.RegisterStewardRequest;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.SettleResult;
import dev.commission.core.CommissionEngine;
import dev.commission.core.operation.LuaScript;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.steward.RegisterSteward;
import dev.commission.server.ServerConfig;
import dev.commission.server.ServerStack;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNodes;

/**
 * One campaign at full size, on the server as it runs in production: {@link ServerStack} with its
 * embedded redis-server (append-only persistence, in a temporary folder deleted at the end) and
 * gRPC over Netty on loopback. Everything goes through the public gRPC API; what Redis itself
 * did is read with INFO, SLOWLOG, SCAN and MEMORY USAGE on a connection of its own.
 *
 * <ol>
 * <li>Registers {@code --stewards} stewards with RegisterSteward (spread over {@code --groups}
 *     groups, each group in one of {@code --regions} regions), then settles {@code --orders}
 *     orders with SettleCommission, each naming its steward's placement (so a steward not yet
 *     registered would be registered on the fly), {@code --concurrency} calls in flight. Prints
 *     progress every {@code --progress-seconds} and the rates.</li>
 * <li>Redis memory per steward and per settled order (used_memory before and after each load),
 *     and every kind of key of the campaign with its count and size (MEMORY USAGE of a sample).</li>
 * <li>GetRanking top-100 of STEWARDS and of one region, GetStanding of the steward in the middle
 *     of the ranking: p50/p99 over {@code --calls} calls, {@code --read-concurrency} in flight.</li>
 * <li>Settlements on another campaign at {@code --side-rate}/s ({@code --side-concurrency} in
 *     flight) while nothing else runs; then Reconcile and RebuildRankings (through gRPC, with a
 *     deadline of {@code --audit-deadline-minutes}), each under the same side load: its time,
 *     its outcome (a failure is reported, not thrown), the longest single Redis command during it
 *     (SLOWLOG, every call slower than {@code --slowlog-micros}), the server's gRPC health
 *     meanwhile and the side load's p50/p99 against the idle one.</li>
 * </ol>
 *
 * <pre>
 * mvn -B -q -Pbench -pl commission-server -am verify -DskipTests \
 *     -Dbench.main=dev.commission.server.bench.CampaignScaleBenchmark \
 *     -Dbench.args="--stewards 1000000 --orders 2000000"
 * </pre>
 * The defaults are the full size (1,000,000 stewards, 2,000,000 orders); {@code --stewards 20000
 * --orders 40000} runs in about a minute. {@code --seed} replays the same placements and amounts.
 * {@code --data-dir DIR} keeps Redis's data in DIR instead of a temporary folder: a run on a DIR
 * that already holds a loaded campaign of the same size skips the load and reprints its figures
 * (written to {@code DIR/loaded.properties}), so the load can run once and the measurements again;
 * {@code --stop-after load} stops once the campaign is loaded. {@code --load-via engine} loads
 * through the server's own {@code CommissionEngine} (the same strategies, scripts, keys and
 * ledger as RegisterSteward and SettleCommission, without the gRPC hop), several times faster.
 */
public final class CampaignScaleBenchmark {
    private static final String CAMPAIGN = "scale-bench";
    private static final String SIDE_CAMPAIGN = "side-load";
    private static final int TOP = 100;
    private static final Duration CALL_DEADLINE = Duration.ofMinutes(2);
    private static final int SLOWLOG_MAX_LEN = 100_000;
    private static final Duration HEALTH_POLL = Duration.ofMillis(250);

    private static final Map<String, String> DEFAULTS = defaults();

    private final Map<String, String> options;
    private final int stewards;
    private final int orders;
    private final int regions;
    private final int groups;
    private final int concurrency;
    private final int calls;
    private final int readConcurrency;
    private final int progressSeconds;
    private final long seed;
    private final int[] groupOf;

    private final ManagedChannel channel;
    private final ManagedChannel sideChannel;
    private final CommissionServiceGrpc.CommissionServiceFutureStub commission;
    private final CommissionServiceGrpc.CommissionServiceBlockingStub commissionBlocking;
    private final RankingServiceGrpc.RankingServiceFutureStub ranking;
    private final RankingServiceGrpc.RankingServiceBlockingStub rankingBlocking;
    private final SteadySettleLoad sideLoad;
    private final RedisAdminConnection redis;
    private final List<String> summary = new ArrayList<>();

    private final CommissionEngine engine;
    private final boolean viaEngine;

    private CampaignScaleBenchmark(Map<String, String> options, int port, RedisAdminConnection redis,
                                   RedissonClient redisson) {
        this.options = options;
        this.redis = redis;
        viaEngine = options.get("load-via").equals("engine");
        engine = viaEngine ? new CommissionEngine(redisson) : null;
        stewards = intOption("stewards");
        orders = intOption("orders");
        regions = intOption("regions");
        groups = intOption("groups");
        concurrency = intOption("concurrency");
        calls = intOption("calls");
        readConcurrency = intOption("read-concurrency");
        progressSeconds = intOption("progress-seconds");
        seed = Long.parseLong(options.get("seed"));
        Random random = new Random(seed);
        groupOf = new int[stewards];
        for (int s = 0; s < stewards; s++) {
            groupOf[s] = random.nextInt(groups);
        }
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(64 << 20).build();
        // The side load has its own connection, so that it queues behind nothing of the audit's.
        sideChannel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        commission = CommissionServiceGrpc.newFutureStub(channel);
        commissionBlocking = CommissionServiceGrpc.newBlockingStub(channel);
        ranking = RankingServiceGrpc.newFutureStub(channel);
        rankingBlocking = RankingServiceGrpc.newBlockingStub(channel);
        sideLoad = new SteadySettleLoad(CommissionServiceGrpc.newFutureStub(sideChannel), SIDE_CAMPAIGN,
                intOption("side-stewards"), intOption("side-rate"), intOption("side-concurrency"),
                Duration.ofSeconds(intOption("side-deadline-seconds")));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(DEFAULTS);
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].replaceFirst("^--", "");
            if (!DEFAULTS.containsKey(name) || i + 1 >= args.length) {
                System.err.println("unknown or incomplete option " + args[i] + "; options and defaults: " + DEFAULTS);
                System.exit(2);
            }
            options.put(name, args[i + 1]);
        }
        boolean keepData = !options.get("data-dir").isEmpty();
        Path dataDir = keepData ? Files.createDirectories(Path.of(options.get("data-dir")))
                : Files.createTempDirectory("campaign-scale-bench-");
        Properties loaded = Loaded.read(dataDir);
        if (loaded != null) {
            options.put("seed", loaded.getProperty("seed"));
        }
        if (options.get("seed").isEmpty()) {
            options.put("seed", Long.toString(System.nanoTime()));
        }
        int exitCode = 0;
        ServerStack stack = ServerStack.start(ServerConfig.parse(
                new String[] {"--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir.toString()}, Map.of()));
        InetSocketAddress redisAddress = stack.redisson().getRedisNodes(RedisNodes.SINGLE).getInstance().getAddr();
        try (RedisAdminConnection redis = new RedisAdminConnection(redisAddress.getHostString(), redisAddress.getPort())) {
            CampaignScaleBenchmark benchmark = new CampaignScaleBenchmark(options, stack.port(), redis, stack.redisson());
            try {
                benchmark.run(dataDir, loaded);
            } finally {
                benchmark.channel.shutdownNow();
                benchmark.sideChannel.shutdownNow();
            }
        } catch (Exception e) {
            e.printStackTrace();
            exitCode = 1;
        } finally {
            stack.close();
            if (!keepData) {
                deleteTree(dataDir);
            }
        }
        System.exit(exitCode);
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("stewards", "1000000");
        d.put("orders", "2000000");
        d.put("regions", "50");
        d.put("groups", "2000");
        d.put("concurrency", "64");
        d.put("calls", "10000");
        d.put("read-concurrency", "16");
        d.put("side-rate", "500");
        d.put("side-concurrency", "16");
        d.put("side-stewards", "1000");
        d.put("side-deadline-seconds", "30");
        d.put("idle-seconds", "20");
        d.put("slowlog-micros", "1000");
        d.put("audit-deadline-minutes", "60");
        d.put("progress-seconds", "5");
        d.put("aof", "yes");
        d.put("seed", "");
        d.put("data-dir", "");
        d.put("stop-after", "");
        d.put("load-via", "grpc");
        return d;
    }

    private int intOption(String name) {
        return Integer.parseInt(options.get(name).replace("_", "").replace(",", ""));
    }

    private String command() {
        StringBuilder args = new StringBuilder();
        options.forEach((name, value) -> args.append(args.length() == 0 ? "" : " ").append("--").append(name)
                .append(' ').append(value));
        return "mvn -B -q -Pbench -pl commission-server -am verify -DskipTests -Dbench.main="
                + CampaignScaleBenchmark.class.getName() + " -Dbench.args=\"" + args + "\"";
    }

    static String steward(int s) {
        return String.format("s%07d", s);
    }

    static String group(int g) {
        return String.format("g%04d", g);
    }

    /** Groups nest in regions: every steward of a group is in the same region. */
    private String regionOfGroup(int g) {
        return String.format("r%02d", g % regions);
    }

    /** Order numbers of 16 digits, as shops print them. */
    static String orderNo(long i) {
        return Long.toString(2_026_112_600_000_000L + i);
    }

    private void run(Path dataDir, Properties loaded) throws Exception {
        Map<String, String> server = redis.info("server");
        System.out.printf("campaign scale benchmark: %,d stewards in %,d groups in %,d regions, %,d orders, seed %d;"
                        + " redis-server %s (embedded, appendonly %s), %d cores%n", stewards, groups, regions, orders,
                seed, server.get("redis_version"), options.get("aof"), Runtime.getRuntime().availableProcessors());
        if (!options.get("aof").equals("yes")) {
            redis.call("CONFIG", "SET", "appendonly", "no");
        }
        Loaded figures = loaded == null ? load(dataDir) : Loaded.of(loaded, stewards, orders, regions, groups);
        summary.add(String.format("load through %s, %d in flight: RegisterSteward %,.0f/s, SettleCommission %,.0f/s%s",
                viaEngine ? "the engine (no gRPC)" : "gRPC", concurrency, figures.registerRate(), figures.settleRate(), loaded == null ? "" : " (loaded by an"
                        + " earlier run into " + dataDir + ")"));
        if (options.get("stop-after").equals("load")) {
            System.out.println("loaded into " + dataDir + "; stopping after the load as asked");
            return;
        }

        memory(figures.atStart(), figures.afterStewards(), figures.afterOrders());
        reads();
        audits();

        System.out.println();
        System.out.println("summary");
        summary.forEach(line -> System.out.println("  " + line));
        System.out.println("command: " + command());
    }

    /** Registers the stewards and settles the orders, then saves the figures of the load next to the data. */
    private Loaded load(Path dataDir) throws Exception {
        setUp();
        waitForQuietRedis();
        long atStart = redis.usedMemory();
        double registerRate = load("RegisterSteward", stewards, this::register, reply -> "OK");
        waitForQuietRedis();
        long afterStewards = redis.usedMemory();
        Random amounts = new Random(seed ^ 0x5DEECE66DL);
        double settleRate = load("SettleCommission", orders, i -> settle(i, amounts), reply -> reply instanceof
                SettleResult grpc ? grpc.getOutcome().name() : ((dev.commission.core.order.SettleResult) reply).outcome()
                .name());
        waitForQuietRedis();
        long afterOrders = redis.usedMemory();
        Loaded figures = new Loaded(seed, stewards, orders, regions, groups, atStart, afterStewards, afterOrders,
                registerRate, settleRate);
        // A rewrite leaves one compact base file, so that a later run on the same folder starts in seconds.
        redis.call("BGREWRITEAOF");
        waitForQuietRedis();
        figures.write(dataDir);
        return figures;
    }

    /** What a load measured, kept in {@code loaded.properties} beside the data it made. */
    private record Loaded(long seed, int stewards, int orders, int regions, int groups, long atStart,
            long afterStewards, long afterOrders, double registerRate, double settleRate) {
        private static final String FILE = "loaded.properties";

        static Properties read(Path dataDir) throws IOException {
            Path file = dataDir.resolve(FILE);
            if (!Files.exists(file)) {
                return null;
            }
            Properties p = new Properties();
            try (var in = Files.newInputStream(file)) {
                p.load(in);
            }
            return p;
        }

        static Loaded of(Properties p, int stewards, int orders, int regions, int groups) {
            Loaded loaded = new Loaded(Long.parseLong(p.getProperty("seed")), Integer.parseInt(p.getProperty("stewards")),
                    Integer.parseInt(p.getProperty("orders")), Integer.parseInt(p.getProperty("regions")),
                    Integer.parseInt(p.getProperty("groups")), Long.parseLong(p.getProperty("atStart")),
                    Long.parseLong(p.getProperty("afterStewards")), Long.parseLong(p.getProperty("afterOrders")),
                    Double.parseDouble(p.getProperty("registerRate")), Double.parseDouble(p.getProperty("settleRate")));
            if (loaded.stewards != stewards || loaded.orders != orders || loaded.regions != regions
                    || loaded.groups != groups) {
                throw new IllegalArgumentException("the data folder holds a campaign of another size: " + p);
            }
            return loaded;
        }

        void write(Path dataDir) throws IOException {
            Properties p = new Properties();
            p.setProperty("seed", Long.toString(seed));
            p.setProperty("stewards", Integer.toString(stewards));
            p.setProperty("orders", Integer.toString(orders));
            p.setProperty("regions", Integer.toString(regions));
            p.setProperty("groups", Integer.toString(groups));
            p.setProperty("atStart", Long.toString(atStart));
            p.setProperty("afterStewards", Long.toString(afterStewards));
            p.setProperty("afterOrders", Long.toString(afterOrders));
            p.setProperty("registerRate", Double.toString(registerRate));
            p.setProperty("settleRate", Double.toString(settleRate));
            try (var out = Files.newOutputStream(dataDir.resolve(FILE))) {
                p.store(out, "campaign scale benchmark: what the load measured");
            }
        }
    }

    private void setUp() {
        for (String id : List.of(CAMPAIGN, SIDE_CAMPAIGN)) {
            commissionBlocking.createCampaign(CreateCampaignRequest.newBuilder().setCampaignId(id).setName(id)
                    .setRule(CommissionRule.newBuilder().setRateBps(500)).build());
        }
        int side = intOption("side-stewards");
        for (int s = 0; s < side; s++) {
            commissionBlocking.registerSteward(RegisterStewardRequest.newBuilder().setCampaignId(SIDE_CAMPAIGN)
                    .setStewardId(SteadySettleLoad.steward(s)).setName("Side " + s)
                    .setRegionId(SteadySettleLoad.region(s)).setGroupId(SteadySettleLoad.group(s)).build());
        }
    }

    private ListenableFuture<?> register(int s) {
        if (viaEngine) {
            return listenable(engine.registerSteward(new RegisterSteward(CAMPAIGN, steward(s), "Steward " + s,
                    regionOfGroup(groupOf[s]), group(groupOf[s]))));
        }
        return commission.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .registerSteward(RegisterStewardRequest.newBuilder().setCampaignId(CAMPAIGN).setStewardId(steward(s))
                        .setName("Steward " + s).setRegionId(regionOfGroup(groupOf[s])).setGroupId(group(groupOf[s]))
                        .build());
    }

    /** Order i goes to a steward drawn uniformly; paid 1.00 to 2,000.00 yuan; one line. */
    private ListenableFuture<?> settle(int i, Random random) {
        int s = random.nextInt(stewards);
        long paid = 100 + random.nextInt(200_000);
        if (viaEngine) {
            return listenable(engine.settle(new SettleCommission(CAMPAIGN, orderNo(i), steward(s),
                    List.of(new dev.commission.core.order.OrderLine("sku-" + i % 1000, 1, paid)),
                    regionOfGroup(groupOf[s]), group(groupOf[s]), "Steward " + s)));
        }
        return commission.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .settleCommission(SettleCommissionRequest.newBuilder().setCampaignId(CAMPAIGN).setOrderNo(orderNo(i))
                        .setStewardId(steward(s)).setRegionId(regionOfGroup(groupOf[s])).setGroupId(group(groupOf[s]))
                        .setStewardName("Steward " + s)
                        .addLines(OrderLine.newBuilder().setSkuId("sku-" + i % 1000).setQuantity(1).setPaidFen(paid))
                        .build());
    }

    private static ListenableFuture<Object> listenable(CompletionStage<?> stage) {
        SettableFuture<Object> future = SettableFuture.create();
        stage.whenComplete((value, failure) -> {
            if (failure != null) {
                future.setException(failure);
            } else {
                future.set(value);
            }
        });
        return future;
    }

    /** Issues n calls, {@code concurrency} in flight, printing progress; returns calls per second. */
    private double load(String what, int n, IntFunction<ListenableFuture<?>> call, Function<Object, String> outcome)
            throws InterruptedException {
        Semaphore slots = new Semaphore(concurrency);
        Outcomes outcomes = new Outcomes();
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        long[] last = {start, 0};
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            long count = done.get();
            double overall = count / ((now - start) / 1e9);
            System.out.printf("  %s: %,d of %,d (%.0f%%), %,.0f/s now, %,.0f/s overall, %,d failed, %.0f s, about %.0f s"
                            + " left%n", what, count, n, 100.0 * count / n, (count - last[1]) / ((now - last[0]) / 1e9),
                    overall, outcomes.failures(), (now - start) / 1e9, overall > 0 ? (n - count) / overall : 0);
            last[0] = now;
            last[1] = count;
        }, progressSeconds, progressSeconds, TimeUnit.SECONDS);
        try {
            for (int i = 0; i < n; i++) {
                slots.acquire();
                ListenableFuture<?> future = call.apply(i);
                future.addListener(() -> {
                    try {
                        outcomes.add(outcome.apply(future.get()));
                    } catch (ExecutionException e) {
                        outcomes.failed(e.getCause());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    done.incrementAndGet();
                    slots.release();
                }, MoreExecutors.directExecutor());
            }
            slots.acquire(concurrency);
        } finally {
            ticker.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%s: %,d calls in %.1f s = %,.0f/s (%d in flight); %s%n", what, n, seconds, n / seconds,
                concurrency, outcomes);
        if (outcomes.count("DUPLICATE") > 0) {
            System.out.printf("  %,d orders submitted once answered DUPLICATE: the Redis client sent them again after a"
                    + " response timeout%n", outcomes.count("DUPLICATE"));
        }
        return n / seconds;
    }

    // ---------------------------------------------------------------- memory

    private void memory(long atStart, long afterStewards, long afterOrders) {
        double perSteward = stewards == 0 ? 0 : (afterStewards - atStart) / (double) stewards;
        double perOrder = orders == 0 ? 0 : (afterOrders - afterStewards) / (double) orders;
        System.out.printf("%nRedis used_memory: %,d bytes at start, %,d after the stewards, %,d after the orders%n",
                atStart, afterStewards, afterOrders);
        String line = String.format("Redis memory: %,.0f bytes per registered steward, %,.0f bytes per settled order"
                + " (used_memory growth / count)", perSteward, perOrder);
        System.out.println(line);
        summary.add(line);
        keyKinds(afterOrders - atStart);
    }

    /** A kind of key of the campaign: its name with every segment that holds an id replaced by *. */
    private record KeyKind(String kind, List<String> sample, long[] keys) {
    }

    /**
     * Every key of the campaign by kind (SCAN), and MEMORY USAGE (SAMPLES 0, exact) of up to 50 keys
     * of each kind: the kinds that dominate the memory, and bytes per element for the big keys.
     */
    private void keyKinds(long growth) {
        Map<String, KeyKind> kinds = new HashMap<>();
        String cursor = "0";
        do {
            List<?> reply = (List<?>) redis.call("SCAN", cursor, "MATCH", "*" + CAMPAIGN + "*", "COUNT", "10000");
            cursor = (String) reply.get(0);
            for (Object key : (List<?>) reply.get(1)) {
                String name = (String) key;
                KeyKind kind = kinds.computeIfAbsent(kindOf(name), k -> new KeyKind(k, new ArrayList<>(), new long[1]));
                kind.keys[0]++;
                if (kind.sample.size() < 50) {
                    kind.sample.add(name);
                }
            }
        } while (!cursor.equals("0"));
        List<String[]> rows = new ArrayList<>();
        List<Map.Entry<Double, String>> totals = new ArrayList<>();
        for (KeyKind kind : kinds.values()) {
            String type = redis.string("TYPE", kind.sample.get(0));
            long bytes = 0;
            long elements = 0;
            for (String key : kind.sample) {
                bytes += redis.number("MEMORY", "USAGE", key, "SAMPLES", "0");
                elements += elements(type, key);
            }
            double perKey = bytes / (double) kind.sample.size();
            double total = perKey * kind.keys[0];
            totals.add(Map.entry(total, kind.kind));
            rows.add(new String[] {kind.kind, type, String.format("%,d", kind.keys[0]), String.format("%,.0f", perKey),
                    String.format("%,.1f", total / 1e6), String.format("%.1f%%", 100 * total / Math.max(1, growth)),
                    elements == 0 ? "" : String.format("%,.0f", elements / (double) kind.sample.size()),
                    elements == 0 ? "" : String.format("%,.1f", bytes / (double) elements),
                    String.format("%.2f", total / Math.max(1, orders))});
        }
        rows.sort(Comparator.comparingDouble((String[] r) -> Double.parseDouble(r[4].replace(",", ""))).reversed());
        System.out.printf("keys of campaign %s by kind (MEMORY USAGE of up to 50 keys each, times the count):%n", CAMPAIGN);
        System.out.printf("  %-28s %-6s %12s %10s %10s %7s %12s %10s %10s%n", "kind", "type", "keys", "bytes/key", "total MB",
                "share", "elems/key", "bytes/elem", "B/order");
        for (String[] r : rows) {
            System.out.printf("  %-28s %-6s %12s %10s %10s %7s %12s %10s %10s%n", (Object[]) r);
        }
        totals.sort(Map.Entry.<Double, String>comparingByKey().reversed());
        if (!totals.isEmpty()) {
            summary.add(String.format("largest key kinds: %s", totals.stream().limit(3)
                    .map(e -> String.format("%s %.0f MB (%.0f%%)", e.getValue(), e.getKey() / 1e6,
                            100 * e.getKey() / Math.max(1, growth))).toList()));
        }
    }

    static String kindOf(String key) {
        int at = key.indexOf(CAMPAIGN);
        String rest = key.substring(at + CAMPAIGN.length()).replaceFirst("^[^A-Za-z0-9]+", "");
        StringBuilder kind = new StringBuilder();
        for (String segment : rest.split(":", -1)) {
            kind.append(kind.length() == 0 ? "" : ":").append(segment.matches(".*[0-9].*") ? "*" : segment);
        }
        return kind.toString();
    }

    private long elements(String type, String key) {
        switch (type) {
            case "hash":
                return redis.number("HLEN", key);
            case "zset":
                return redis.number("ZCARD", key);
            case "stream":
                return redis.number("XLEN", key);
            case "set":
                return redis.number("SCARD", key);
            case "list":
                return redis.number("LLEN", key);
            default:
                return 0;
        }
    }

    // ---------------------------------------------------------------- reads

    private void reads() throws InterruptedException {
        waitForQuietRedis();
        RankingScope stewardsScope = RankingScope.newBuilder().setKind(RankingScope.Kind.STEWARDS).build();
        RankingScope regionScope = RankingScope.newBuilder().setKind(RankingScope.Kind.STEWARDS_IN_REGION)
                .setId(regionOfGroup(0)).build();
        long members = rankingBlocking.getRanking(page(stewardsScope, 0, 1)).getTotalMembers();
        List<RankingEntry> middle = rankingBlocking.getRanking(page(stewardsScope, members / 2, 1)).getEntriesList();
        String middleSteward = middle.isEmpty() ? steward(0) : middle.get(0).getMemberId();
        System.out.printf("%nreads: %,d calls each, %d in flight, after %,d warm-up calls%n", calls, readConcurrency,
                Math.min(calls, 1_000));
        read("GetRanking top-100 STEWARDS", i -> ranking.getRanking(page(stewardsScope, 0, TOP)));
        read("GetRanking top-100 STEWARDS_IN_REGION " + regionScope.getId(),
                i -> ranking.getRanking(page(regionScope, 0, TOP)));
        read("GetStanding of " + middleSteward + " (rank ~" + (members / 2 + 1) + " of " + members + ")",
                i -> ranking.getStanding(GetStandingRequest.newBuilder().setCampaignId(CAMPAIGN)
                        .setStewardId(middleSteward).build()));
    }

    private static GetRankingRequest page(RankingScope scope, long offset, int limit) {
        return GetRankingRequest.newBuilder().setCampaignId(CAMPAIGN).setScope(scope).setOffset(offset).setLimit(limit)
                .build();
    }

    private void read(String what, IntFunction<ListenableFuture<?>> call) throws InterruptedException {
        closedLoop(Math.min(calls, 1_000), call);
        Outcomes outcomes = new Outcomes();
        long start = System.nanoTime();
        Histogram micros = closedLoop(calls, call, outcomes);
        double seconds = (System.nanoTime() - start) / 1e9;
        String line = String.format("%s: p50 %.2f ms, p99 %.2f ms, max %.1f ms, %,.0f calls/s; %s", what,
                micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
                micros.getMaxValue() / 1000.0, calls / seconds, outcomes);
        System.out.println("  " + line);
        summary.add(line);
    }

    private Histogram closedLoop(int n, IntFunction<ListenableFuture<?>> call) throws InterruptedException {
        return closedLoop(n, call, new Outcomes());
    }

    private Histogram closedLoop(int n, IntFunction<ListenableFuture<?>> call, Outcomes outcomes)
            throws InterruptedException {
        Semaphore slots = new Semaphore(readConcurrency);
        Histogram micros = new Histogram(SteadySettleLoad.HIGHEST_MICROS, 3);
        for (int i = 0; i < n; i++) {
            slots.acquire();
            long began = System.nanoTime();
            ListenableFuture<?> future = call.apply(i);
            future.addListener(() -> {
                long took = (System.nanoTime() - began) / 1_000;
                try {
                    future.get();
                    outcomes.add("OK");
                } catch (ExecutionException e) {
                    outcomes.failed(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (micros) {
                    micros.recordValue(Math.min(took, SteadySettleLoad.HIGHEST_MICROS));
                }
                slots.release();
            }, MoreExecutors.directExecutor());
        }
        slots.acquire(readConcurrency);
        return micros;
    }

    // ---------------------------------------------------------------- audits

    private void audits() throws Exception {
        List<List<RankingEntry>> before = tops();
        waitForQuietRedis();
        System.out.printf("%nsettlements on campaign %s at %s/s, %s in flight, latency from when each was due:%n",
                SIDE_CAMPAIGN, options.get("side-rate"), options.get("side-concurrency"));
        SteadySettleLoad.Measurement idle = sideLoad.during(Duration.ofSeconds(3),
                () -> Thread.sleep(intOption("idle-seconds") * 1000L));
        System.out.println("  while nothing else runs: " + idle.line());
        summary.add("side settlements while nothing else runs: " + idle.line());
        Duration deadline = Duration.ofMinutes(intOption("audit-deadline-minutes"));
        audit("Reconcile", idle, () -> describe(commissionBlocking.withDeadlineAfter(deadline.toMillis(),
                TimeUnit.MILLISECONDS).reconcile(ReconcileRequest.newBuilder().setCampaignId(CAMPAIGN).build())));
        audit("RebuildRankings", idle, () -> describe(commissionBlocking.withDeadlineAfter(deadline.toMillis(),
                TimeUnit.MILLISECONDS).rebuildRankings(RebuildRankingsRequest.newBuilder().setCampaignId(CAMPAIGN)
                .build())));
        List<List<RankingEntry>> after = tops();
        String same = before.equals(after) ? "the same" : "DIFFERENT";
        System.out.printf("top-%d of STEWARDS and of region %s after the audits: %s as before%n", TOP, regionOfGroup(0),
                same);
        summary.add("rankings after RebuildRankings: top-" + TOP + " " + same + " as before");
    }

    private List<List<RankingEntry>> tops() {
        return List.of(
                rankingBlocking.getRanking(page(RankingScope.newBuilder().setKind(RankingScope.Kind.STEWARDS).build(),
                        0, TOP)).getEntriesList(),
                rankingBlocking.getRanking(page(RankingScope.newBuilder().setKind(RankingScope.Kind.STEWARDS_IN_REGION)
                        .setId(regionOfGroup(0)).build(), 0, TOP)).getEntriesList());
    }

    private static String describe(ReconcileReport report) {
        if (report.getClean()) {
            return "clean, ledger up to " + report.getLedgerLastId();
        }
        StringBuilder failed = new StringBuilder("NOT CLEAN, ledger up to " + report.getLedgerLastId() + ":");
        for (InvariantCheck check : report.getChecksList()) {
            if (!check.getOk()) {
                failed.append(' ').append(check.getName()).append(" (").append(check.getDiscrepanciesCount())
                        .append(check.getDiscrepanciesCount() > 0 ? ", first: " + check.getDiscrepancies(0) : "")
                        .append(')');
            }
        }
        return failed.toString();
    }

    private static String describe(RebuildRankingsResult result) {
        return String.format("%,d ledger entries replayed, up to %s", result.getEntriesReplayed(),
                result.getLedgerLastId());
    }

    /**
     * Runs one audit call under the side load and reports its time and outcome, the longest
     * Redis commands while it ran (SLOWLOG), Redis's busy time (INFO commandstats) and the side
     * load's latency against the idle one.
     */
    private void audit(String name, SteadySettleLoad.Measurement idle, Callable<String> call) throws Exception {
        waitForQuietRedis();
        redis.call("CONFIG", "SET", "slowlog-log-slower-than", options.get("slowlog-micros"));
        redis.call("CONFIG", "SET", "slowlog-max-len", Integer.toString(SLOWLOG_MAX_LEN));
        redis.call("SLOWLOG", "RESET");
        Map<String, long[]> statsBefore = commandStats();
        String[] outcome = new String[1];
        long[] took = new long[1];
        Outcomes health = new Outcomes();
        System.out.printf("%n%s of campaign %s (%,d orders) under the side load ...%n", name, CAMPAIGN, orders);
        long spanStart = System.nanoTime();
        SteadySettleLoad.Measurement during = sideLoad.during(Duration.ofSeconds(2), () -> {
            long start = System.nanoTime();
            ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2);
            ticker.scheduleAtFixedRate(() -> System.out.printf("  %s running for %.0f s%n", name,
                    (System.nanoTime() - start) / 1e9), progressSeconds, progressSeconds, TimeUnit.SECONDS);
            ticker.scheduleAtFixedRate(() -> health.add(health()), 0, HEALTH_POLL.toMillis(), TimeUnit.MILLISECONDS);
            try {
                outcome[0] = call.call();
            } catch (StatusRuntimeException e) {
                outcome[0] = "FAILED " + Outcomes.describe(e) + ": " + e.getStatus().getDescription();
            } finally {
                took[0] = System.nanoTime() - start;
                ticker.shutdownNow();
            }
        });
        // Read once Redis answers again: a script still running after the call gave up is counted in full.
        Map<String, long[]> statsAfter = commandStats();
        double span = (System.nanoTime() - spanStart) / 1e9;
        List<?> slowlog = (List<?>) redis.call("SLOWLOG", "GET", Integer.toString(SLOWLOG_MAX_LEN));
        redis.call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
        redis.call("CONFIG", "SET", "slowlog-max-len", "128");
        redis.call("SLOWLOG", "RESET");

        double seconds = took[0] / 1e9;
        System.out.printf("  %s: %.1f s, %s%n", name, seconds, outcome[0]);
        SlowCalls slow = SlowCalls.of(slowlog, scriptNamesBySha(), CAMPAIGN, SIDE_CAMPAIGN);
        System.out.printf("  Redis commands slower than %s µs while it ran (SLOWLOG, %,d entries%s):%n",
                options.get("slowlog-micros"), slowlog.size(), slowlog.size() >= SLOWLOG_MAX_LEN ? ", FULL: the"
                        + " oldest were dropped" : "");
        slow.print("    ", 8);
        long scriptMicros = 0;
        long scriptCalls = 0;
        for (Map.Entry<String, long[]> e : statsAfter.entrySet()) {
            if (e.getKey().startsWith("eval")) {
                long[] b = statsBefore.getOrDefault(e.getKey(), new long[2]);
                scriptCalls += e.getValue()[0] - b[0];
                scriptMicros += e.getValue()[1] - b[1];
            }
        }
        System.out.printf("  Redis ran scripts for %.1f s of the %.1f s from the side load's start to Redis answering"
                + " again (%.0f%%), %,d script calls (audit and side load; INFO commandstats)%n", scriptMicros / 1e6,
                span, 100 * scriptMicros / 1e6 / span, scriptCalls);
        System.out.printf("  gRPC health while it ran, asked every %d ms: %s%n", HEALTH_POLL.toMillis(), health);
        System.out.println("  side settlements meanwhile: " + during.line());
        double ratio = during.p99Millis() / Math.max(0.001, idle.p99Millis());
        System.out.printf("  side p99 %.2f ms against %.2f ms idle: %.1fx (goal: at most 2x)%s%n", during.p99Millis(),
                idle.p99Millis(), ratio, idle.keptUp() ? "" : "; the idle load fell behind, so this ratio means little");
        summary.add(String.format("%s: %.1f s, %s; longest Redis call %s; side settle p50 %.2f ms p99 %.2f ms"
                        + " (%.1fx idle p99), %s%s", name, seconds, outcome[0], slow.longest(), during.p50Millis(),
                during.p99Millis(), ratio, during.outcomes(), during.keptUp() ? "" : " (FELL BEHIND)"));
    }

    /** The server's overall gRPC health status, or what kept it from answering within the poll interval. */
    private String health() {
        try {
            return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(HEALTH_POLL.toMillis(), TimeUnit.MILLISECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus().name();
        } catch (StatusRuntimeException e) {
            return Outcomes.describe(e);
        }
    }

    /** INFO commandstats: command -> {calls, usec}. */
    private Map<String, long[]> commandStats() {
        Map<String, long[]> stats = new HashMap<>();
        redis.info("commandstats").forEach((key, value) -> {
            long calls = 0;
            long usec = 0;
            for (String field : value.split(",")) {
                if (field.startsWith("calls=")) {
                    calls = Long.parseLong(field.substring(6));
                } else if (field.startsWith("usec=")) {
                    usec = Long.parseLong(field.substring(5));
                }
            }
            stats.put(key.replaceFirst("^cmdstat_", ""), new long[] {calls, usec});
        });
        return stats;
    }

    /**
     * Measurements start when Redis is idle: no AOF rewrite or RDB save (a fork) running, and
     * three PINGs in a row answered within 50 ms (so no call left over from a phase before, such
     * as a script the Redis client sent again after its timeout, still holds Redis).
     */
    private void waitForQuietRedis() throws InterruptedException {
        long start = System.nanoTime();
        int quick = 0;
        while (quick < 3) {
            Map<String, String> persistence = redis.info("persistence");
            long pingStart = System.nanoTime();
            redis.call("PING");
            boolean fast = System.nanoTime() - pingStart < TimeUnit.MILLISECONDS.toNanos(50);
            boolean forked = !"0".equals(persistence.get("aof_rewrite_in_progress"))
                    || !"0".equals(persistence.get("rdb_bgsave_in_progress"));
            quick = fast && !forked ? quick + 1 : 0;
            Thread.sleep(200);
        }
        long waited = System.nanoTime() - start;
        if (waited > TimeUnit.SECONDS.toNanos(2)) {
            System.out.printf("  (waited %.1f s for Redis to be idle: a background save, or calls still running)%n",
                    waited / 1e9);
        }
    }

    /** The SHA of every operation script as the service sends it, to name the scripts SLOWLOG shows. */
    private static Map<String, String> scriptNamesBySha() {
        Map<String, String> names = new HashMap<>();
        try {
            URL settle = LuaScript.class.getClassLoader().getResource("lua/settle.lua");
            List<String> files = new ArrayList<>();
            if (settle != null && settle.getProtocol().equals("file")) {
                try (Stream<Path> listing = Files.list(Path.of(settle.toURI()).getParent())) {
                    listing.forEach(p -> files.add(p.getFileName().toString()));
                }
            } else if (settle != null && settle.getProtocol().equals("jar")) {
                String jar = settle.getPath().substring("file:".length(), settle.getPath().indexOf('!'));
                try (JarFile file = new JarFile(URLDecoder.decode(jar, StandardCharsets.UTF_8))) {
                    file.stream().map(JarEntry::getName).filter(n -> n.startsWith("lua/"))
                            .forEach(n -> files.add(n.substring(4)));
                }
            }
            for (String file : files) {
                if (file.endsWith(".lua") && !file.equals("shared.lua")) {
                    String name = file.substring(0, file.length() - 4);
                    names.put(LuaScript.load(name).sha(), file);
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            System.out.println("  (scripts are shown by SHA: " + e + ")");
        }
        return names;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
