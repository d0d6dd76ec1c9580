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
import org.redisson.api.RScript;
import org.redisson.client.codec.StringCodec;

/**
 * What the campaign metrics cost Redis. Part 1: Redis time per settle call of the settle script
 * before the metrics (the script and shared.lua of an earlier commit, from {@code --before DIR})
 * and after, with and without a buyer: one campaign each, the three interleaved call by call on
 * the same redis-server (so a busy machine slows them alike), each call's duration read from
 * SLOWLOG at threshold 0 (the time Redis spent in the call). Part 2: Redis
 * memory (used_memory growth) per visitor, SMS recipient, SKU on sale and buyer, and the time of
 * the longest metrics script calls (a 1,000-visit batch, an SMS slice, a catalogue slice or swap)
 * from SLOWLOG.
 *
 * <pre>git show main:commission-core/src/main/resources/lua/settle.lua &gt; /tmp/before/settle.lua
 * git show main:commission-core/src/main/resources/lua/shared.lua &gt; /tmp/before/shared.lua
 * mvn -B -q -Pbench -pl commission-server -am verify -DskipTests \
 *   -Dbench.main=dev.commission.server.bench.MetricsBenchmark -Dbench.args="--before /tmp/before --orders 20000"</pre>
 */
public final class MetricsBenchmark {
    private static final int STEWARDS = 500;

    public static void main(String[] args) throws Exception {
        int orders = intArg(args, "--orders", 20_000);
        Path before = Path.of(stringArg(args, "--before", "/tmp/before"));
        CommissionEngine engine = new CommissionEngine(RedisExtension.redisson());
        RScript script = RedisExtension.redisson().getScript(StringCodec.INSTANCE);
        String afterSha = script.scriptLoad(dev.commission.core.operation.LuaScript.load("settle").source());
        String beforeSha = script.scriptLoad("#!lua\n" + Files.readString(before.resolve("shared.lua")) + "\n"
                + Files.readString(before.resolve("settle.lua")));
        try (RedisAdminConnection admin = new RedisAdminConnection("127.0.0.1", RedisExtension.port())) {
            System.out.printf("settle: %,d orders a variant, %d stewards, 1 line each, one call at a time, the variants"
                    + " interleaved call by call; each call's duration from SLOWLOG (threshold 0)%n", orders, STEWARDS);
            admin.call("FLUSHALL");
            List<String> variants = List.of("before", "after-buyer", "after-no-buyer");
            for (String variant : variants) {
                setup(engine, variant);
            }
            admin.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
            admin.call("CONFIG", "SET", "slowlog-max-len", "10000");
            admin.call("SLOWLOG", "RESET");
            Map<String, List<Long>> micros = new java.util.TreeMap<>();
            Map<String, String> variantOfSha = Map.of(beforeSha, "before", afterSha, "after");
            SettleStrategy strategy = new SettleStrategy();
            for (int i = 0; i < orders; i++) {
                for (String variant : variants) {
                    SettleCommission request = new SettleCommission(variant, "o-" + i, "s" + i % STEWARDS,
                            List.of(new OrderLine("sku-" + i % 1000, 1, 12_345)), "", "", "",
                            variant.equals("after-buyer") ? "b-" + i % (orders / 2) : "");
                    script.evalSha(new CampaignKeys(variant).campaign(), RScript.Mode.READ_WRITE,
                            variant.equals("before") ? beforeSha : afterSha, RScript.ReturnType.LIST,
                            strategy.keys(request), strategy.args(request).toArray());
                }
                if (i % 3_000 == 2_999 || i == orders - 1) {
                    for (Object entry : (List<?>) admin.call("SLOWLOG", "GET", "-1")) {
                        List<?> e = (List<?>) entry;
                        List<?> command = (List<?>) e.get(3);
                        if (command.size() > 3 && "EVALSHA".equalsIgnoreCase(String.valueOf(command.get(0)))
                                && variantOfSha.containsKey(String.valueOf(command.get(1)))) {
                            String variant = variantOfSha.get(String.valueOf(command.get(1)));
                            if (variant.equals("after")) {
                                variant = String.valueOf(command.get(3)).equals(new CampaignKeys("after-buyer").campaign())
                                        ? "after-buyer" : "after-no-buyer";
                            }
                            micros.computeIfAbsent(variant, v -> new ArrayList<>()).add((Long) e.get(2));
                        }
                    }
                    admin.call("SLOWLOG", "RESET");
                }
            }
            double base = percentile(micros.get("before"), 50);
            for (String variant : variants) {
                List<Long> values = micros.get(variant);
                double p50 = percentile(values, 50);
                System.out.printf("%-15s calls %,7d  p25 %4.0f us  p50 %4.0f us  p75 %4.0f us  mean %6.1f us  p50 %+.1f%% vs before%n",
                        variant, values.size(), percentile(values, 25), p50, percentile(values, 75),
                        values.stream().mapToLong(Long::longValue).average().orElse(0), 100 * (p50 - base) / base);
            }
            memory(engine, admin);
        }
        System.exit(0);
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
        System.out.printf("longest call: visits batch of 1,000 %d us, SMS slice %d us, catalogue slice/swap %d us,"
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
        for (int from = 0; from < STEWARDS; from += 50) {
            List<CompletableFuture<?>> done = new ArrayList<>();
            for (int s = from; s < from + 50; s++) {
                done.add(engine.registerSteward(new RegisterSteward(campaign, "s" + s, "Steward " + s, "r" + s % 5,
                        "g" + s % 50)).toCompletableFuture());
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
        }
    }

    private static double percentile(List<Long> values, int p) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
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
