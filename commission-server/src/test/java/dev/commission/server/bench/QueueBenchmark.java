package dev.commission.server.bench;

import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.GetCampaignRequest;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.RegisterStewardRequest;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.SettlementServiceGrpc;
import dev.commission.api.v1.SubmitSettlementsRequest;
import dev.commission.core.CommissionEngine;
import dev.commission.core.operation.OperationStrategy;
import dev.commission.core.operation.ScriptRunner;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.queue.QueueKeys;
import dev.commission.core.queue.SettlementWorkers;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.CommissionServer;
import dev.commission.server.queue.SettlementGrpcService;
import dev.commission.server.redis.RedisConnections;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.codec.StringCodec;

/**
 * The settlement queue side by side with the server's cheapest calls, on one Redis, one run, the
 * compared figures in five alternating rounds after unmeasured ones (until the JIT is quiet):
 * accepted single submissions/s (64 in flight) vs. GetCampaign and the health check; orders/s
 * through SubmitSettlements of 100; drain rate (workers on, no submissions) vs. raw EVALSHA of
 * settle.lua; then N submissions with workers on: accept rate, drain rate, submit-to-SETTLED
 * p50/p99; and Redis bytes per queued entry and per settled order's queue record.
 *
 * <pre>mvn -B -q -Pbench -pl commission-server -am verify -DskipTests \
 *   -Dbench.main=dev.commission.server.bench.QueueBenchmark -Dbench.args="--orders 100000"</pre>
 */
public final class QueueBenchmark {
    private static final String CAMPAIGN = "queue-bench";

