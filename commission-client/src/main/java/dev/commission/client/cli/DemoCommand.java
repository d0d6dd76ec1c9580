package dev.commission.client.cli;

import com.google.gson.JsonObject;
import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.TransferPolicy;
import dev.commission.client.CommissionClient;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Something to watch at once: a campaign of 3 regions, 12 groups (4 a region) and 120 stewards
 * (10 a group), then a steady stream of settlements (80%), refunds of orders it settled (12%) and
 * transfers to another group (8%). Starting it again reuses the campaign (every setup call is
 * idempotent) and adds orders under a new run id, so dashboards already open keep moving.
 */
@Command(name = "demo", description = {
    "A demo campaign with money moving in it, until Ctrl-C, for 'watch' and the dashboard page.",
    "Creates (or reuses) a campaign of 3 regions, 12 groups and 120 stewards, then settles, refunds and",
    "transfers about --rate times a second.",
    "Safe to start again, even twice at the same time: the campaign is reused, the orders are new."})
final class DemoCommand implements Callable<Integer> {
    static final List<String> REGIONS = List.of("east", "south", "west");
    static final int GROUPS = 12;
    static final int STEWARDS = 120;
    private static final List<String> SURNAMES = List.of("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu");
    private static final List<String> GIVEN = List.of("Fang", "Lei", "Min", "Jing", "Wei", "Na", "Qiang", "Yan", "Jun", "Tao", "Hui", "Ping");
    private static final List<String> SKUS = List.of("sofa", "bed", "lamp", "desk", "rug", "chair", "shelf", "mirror");

    @ParentCommand
    CommissionCli cli;
    @Spec
    CommandSpec spec;
    @Option(names = "--campaign", paramLabel = "ID", defaultValue = "demo", description = "The campaign (default: ${DEFAULT-VALUE}).")
    String campaign;
    @Option(names = "--rate", paramLabel = "N", defaultValue = "20", description = "Operations a second, 1..10000 (default: ${DEFAULT-VALUE}).")
    int rate;
    @Option(names = "--steps", paramLabel = "N", defaultValue = "0", description = "Stop after N operations (default: never).")
    long steps;
    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random choices (default: the clock).")
    Long seed;

    /** An order this run settled and has not refunded yet. */
    private record Sale(String order, long paidFen) {
    }

    private final List<Sale> refundable = new ArrayList<>();
    private long settles;
    private long refunds;
    private long transfers;
    private long retried;

    @Override
    public Integer call() throws Exception {
        if (rate < 1 || rate > 10_000 || steps < 0) {
            throw new ParameterException(spec.commandLine(), "--rate is 1..10000 and --steps 0 or more");
        }
        CommissionClient client = cli.client();
        Random random = new Random(seed == null ? System.nanoTime() : seed);
        String run = Long.toString(System.currentTimeMillis(), 36) + Integer.toString(random.nextInt(36 * 36), 36);
        setUp(client);
        PrintWriter out = cli.output().out();
        if (!cli.output().json()) {
            out.printf("demo campaign %s: %d regions (%s), %d groups, %d stewards, 5%% commission%n", campaign,
                    REGIONS.size(), String.join(", ", REGIONS), GROUPS, STEWARDS);
            out.printf("settling, refunding and transferring about %d times a second%s; in another terminal:%n", rate,
                    steps > 0 ? " for " + steps + " operations" : " until Ctrl-C");
            out.printf("  %s watch %s STEWARDS      (or GROUPS, REGIONS, STEWARDS_IN_REGION:east, ...)%n",
                    spec.root().name(), campaign);
            out.printf("or the dashboard page (/ on the server's HTTP port), campaign %s%n", campaign);
            out.flush();
        }
        long start = System.nanoTime();
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long lastStatus = start;
        for (long step = 0; steps == 0 || step < steps; step++) {
            long due = start + step * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            operate(client, random, run, step);
            if (!cli.output().json() && System.nanoTime() - lastStatus > TimeUnit.SECONDS.toNanos(1)) {
                lastStatus = System.nanoTime();
                status(start);
            }
        }
        finish(start);
        return ExitCodes.OK;
    }

    /** The campaign and its stewards; each call is idempotent, so a second demo finds them as they are. */
    private void setUp(CommissionClient client) {
        client.createCampaign(campaign, "Demo: spring sale", CommissionRule.newBuilder().setRateBps(500).build(),
                TransferPolicy.FOLLOW);
        for (int i = 0; i < STEWARDS; i++) {
            int group = i % GROUPS;
            client.registerSteward(campaign, stewardId(i), SURNAMES.get(i % 10) + " " + GIVEN.get(i / 10),
                    regionOf(group), groupId(group));
        }
    }

    private void operate(CommissionClient client, Random random, String run, long step) {
        int dice = random.nextInt(100);
        try {
            if (dice < 12 && !refundable.isEmpty()) {
                Sale sale = refundable.remove(random.nextInt(refundable.size()));
                client.refund(campaign, sale.order(), "r1", sale.paidFen() * (20 + random.nextInt(81)) / 100);
                refunds++;
            } else if (dice < 20) {
                int steward = random.nextInt(STEWARDS);
                int group = random.nextInt(GROUPS);
                client.transfer(campaign, stewardId(steward), "t-" + run + "-" + step, regionOf(group), groupId(group));
                transfers++;
            } else {
                // Lower-numbered stewards sell more, so that the top of the ranking has leaders to overtake.
                int steward = (int) (STEWARDS * Math.pow(random.nextDouble(), 1.6));
                long paid = (100 + random.nextInt(2_901)) * 100L;
                String order = "d-" + run + "-" + step;
                client.settle(campaign, order, stewardId(steward),
                        List.of(CommissionClient.line(SKUS.get(random.nextInt(SKUS.size())), 1 + random.nextInt(3), paid)));
                if (refundable.size() < 1_000) {
                    refundable.add(new Sale(order, paid));
                }
                settles++;
            }
        } catch (StatusRuntimeException e) {
            if (!ExitCodes.retryable(e.getStatus().getCode())) {
                throw e;
            }
            retried++;
        }
    }

    private void status(long start) {
        PrintWriter err = cli.output().err();
        err.printf(Locale.ROOT, "\r  %,d settled · %,d refunded · %,d transferred · %,d failed for now · %.1f/s\033[K",
                settles, refunds, transfers, retried, (settles + refunds + transfers) / seconds(start));
        err.flush();
    }

    private void finish(long start) {
        if (cli.output().json()) {
            JsonObject summary = new JsonObject();
            summary.addProperty("campaign", campaign);
            summary.addProperty("settles", settles);
            summary.addProperty("refunds", refunds);
            summary.addProperty("transfers", transfers);
            summary.addProperty("failed", retried);
            summary.addProperty("seconds", Math.round(seconds(start) * 10) / 10.0);
            cli.output().reply(summary);
        } else {
            status(start);
            cli.output().err().println();
            cli.output().out().printf(Locale.ROOT, "demo: %,d settled, %,d refunded, %,d transferred, %,d failed for now, in %.1f s%n",
                    settles, refunds, transfers, retried, seconds(start));
        }
        cli.output().out().flush();
    }

    private static double seconds(long start) {
        return Math.max(System.nanoTime() - start, 1) / 1e9;
    }

    static String stewardId(int index) {
        return String.format(Locale.ROOT, "s%03d", index + 1);
    }

    static String groupId(int group) {
        return String.format(Locale.ROOT, "g%02d", group + 1);
    }

    static String regionOf(int group) {
        return REGIONS.get(group / (GROUPS / REGIONS.size()));
    }
}
