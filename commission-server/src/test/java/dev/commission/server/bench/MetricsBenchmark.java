package dev.commission.server.bench;

import dev.commission.core.CampaignKeys;
import dev.commission.core.CommissionEngine;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.CreateCampaign;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.metrics.RecordSmsSent;
import dev.commission.core.metrics.RecordVisits;
import dev.commission.core.metrics.SetCatalogue;
import dev.commission.core.metrics.Visit;
import dev.commission.core.order.OrderLine;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.order.SettleStrategy;
import dev.commission.core.steward.RegisterSteward;
import dev.commission.core.testing.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.redisson.api.RScript;
import org.redisson.client.codec.StringCodec;

/**
 * What the campaign metrics cost Redis. Part 1: Redis CPU per settle (INFO commandstats,
 * {@code cmdstat_evalsha usec_per_call}) of the settle script before the metrics (the script and
 * shared.lua of an earlier commit, from {@code --before DIR}) and after, with and without a buyer,
 * in alternating rounds on the same redis-server, the same keys and arguments. Part 2: Redis
 * memory (used_memory growth) per visitor, SMS recipient, SKU on sale and buyer, and the time of
 * the longest metrics script calls (a 1,000-visit batch, a 1,000-recipient SMS slice, a
 * 5,000-SKU catalogue slice) from SLOWLOG.
 *
 * <pre>git show main:commission-core/src/main/resources/lua/settle.lua &gt; /tmp/before/settle.lua
 * git show main:commission-core/src/main/resources/lua/shared.lua &gt; /tmp/before/shared.lua
 * mvn -B -q -Pbench -pl commission-server -am verify -DskipTests \
 *   -Dbench.main=dev.commission.server.bench.MetricsBenchmark -Dbench.args="--before /tmp/before --orders 20000 --rounds 3"</pre>
 */
public final class MetricsBenchmark {
    private static final int STEWARDS = 500;

    public static void main(String[] args) throws Exception {
        int orders = intArg(args, "--orders", 20_000);
        int rounds = intArg(args, "--rounds", 3);
        Path before = Path.of(stringArg(args, "--before", "/tmp/before"));
        CommissionEngine engine = new CommissionEngine(RedisExtension.redisson());
        RScript script = RedisExtension.redisson().getScript(StringCodec.INSTANCE);
        String afterSha = script.scriptLoad(dev.commission.core.operation.LuaScript.load("settle").source());
        String beforeSha = script.scriptLoad("#!lua\n" + Files.readString(before.resolve("shared.lua")) + "\n"
                + Files.readString(before.resolve("settle.lua")));
        try (RedisAdminConnection admin = new RedisAdminConnection("127.0.0.1", RedisExtension.port())) {
            System.out.printf("settle: %,d orders a variant, %d stewards, 1 line each, 16 in flight, EVALSHA by Redisson%n",
                    orders, STEWARDS);
            System.out.println("round  variant          calls     usec_per_call");
            Map<String, List<Double>> all = new java.util.TreeMap<>();
            for (int round = 1; round <= rounds; round++) {
                for (String variant : List.of("before", "after-buyer", "after-no-buyer")) {
                    double usec = settleCost(engine, admin, variant.equals("before") ? beforeSha : afterSha, orders,
                            variant.equals("after-buyer"));
                    all.computeIfAbsent(variant, v -> new ArrayList<>()).add(usec);
                    System.out.printf("%5d  %-15s %,7d  %8.2f%n", round, variant, orders, usec);
                }
            }
            double base = median(all.get("before"));
            all.forEach((variant, values) -> System.out.printf("median %-15s %8.2f usec  (%+.1f%% vs before)%n", variant,
                    median(values), 100 * (median(values) - base) / base));
            memory(engine, admin);
        }
        System.exit(0);
    }