    public static void main(String[] args) throws Exception {
        int orders = intArg(args, "--orders", 100_000);
        int concurrency = intArg(args, "--concurrency", 64);
        int stewards = intArg(args, "--stewards", 500);
        int workers = intArg(args, "--workers", 4);
        int warmup = intArg(args, "--warmup", 5_000);
        int warmupRounds = intArg(args, "--warmup-rounds", 12);
        // --only campaign|single|batches: those rounds alone, to profile one path (-Dbench.jvm="-XX:StartFlightRecording=...").
        String only = stringArg(args, "--only", "all");
        RedisExtension.redisson().getKeys().flushall();
        // The service's persistence: an acceptance is durable once in the append-only file (fsync
        // every second, as the server's embedded Redis runs). The test Redis runs without it.
        try (RedisAdminConnection admin = new RedisAdminConnection("127.0.0.1", RedisExtension.port())) {
            admin.call("CONFIG", "SET", "appendfsync", "everysec");
            admin.call("CONFIG", "SET", "appendonly", "yes");
        }
        RedissonClient redisson = RedisConnections.forUrl(RedisExtension.url());
        CommissionEngine engine = new CommissionEngine(redisson);
        CommissionServer server = new CommissionServer(
                CommissionServer.netty(new InetSocketAddress("127.0.0.1", 0)), engine, redisson).start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().directExecutor().build();
        CommissionServiceGrpc.CommissionServiceFutureStub commission = CommissionServiceGrpc.newFutureStub(channel);
        SettlementServiceGrpc.SettlementServiceFutureStub settlement = SettlementServiceGrpc.newFutureStub(channel);
        HealthGrpc.HealthFutureStub health = HealthGrpc.newFutureStub(channel);
        SettlementWorkers.Options options = SettlementWorkers.Options.defaults(workers);
        try {
            CommissionServiceGrpc.CommissionServiceBlockingStub setup = CommissionServiceGrpc.newBlockingStub(channel);
            for (String campaign : List.of(CAMPAIGN, "raw-bench")) {
                setup.createCampaign(CreateCampaignRequest.newBuilder().setCampaignId(campaign).setName(campaign)
                        .setRule(CommissionRule.newBuilder().setRateBps(500)).build());
                for (int s = 0; s < stewards; s++) {
                    setup.registerSteward(RegisterStewardRequest.newBuilder().setCampaignId(campaign)
                            .setStewardId("s" + s).setName("Steward " + s).setRegionId("r" + s % 5)
                            .setGroupId("g" + s % 50).build());
                }
            }
            GetCampaignRequest getCampaign = GetCampaignRequest.newBuilder().setCampaignId(CAMPAIGN).build();
            // Warm every measured path (connections, first compilations), then run whole rounds
            // unmeasured: each phase changes the types the shared gRPC, Netty and Redisson code sees,
            // and the JIT recompiles for the mix; measured rounds start once it has seen the mix.
            // The JIT time spent during the measured rounds is printed, to show what was left.
            run(warmup, concurrency, i -> call(health.check(HealthCheckRequest.getDefaultInstance())));
            run(warmup, concurrency, i -> call(commission.getCampaign(getCampaign)));
            run(warmup, concurrency, i -> call(settlement.submitSettlement(order("warm-" + i, stewards))));
            run(warmup / 100, Math.max(1, concurrency / 8),
                    b -> call(settlement.submitSettlements(batch("warm-b-", b * 100, stewards))));
            run(warmup, concurrency, i -> rawSettle(engine, "raw-bench", "warm-" + i, "s" + i % stewards));
            drain(engine, options);

            // The compared figures are measured in alternating rounds, so that a change of load on a
            // shared machine falls on each of them alike.
            int rounds = 5;
            int perRound = orders / 2 / rounds;
            Result healthCheck = Result.EMPTY;
            Result campaign = Result.EMPTY;
            Result single = Result.EMPTY;
            Result batched = Result.EMPTY;
            Result raw = Result.EMPTY;
            long drainNanos = 0;
            long queued = 0;
            long queuedBytes = 0;
            long jitBefore = 0;
            // Unmeasured rounds go on until the JIT is quiet: at most 5% of a round's time spent
            // compiling (at least 2 such rounds, at most --warmup-rounds). On 2 cores a compiler
            // thread at work takes half the machine from whichever phase is running.
            int firstMeasured = Integer.MAX_VALUE;
            long roundStart = System.nanoTime();
            long roundJit = jitMs();
            for (int round = 0, measuredRounds = 0; measuredRounds < rounds; round++) {
                boolean measured = round >= firstMeasured;
                measuredRounds += measured ? 1 : 0;
                int base = round * perRound;
                if (only.equals("all")) {
                    Result r = cpu(redisson, () -> run(perRound, concurrency,
                            i -> call(health.check(HealthCheckRequest.getDefaultInstance()))));
                    healthCheck = measured ? healthCheck.plus(r) : healthCheck;
                }
                if (only.equals("all") || only.equals("campaign")) {
                    Result r = cpu(redisson, () -> run(perRound, concurrency, i -> call(commission.getCampaign(getCampaign))));
                    campaign = measured ? campaign.plus(r) : campaign;
                }
                if (only.equals("all") || only.equals("single")) {
                    long memoryBefore = usedMemory(redisson);
                    Result r = cpu(redisson, () -> run(perRound, concurrency,
                            i -> call(settlement.submitSettlement(order("a-" + (base + i), stewards)))));
                    single = measured ? single.plus(r) : single;
                    queuedBytes += measured ? usedMemory(redisson) - memoryBefore : 0;
                }
                int batches = only.equals("all") || only.equals("batches") ? perRound / 100 : 0;
                Result b100 = cpu(redisson, () -> run(batches, Math.max(1, concurrency / 8),
                        b -> call(settlement.submitSettlements(batch("b-", base + b * 100, stewards)))));
                batched = measured ? batched.plus(b100) : batched;
                if (only.equals("all")) {
                    long took = drain(engine, options);
                    drainNanos += measured ? took : 0;
                    queued += measured ? perRound + batches * 100L : 0;
                    Result r = cpu(redisson, () -> run(perRound, concurrency,
                            i -> rawSettle(engine, "raw-bench", "r-" + (base + i), "s" + i % stewards)));
                    raw = measured ? raw.plus(r) : raw;
                }
                if (!measured) {
                    double spentMs = (System.nanoTime() - roundStart) / 1e6;
                    long compiledMs = jitMs() - roundJit;
                    if (round + 1 >= warmupRounds || (round >= 1 && compiledMs <= 0.05 * spentMs)) {
                        firstMeasured = round + 1;
                        jitBefore = jitMs();
                    }
                    roundStart = System.nanoTime();
                    roundJit = jitMs();
                }
            }
            String jit = String.format("JIT compiling during the measured rounds: %,d ms (warm-up: %,d calls per path, "
                    + "then %d unmeasured rounds, until one compiled at most 5%% of its time, at most %d)",
                    jitMs() - jitBefore, warmup, firstMeasured, warmupRounds);
            if (!only.equals("all")) {
                System.out.println(jit);
                System.out.println(switch (only) {
                    case "campaign" -> campaign.line("GetCampaign", "calls");
                    case "single" -> single.line("SubmitSettlement, accepted", "orders");
                    default -> String.format("SubmitSettlements of 100: %,8.0f orders/s%s", batched.rate() * 100,
                            batched.cpuPer(100));
                });
                return;
            }
            long bytesPerQueued = queuedBytes / ((long) perRound * rounds);
            double drainRate = queued / (drainNanos / 1e9);
            long bytesPerRecord = recordBytes(redisson, "a-", perRound);

            SettlementWorkers running = new SettlementWorkers(engine.settlements(), engine::settle,
                    SettlementGrpcService::describe, options).start();
            long start = System.nanoTime();
            Result endToEnd = run(orders, concurrency, i -> call(settlement.submitSettlement(order("e-" + i, stewards))));
            awaitDrained(engine);
            double allSettledRate = orders / ((System.nanoTime() - start) / 1e9);
            running.stop(Duration.ofSeconds(30));
            Histogram submitToSettled = submitToSettled(redisson, "e-", orders);

            System.out.printf("queue benchmark: %d in flight, %d stewards, %d workers, one embedded redis-server 7.0.15"
                            + " (append-only file, fsync every second), 2 cores%n",
                    concurrency, stewards, workers);
            System.out.println(jit);
            System.out.println(healthCheck.line("Health/Check (no Redis)              ", "calls"));
            System.out.println(campaign.line("GetCampaign (cheapest RPC on Redis)  ", "calls"));
            System.out.println(single.line("SubmitSettlement, accepted           ", "orders"));
            System.out.printf("  single submit / GetCampaign: %.2f   / Health: %.2f%n", single.rate() / campaign.rate(),
                    single.rate() / healthCheck.rate());
            System.out.printf("SubmitSettlements of 100: %,8.0f orders/s (%,.0f batches/s, %d batches in flight, p99 %.2f ms); "
                            + "vs single: %.2f%n%s%n", batched.rate() * 100, batched.rate(), Math.max(1, concurrency / 8),
                    batched.latency().getValueAtPercentile(99) / 1e6, batched.rate() * 100 / single.rate(),
                    batched.cpuPer(100));
            System.out.printf("drain (%,d queued, workers on, no submissions): %,8.0f orders/s%n", queued, drainRate);
            System.out.println(raw.line("raw EVALSHA settle.lua (Redisson)     ", "settles"));
            System.out.printf("  drain / raw EVALSHA: %.2f%n", drainRate / raw.rate());
            System.out.printf("%,d submissions with workers on: accepted %,8.0f/s, all settled at %,8.0f/s; "
                            + "submit to SETTLED p50 %d ms p99 %d ms max %d ms%n", orders, endToEnd.rate(), allSettledRate,
                    submitToSettled.getValueAtPercentile(50), submitToSettled.getValueAtPercentile(99),
                    submitToSettled.getMaxValue());
            System.out.printf("Redis memory: %,d bytes per queued entry (stream entry + order record); "
                    + "%,d bytes per order record kept once settled%n", bytesPerQueued, bytesPerRecord);
            System.out.println("command: mvn -B -q -Pbench -pl commission-server -am verify -DskipTests "
                    + "-Dbench.main=dev.commission.server.bench.QueueBenchmark -Dbench.args=\"--orders " + orders
                    + " --concurrency " + concurrency + " --workers " + workers + " --warmup " + warmup
                    + " --warmup-rounds " + warmupRounds + "\"");
        } finally {
            channel.shutdownNow();
            server.shutdown();
            System.exit(0);
        }
    }

