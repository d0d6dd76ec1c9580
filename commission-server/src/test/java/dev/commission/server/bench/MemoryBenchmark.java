package dev.commission.server.bench;

import dev.commission.core.CampaignKeys;
import dev.commission.core.CommissionEngine;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.CreateCampaign;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.order.OrderLine;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.steward.RegisterSteward;
import dev.commission.core.testing.RedisExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.redisson.Redisson;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysScanOptions;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * Redis memory per settled order: registers S stewards, settles N orders through the settle
 * script, and prints the growth of {@code used_memory} per order and the {@code MEMORY USAGE} of
 * an order key and of the ledger stream (exact: {@code SAMPLES 0}).
 *
 * <pre>mvn -B -q -Pbench -pl commission-server -am verify -DskipTests \
 *   -Dbench.main=dev.commission.server.bench.MemoryBenchmark -Dbench.args="--orders 20000 --stewards 2000"</pre>
 */
public final class MemoryBenchmark {
    private static final String CAMPAIGN = "mem";

    public static void main(String[] args) throws Exception {
        int orders = intArg(args, "--orders", 20_000);
        int stewards = intArg(args, "--stewards", 2_000);
        int lines = intArg(args, "--lines", 1);
        RedissonClient redisson = RedisExtension.redisson();
        redisson.getKeys().flushall();
        CommissionEngine engine = new CommissionEngine(redisson);
        CampaignKeys keys = new CampaignKeys(CAMPAIGN);
        try {
            engine.createCampaign(new CreateCampaign(CAMPAIGN, "Memory", CommissionRule.rate(500, 0), TransferPolicy.FOLLOW))
                    .toCompletableFuture().join();
            run(stewards, i -> engine.registerSteward(new RegisterSteward(CAMPAIGN, "s" + i, "Steward " + i,
                    "r" + i % 50, "g" + i % 200)).toCompletableFuture());
            long ledgerBefore = memoryUsage(redisson, keys.ledger());
            long before = usedMemory(redisson);
            run(orders, i -> engine.settle(new SettleCommission(CAMPAIGN, orderNo(i), "s" + i % stewards,
                    lines(i, lines))).toCompletableFuture());
            long after = usedMemory(redisson);
            long ledgerAfter = memoryUsage(redisson, keys.ledger());
            long orderRecords = 0;
            int orderKeys = 0;
            for (String key : redisson.getKeys().getKeys(KeysScanOptions.defaults().pattern(keys.prefix() + "orders:*"))) {
                orderRecords += memoryUsage(redisson, key);
                orderKeys++;
            }
            System.out.printf("memory benchmark: %,d orders over %,d stewards, %d line(s) each, order numbers like %s,"
                    + " one embedded redis-server 7.0.15%n", orders, stewards, lines, orderNo(orders - 1));
            System.out.printf("used_memory growth per settled order: %.1f bytes (%,d bytes for %,d orders)%n",
                    (after - before) / (double) orders, after - before, orders);
            System.out.printf("MEMORY USAGE of the order records per order: %.1f bytes (%,d bytes in %,d orders:<b> hashes)%n",
                    orderRecords / (double) orders, orderRecords, orderKeys);
            System.out.printf("MEMORY USAGE of the ledger per settlement entry: %.1f bytes (%,d bytes for %,d entries)%n",
                    (ledgerAfter - ledgerBefore) / (double) orders, ledgerAfter - ledgerBefore, orders);
            Config patient = new Config();
            patient.useSingleServer().setAddress(RedisExtension.url()).setTimeout(120_000).setRetryAttempts(0);
            RedissonClient slow = Redisson.create(patient);
            CommissionEngine patientEngine = new CommissionEngine(slow);
            long scriptBegan = System.nanoTime();
            patientEngine.registry().runner().run("ledger-snapshot", List.of(keys.campaign(), keys.ledger(), keys.totals(),
                    keys.placements(), keys.rankStewards(), keys.rankGroups(), keys.rankRegions()), List.of())
                    .toCompletableFuture().join();
            System.out.printf("ledger-snapshot script alone: %d ms%n", (System.nanoTime() - scriptBegan) / 1_000_000);
            long began = System.nanoTime();
            boolean clean = patientEngine.reconcile(CAMPAIGN).toCompletableFuture().join().clean();
            System.out.printf("Reconcile of the campaign (one snapshot script): %d ms, clean: %b%n",
                    (System.nanoTime() - began) / 1_000_000, clean);
            slow.shutdown();
            System.out.println("command: mvn -B -q -Pbench -pl commission-server -am verify -DskipTests "
                    + "-Dbench.main=dev.commission.server.bench.MemoryBenchmark -Dbench.args=\"--orders " + orders
                    + " --stewards " + stewards + " --lines " + lines + "\"");
        } finally {
            System.exit(0);
        }
    }

    private static String orderNo(int i) {
        return String.format("O%011d", i);
    }

    private static List<OrderLine> lines(int i, int count) {
        List<OrderLine> out = new ArrayList<>();
        for (int l = 0; l < count; l++) {
            out.add(new OrderLine("sku-" + (i * 7 + l) % 500, 1 + l, 9_900 + (i % 100) * 100));
        }
        return out;
    }

    private static long usedMemory(RedissonClient redisson) {
        String info = redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_ONLY,
                "return redis.call('INFO', 'memory')", RScript.ReturnType.VALUE, List.of());
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("no used_memory in INFO memory");
    }

    private static long memoryUsage(RedissonClient redisson, String key) {
        Long bytes = redisson.getScript(StringCodec.INSTANCE).eval(key, RScript.Mode.READ_ONLY,
                "return redis.call('MEMORY', 'USAGE', KEYS[1], 'SAMPLES', '0')", RScript.ReturnType.LONG, List.of(key));
        return bytes == null ? 0 : bytes;
    }

    private interface Call {
        CompletableFuture<?> apply(int i);
    }

    /** Runs n calls, 64 in flight; any failure stops the benchmark. */
    private static void run(int n, Call call) throws InterruptedException {
        Semaphore inFlight = new Semaphore(64);
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            call.apply(i).whenComplete((r, e) -> {
                if (e != null && failures.getAndIncrement() == 0) {
                    e.printStackTrace();
                }
                inFlight.release();
            });
        }
        inFlight.acquire(64);
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " calls failed");
        }
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
