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
import dev.commission.core.operation.LuaScript;
import dev.commission.core.order.OrderLine;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.order.SettleStrategy;
import dev.commission.core.steward.RegisterSteward;
import dev.commission.core.testing.RedisExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.redisson.api.RScript;
import org.redisson.client.codec.StringCodec;

/**
 * What the campaign metrics cost Redis. Part 1: Redis time per call of the settle script before
 * the metrics (the script and shared.lua of an earlier commit, from {@code --before DIR}, loaded as
 * they were then: all of shared.lua in front) and after (as {@link LuaScript} loads it now), with
 * and without a buyer, and the script of now with its metrics statement cut out ("no metrics": what
 * the metrics add on their own). One campaign each on the same redis-server, the variants taking
 * turns in blocks of {@value #BLOCK} calls, one call at a time (so a busy machine slows them
 * alike); a block's time is the {@code usec} of EVALSHA in {@code INFO commandstats} (reset before
 * it): the time Redis spent in the calls. Not SLOWLOG at threshold 0: Redis 7.0 also logs each
 * command a script runs, and that adds to the script's time per command it runs. Part 2: Redis
 * memory (used_memory growth) per visitor, SMS recipient and SKU on sale, and the script calls
 * that record them (visits, SMS slices, catalogue slices and swap): their mean time from INFO
 * commandstats and the longest from SLOWLOG at 1 ms (few entries, so little memory of its own).
 *
 * <pre>git show 2ec15aa:commission-core/src/main/resources/lua/settle.lua &gt; /tmp/before/settle.lua
 * git show 2ec15aa:commission-core/src/main/resources/lua/shared.lua &gt; /tmp/before/shared.lua
 * mvn -B -q -Pbench -pl commission-server -am verify -DskipTests \
 *   -Dbench.main=dev.commission.server.bench.MetricsBenchmark -Dbench.args="--before /tmp/before --orders 20000"</pre>
 */
public final class MetricsBenchmark {
    private static final int STEWARDS = 500;
    /**
     * Calls per block: not a divisor of 50, since Redis 7.0 runs a Lua garbage collection step
     * after every 50th script call, and blocks of 50 would charge every step to the same variant.
     */
    private static final int BLOCK = 47;

    public static void main(String[] args) throws Exception {
        int orders = intArg(args, "--orders", 20_000);
        Path before = Path.of(stringArg(args, "--before", "/tmp/before"));
        CommissionEngine engine = new CommissionEngine(RedisExtension.redisson());
        RScript script = RedisExtension.redisson().getScript(StringCodec.INSTANCE);
        String after = LuaScript.load("settle").source();
        String statement = "\nmove_order_metrics(KEYS[13]";
        int cut = after.indexOf(statement);
        String noMetrics = after.substring(0, cut) + after.substring(after.indexOf("\npublish(", cut));
        Map<String, String> shaOf = new LinkedHashMap<>();
        shaOf.put("before", script.scriptLoad("#!lua\n" + Files.readString(before.resolve("shared.lua")) + "\n"
                + Files.readString(before.resolve("settle.lua"))));
        shaOf.put("no metrics", script.scriptLoad(noMetrics));
        shaOf.put("after, no buyer", script.scriptLoad(after));
        shaOf.put("after, buyer", shaOf.get("after, no buyer"));
        try (RedisAdminConnection admin = new RedisAdminConnection("127.0.0.1", RedisExtension.port())) {
            System.out.printf("settle: %,d orders a variant, %d stewards, 1 line each, one call at a time, the variants"
                    + " taking turns in blocks of %d calls; time in Redis from INFO commandstats%n", orders, STEWARDS, BLOCK);
            admin.call("FLUSHALL");
            List<String> variants = List.copyOf(shaOf.keySet());
            for (int v = 0; v < variants.size(); v++) {
                setup(engine, "v" + v);
            }
            Map<String, long[]> spent = new LinkedHashMap<>();
            Map<String, List<Double>> blockMeans = new LinkedHashMap<>();
            SettleStrategy strategy = new SettleStrategy();
            for (int from = 0; from < orders; from += BLOCK) {
                for (int v = 0; v < variants.size(); v++) {
                    String variant = variants.get(v);
                    admin.call("CONFIG", "RESETSTAT");
                    for (int i = from; i < Math.min(orders, from + BLOCK); i++) {
                        SettleCommission request = new SettleCommission("v" + v, "o-" + i, "s" + i % STEWARDS,
                                List.of(new OrderLine("sku-" + i % 1000, 1, 12_345)), "", "", "",
                                variant.equals("after, buyer") ? "b-" + i % (orders / 2) : "");
                        script.evalSha(new CampaignKeys("v" + v).campaign(), RScript.Mode.READ_WRITE,
                                shaOf.get(variant), RScript.ReturnType.LIST, strategy.keys(request),
                                strategy.args(request).toArray());
                    }
                    long[] block = evalshaStats(admin);
                    long[] sum = spent.computeIfAbsent(variant, k -> new long[2]);
                    sum[0] += block[0];
                    sum[1] += block[1];
                    blockMeans.computeIfAbsent(variant, k -> new ArrayList<>()).add(block[0] / (double) block[1]);
                }
            }
            double base = spent.get("before")[0] / (double) spent.get("before")[1];
            double plain = spent.get("no metrics")[0] / (double) spent.get("no metrics")[1];
            for (String variant : variants) {
                long[] sum = spent.get(variant);
                double mean = sum[0] / (double) sum[1];
                List<Double> means = blockMeans.get(variant).stream().sorted().toList();
                System.out.printf("%-16s calls %,7d  mean %6.1f us  median block %6.1f us  %+6.1f%% vs before  %+6.1f%% vs no metrics%n",
                        variant, sum[1], mean, means.get(means.size() / 2), 100 * (mean - base) / base,
                        100 * (mean - plain) / plain);
            }
            memory(engine, admin);
        }
        System.exit(0);
    }