    /** 100 orders, numbered from {@code first}. */
    private static SubmitSettlementsRequest batch(String prefix, int first, int stewards) {
        SubmitSettlementsRequest.Builder batch = SubmitSettlementsRequest.newBuilder();
        for (int j = 0; j < 100; j++) {
            batch.addRequests(order(prefix + (first + j), stewards));
        }
        return batch.build();
    }

    private static SettleCommissionRequest order(String orderNo, int stewards) {
        return SettleCommissionRequest.newBuilder().setCampaignId(CAMPAIGN).setOrderNo(orderNo)
                .setStewardId("s" + Math.floorMod(orderNo.hashCode(), stewards))
                .addLines(OrderLine.newBuilder().setSkuId("sku-1").setQuantity(1).setPaidFen(12_345)).build();
    }

    /** Starts workers on what is queued and answers the nanoseconds until nothing is left. */
    private static long drain(CommissionEngine engine, SettlementWorkers.Options options) throws InterruptedException {
        SettlementWorkers workers = new SettlementWorkers(engine.settlements(), engine::settle,
                SettlementGrpcService::describe, options);
        long start = System.nanoTime();
        workers.start();
        awaitDrained(engine);
        long took = System.nanoTime() - start;
        workers.stop(Duration.ofSeconds(30));
        return took;
    }