    /** Redis CPU per settle call of script {@code sha}, microseconds. */
    private static double settleCost(CommissionEngine engine, RedisAdminConnection admin, String sha, int orders,
                                     boolean withBuyer) throws Exception {
        admin.call("FLUSHALL");
        setup(engine, "bench");
        SettleStrategy strategy = new SettleStrategy();
        RScript script = RedisExtension.redisson().getScript(StringCodec.INSTANCE);
        admin.call("CONFIG", "RESETSTAT");
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            SettleCommission request = new SettleCommission("bench", "o-" + i, "s" + i % STEWARDS,
                    List.of(new OrderLine("sku-" + i % 1000, 1, 12_345)), "", "", "", withBuyer ? "b-" + i % (orders / 2) : "");
            inFlight.acquire();
            calls.add(script.evalShaAsync(new CampaignKeys("bench").campaign(), RScript.Mode.READ_WRITE, sha,
                    RScript.ReturnType.LIST, strategy.keys(request), strategy.args(request).toArray())
                    .toCompletableFuture().whenComplete((r, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        String stats = admin.info("commandstats").get("cmdstat_evalsha");
        for (String part : stats.split(",")) {
            if (part.startsWith("usec_per_call=")) {
                return Double.parseDouble(part.substring("usec_per_call=".length()));
            }
        }
        throw new IllegalStateException("no usec_per_call in " + stats);
    }

    private static void memory(CommissionEngine engine, RedisAdminConnection admin) {
        admin.call("FLUSHALL");
        setup(engine, "mem");
        admin.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
        admin.call("SLOWLOG", "RESET");
        int n = 100_000;
        long start = admin.usedMemory();
        for (int from = 0; from < n; from += RecordVisits.MAX_VISITS) {
            List<Visit> visits = new ArrayList<>();
            for (int i = from; i < from + RecordVisits.MAX_VISITS; i++) {
                visits.add(new Visit("visitor-" + i, "s" + i % STEWARDS, 1));
            }
            engine.recordVisits(new RecordVisits("mem", visits)).toCompletableFuture().join();
        }
        long visitors = admin.usedMemory() - start;
        long slowVisits = longestMicros(admin);
        start = admin.usedMemory();
        for (int from = 0; from < n; from += RecordSmsSent.MAX_RECIPIENTS) {
            List<String> recipients = new ArrayList<>();
            for (int i = from; i < from + RecordSmsSent.MAX_RECIPIENTS; i++) {
                recipients.add("recipient-" + i);
            }
            engine.recordSmsSent(new RecordSmsSent("mem", "m" + from, recipients, 1)).toCompletableFuture().join();
        }
        long recipients = admin.usedMemory() - start;
        long slowSms = longestMicros(admin);
        start = admin.usedMemory();
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < SetCatalogue.MAX_SKUS; i++) {
            skus.add("sku-" + i);
        }
        engine.setCatalogue(new SetCatalogue("mem", skus)).toCompletableFuture().join();
        long catalogue = admin.usedMemory() - start;
        long slowCatalogue = longestMicros(admin);
        engine.campaignMetrics("mem", dev.commission.core.metrics.MetricsScope.CAMPAIGN).toCompletableFuture().join();
        long readMicros = longestMicros(admin);
        System.out.printf("memory: %,d visitors (each brought by a steward: 4 scopes) %,d bytes = %.1f B/visitor%n",
                n, visitors, visitors / (double) n);
        System.out.printf("memory: %,d SMS recipients %,d bytes = %.1f B/recipient%n", n, recipients, recipients / (double) n);
        System.out.printf("memory: %,d SKUs on sale %,d bytes = %.1f B/SKU%n", SetCatalogue.MAX_SKUS, catalogue,
                catalogue / (double) SetCatalogue.MAX_SKUS);
        System.out.printf("10M visitors + 1M SMS recipients: %.2f GB%n",
                (10_000_000L * visitors / (double) n + 1_000_000L * recipients / (double) n) / 1e9);
        System.out.printf("longest call: visits batch of 1,000 %d us, SMS slice of 1,000 %d us, catalogue slice/swap %d us,"
                + " metrics read (100,000 SKUs on sale) %d us%n", slowVisits, slowSms, slowCatalogue, readMicros);
    }

    /** The longest call SLOWLOG holds, in microseconds; then empties it. */
    private static long longestMicros(RedisAdminConnection admin) {
        long longest = 0;
        for (Object entry : (List<?>) admin.call("SLOWLOG", "GET", "100000")) {
            longest = Math.max(longest, (Long) ((List<?>) entry).get(2));
        }
        admin.call("SLOWLOG", "RESET");
        return longest;
    }

    private static void setup(CommissionEngine engine, String campaign) {
        engine.createCampaign(new CreateCampaign(campaign, campaign, CommissionRule.rate(500, 0), TransferPolicy.FOLLOW))
                .toCompletableFuture().join();
        List<CompletableFuture<?>> done = new ArrayList<>();
        for (int s = 0; s < STEWARDS; s++) {
            done.add(engine.registerSteward(new RegisterSteward(campaign, "s" + s, "Steward " + s, "r" + s % 5, "g" + s % 50))
                    .toCompletableFuture());
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static int intArg(String[] args, String name, int fallback) {
        return Integer.parseInt(stringArg(args, name, Integer.toString(fallback)));
    }

    private static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