    /** EVALSHA's {usec, calls} since the last CONFIG RESETSTAT. */
    private static long[] evalshaStats(RedisAdminConnection admin) {
        for (String line : String.valueOf(admin.call("INFO", "commandstats")).split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:")) {
                Map<String, Long> fields = new LinkedHashMap<>();
                for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
                    String[] kv = field.split("=");
                    if (kv[1].matches("\\d+")) {
                        fields.put(kv[0], Long.parseLong(kv[1]));
                    }
                }
                return new long[] {fields.get("usec"), fields.get("calls")};
            }
        }
        throw new IllegalStateException("no EVALSHA in INFO commandstats");
    }

    private static void memory(CommissionEngine engine, RedisAdminConnection admin) {
        admin.call("FLUSHALL");
        setup(engine, "mem");
        admin.call("CONFIG", "SET", "slowlog-log-slower-than", "1000");
        admin.call("SLOWLOG", "RESET");
        admin.call("CONFIG", "RESETSTAT");
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
        String visitCalls = scriptCalls(admin);
        start = admin.usedMemory();
        for (int from = 0; from < n; from += RecordSmsSent.MAX_RECIPIENTS) {
            List<String> recipients = new ArrayList<>();
            for (int i = from; i < from + RecordSmsSent.MAX_RECIPIENTS; i++) {
                recipients.add("recipient-" + i);
            }
            engine.recordSmsSent(new RecordSmsSent("mem", "m" + from, recipients, 1)).toCompletableFuture().join();
        }
        long recipients = admin.usedMemory() - start;
        String smsCalls = scriptCalls(admin);
        start = admin.usedMemory();
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < SetCatalogue.MAX_SKUS; i++) {
            skus.add("sku-" + i);
        }
        engine.setCatalogue(new SetCatalogue("mem", skus)).toCompletableFuture().join();
        long catalogue = admin.usedMemory() - start;
        String catalogueCalls = scriptCalls(admin);
        engine.campaignMetrics("mem", dev.commission.core.metrics.MetricsScope.CAMPAIGN).toCompletableFuture().join();
        String readCalls = scriptCalls(admin);
        System.out.printf("memory: %,d visitors (each brought by a steward: 4 scopes) %,d bytes = %.1f B/visitor%n",
                n, visitors, visitors / (double) n);
        System.out.printf("memory: %,d SMS recipients %,d bytes = %.1f B/recipient%n", n, recipients, recipients / (double) n);
        System.out.printf("memory: %,d SKUs on sale %,d bytes = %.1f B/SKU%n", SetCatalogue.MAX_SKUS, catalogue,
                catalogue / (double) SetCatalogue.MAX_SKUS);
        System.out.printf("10M visitors + 1M SMS recipients: %.2f GB%n",
                (10_000_000L * visitors / (double) n + 1_000_000L * recipients / (double) n) / 1e9);
        System.out.printf("script calls: visits (batches of %,d) %s%n", RecordVisits.MAX_VISITS, visitCalls);
        System.out.printf("script calls: SMS (batches of %,d) %s%n", RecordSmsSent.MAX_RECIPIENTS, smsCalls);
        System.out.printf("script calls: catalogue of %,d SKUs %s%n", SetCatalogue.MAX_SKUS, catalogueCalls);
        System.out.printf("script calls: metrics read (100,000 SKUs on sale) %s%n", readCalls);
    }

    /**
     * The script calls since the last call of this: how many, their mean time (INFO commandstats)
     * and the longest (SLOWLOG, which holds the calls over 1 ms); then resets both.
     */
    private static String scriptCalls(RedisAdminConnection admin) {
        long[] stats = evalshaStats(admin);
        long longest = 0;
        for (Object entry : (List<?>) admin.call("SLOWLOG", "GET", "-1")) {
            List<?> e = (List<?>) entry;
            if ("EVALSHA".equalsIgnoreCase(String.valueOf(((List<?>) e.get(3)).get(0)))) {
                longest = Math.max(longest, (Long) e.get(2));
            }
        }
        admin.call("SLOWLOG", "RESET");
        admin.call("CONFIG", "RESETSTAT");
        return String.format("%,d calls, mean %.0f us, longest %s", stats[1], stats[0] / (double) stats[1],
                longest > 0 ? longest + " us" : "under 1 ms");
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