    private static void awaitDrained(CommissionEngine engine) throws InterruptedException {
        // Every 20 ms: the stats read 16 partitions, which would otherwise take from the drain itself.
        while (engine.settlements().stats().toCompletableFuture().join().total().depth() > 0) {
            Thread.sleep(20);
        }
    }

    /** Milliseconds the JIT compilers have worked so far. */
    private static long jitMs() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    private static long usedMemory(RedissonClient redisson) {
        Map<String, String> info = redisson.getRedisNodes(RedisNodes.SINGLE).getInstance().info(RedisNode.InfoSection.MEMORY);
        return Long.parseLong(info.get("used_memory"));
    }

    /** MEMORY USAGE of a sample of settled orders' queue records. */
    private static long recordBytes(RedissonClient redisson, String prefix, int n) {
        long total = 0;
        int sample = Math.min(n, 1_000);
        for (int i = 0; i < sample; i++) {
            String orderNo = prefix + i;
            total += redisson.getMap(QueueKeys.of(CAMPAIGN, orderNo).settlement(CAMPAIGN, orderNo), StringCodec.INSTANCE)
                    .sizeInMemory();
        }
        return total / sample;
    }

    /** settled_at - queued_at of each order, in ms (Redis's clock). */
    private static Histogram submitToSettled(RedissonClient redisson, String prefix, int n) {
        Histogram histogram = new Histogram(3_600_000L, 3);
        List<CompletableFuture<Map<String, String>>> records = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            String orderNo = prefix + i;
            records.add(redisson.<String, String>getMap(QueueKeys.of(CAMPAIGN, orderNo).settlement(CAMPAIGN, orderNo),
                    StringCodec.INSTANCE).readAllMapAsync().toCompletableFuture());
        }
        for (CompletableFuture<Map<String, String>> record : records) {
            Map<String, String> r = record.join();
            histogram.recordValue(Math.max(0, Long.parseLong(r.get("settled_at")) - Long.parseLong(r.get("queued_at"))));
        }
        return histogram;
    }

    private static CompletionStage<?> call(com.google.common.util.concurrent.ListenableFuture<?> call) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        call.addListener(() -> {
            try {
                done.complete(call.get());
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        }, Runnable::run);
        return done;
    }

    /** The settle strategy's own KEYS/ARGV, evaluated by SHA: what a worker does minus the queue. */
    private static CompletionStage<?> rawSettle(CommissionEngine engine, String campaign, String orderNo, String steward) {
        @SuppressWarnings("unchecked")
        OperationStrategy<SettleCommission, ?> settle = (OperationStrategy<SettleCommission, ?>) engine.registry().get("settle");
        ScriptRunner runner = engine.registry().runner();
        SettleCommission request = new SettleCommission(campaign, orderNo, steward,
                List.of(new dev.commission.core.order.OrderLine("sku-1", 1, 12_345)));
        return runner.run(settle.name(), settle.keys(request), settle.args(request));
    }

    /**
     * A measured phase: calls, time, latency, failures, and the CPU it took (when measured with
     * {@link #cpu}): the JVM's (client and server alike) and redis-server's.
     */
    record Result(int n, long nanos, Histogram latency, int failures, long jvmCpuNanos, long redisCpuMicros) {
        static final Result EMPTY = new Result(0, 0, new Histogram(3_600_000_000_000L, 3), 0, 0, 0);

        Result plus(Result other) {
            Histogram sum = latency.copy();
            sum.add(other.latency);
            return new Result(n + other.n, nanos + other.nanos, sum, failures + other.failures,
                    jvmCpuNanos + other.jvmCpuNanos, redisCpuMicros + other.redisCpuMicros);
        }

        double rate() {
            return n / (nanos / 1e9);
        }

        String line(String label, String unit) {
            return String.format("%s: %,8.0f %s/s  p50 %6.2f ms  p99 %6.2f ms  (%d failed)%s", label, rate(), unit,
                    latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6, failures, cpuPer(1));
        }

        /** CPU per item, an item being 1/{@code perCall} of a call (an order of a batch). */
        String cpuPer(int perCall) {
            if (jvmCpuNanos == 0) {
                return "";
            }
            double items = (double) n * perCall;
            return String.format("  CPU/%s: JVM %.0f us, Redis %.0f us", perCall == 1 ? "call" : "order",
                    jvmCpuNanos / 1e3 / items, redisCpuMicros / items);
        }
    }

    /** Runs a phase and adds the CPU the JVM and redis-server spent meanwhile. */
    static Result cpu(RedissonClient redisson, java.util.concurrent.Callable<Result> phase) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long jvm = os.getProcessCpuTime();
        long redis = redisCpuMicros(redisson);
        Result r = phase.call();
        return new Result(r.n, r.nanos, r.latency, r.failures, os.getProcessCpuTime() - jvm, redisCpuMicros(redisson) - redis);
    }

    private static long redisCpuMicros(RedissonClient redisson) {
        Map<String, String> info = redisson.getRedisNodes(RedisNodes.SINGLE).getInstance().info(RedisNode.InfoSection.CPU);
        return Math.round((Double.parseDouble(info.get("used_cpu_user")) + Double.parseDouble(info.get("used_cpu_sys"))) * 1e6);
    }

    /** Calls {@code call(0..n-1)} with {@code concurrency} in flight; its rate, latency and failures. */
    static Result run(int n, int concurrency, IntFunction<CompletionStage<?>> call) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        Histogram latency = new Histogram(3_600_000_000_000L, 3);
        int[] failures = new int[1];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            long began = System.nanoTime();
            call.apply(i).whenComplete((r, e) -> {
                long took = System.nanoTime() - began;
                synchronized (latency) {
                    latency.recordValue(took);
                    if (e != null) {
                        failures[0]++;
                    }
                }
                inFlight.release();
            });
        }
        inFlight.acquire(concurrency);
        return new Result(n, System.nanoTime() - start, latency, failures[0], 0, 0);
    }

    static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(stringArg(args, name, Integer.toString(fallback)));
    }

    static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
