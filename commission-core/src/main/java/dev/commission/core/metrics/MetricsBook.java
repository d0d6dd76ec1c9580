package dev.commission.core.metrics;

import dev.commission.core.CampaignKeys;
import dev.commission.core.operation.Fingerprint;
import dev.commission.core.operation.ScriptReply;
import dev.commission.core.operation.ScriptRunner;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The campaign metrics' own operations: the catalogue, visits, SMS batches and reading a scope's
 * figures. The figures of orders are written by the settle and reverse scripts themselves. Large
 * batches go to Redis in slices, one after another, each a short script call.
 */
public final class MetricsBook {
    static final String CATALOGUE = "catalogue";
    static final String VISITS = "visits";
    static final String SMS_SENT = "sms-sent";
    static final String READ = "metrics-read";
    /**
     * SKUs per catalogue slice, recipients per SMS slice and visits per visits slice, so that each
     * call stays within a few milliseconds (docs/design.md, "Metrics figures").
     */
    static final int CATALOGUE_SLICE = 1_000;
    static final int SMS_SLICE = 250;
    static final int VISITS_SLICE = 100;

    private final ScriptRunner runner;

    /** Loads the metrics scripts into Redis. */
    public MetricsBook(ScriptRunner runner) {
        this.runner = runner;
        List.of(CATALOGUE, VISITS, SMS_SENT, READ).forEach(runner::register);
    }

    /** Stages the catalogue slice by slice, then swaps it in; answers whether it changed. */
    public CompletionStage<CatalogueResult> setCatalogue(SetCatalogue request) {
        CampaignKeys keys = new CampaignKeys(request.campaignId());
        List<String> skus = List.copyOf(new TreeSet<>(request.skuIds()));
        String digest = Fingerprint.of(String.join(",", skus));
        List<Object> scriptKeys = List.of(keys.campaign(), keys.catalogue(), keys.catalogueStaging(digest),
                keys.catalogueDigest());
        CompletionStage<Boolean> staged = CompletableFuture.completedFuture(true);
        for (int from = 0; from < skus.size(); from += CATALOGUE_SLICE) {
            List<Object> args = new ArrayList<>(List.of("stage", digest));
            args.addAll(skus.subList(from, Math.min(skus.size(), from + CATALOGUE_SLICE)));
            staged = staged.thenCompose(go -> go ? runner.run(CATALOGUE, scriptKeys, args)
                    .thenApply(reply -> reply.status().equals("APPLIED")) : CompletableFuture.completedFuture(false));
        }
        return staged.thenCompose(go -> runner.run(CATALOGUE, scriptKeys,
                        List.of("swap", digest, Integer.toString(skus.size()))))
                .thenApply(reply -> new CatalogueResult(reply.number(1), reply.status().equals("APPLIED")));
    }

    /** What SetCatalogue did: the SKUs on sale now, and whether the catalogue changed. */
    public record CatalogueResult(long skus, boolean changed) {
    }

    /**
     * Records visits in slices of {@value #VISITS_SLICE}, one call after another, and answers the
     * visitors new to the campaign (the sum over the slices). A batch of more than one slice is
     * checked whole first (the campaign exists, every steward it names is registered), so an
     * unknown steward anywhere refuses it before any slice is written. Visits are sets: a batch
     * cut off half way (Redis failed between two slices) is completed by sending it again, which
     * counts nothing twice; its answer then counts only the visitors the first attempt had not.
     */
    public CompletionStage<Long> recordVisits(RecordVisits request) {
        CampaignKeys keys = new CampaignKeys(request.campaignId());
        List<Object> scriptKeys = List.of(keys.campaign(), keys.visitors("c"));
        // By steward: a slice then names as few stewards as it can, each read once per slice.
        List<Visit> visits = request.visits().stream().sorted(Comparator.comparing(Visit::stewardId)).toList();
        CompletionStage<Long> added = CompletableFuture.completedFuture(0L);
        if (visits.size() > VISITS_SLICE) {
            List<Object> args = new ArrayList<>(List.of("check"));
            visits.stream().map(Visit::stewardId).filter(s -> !s.isEmpty()).distinct().forEach(args::add);
            added = runner.run(VISITS, scriptKeys, args).thenApply(reply -> 0L);
        }
        for (int from = 0; from < visits.size(); from += VISITS_SLICE) {
            List<Object> args = new ArrayList<>(List.of("record"));
            for (Visit visit : visits.subList(from, Math.min(visits.size(), from + VISITS_SLICE))) {
                args.add(visit.visitorId());
                args.add(visit.stewardId());
            }
            added = added.thenCompose(sum -> runner.run(VISITS, scriptKeys, args).thenApply(reply -> sum + reply.number(1)));
        }
        return added;
    }

    /**
     * Records an SMS batch in slices; a batch recorded before (or its slices already done, after a
     * failure half way) is not counted again. Answers recipients new to the campaign, or -1 when
     * the whole batch had been recorded before.
     */
    public CompletionStage<Long> recordSmsSent(RecordSmsSent request) {
        CampaignKeys keys = new CampaignKeys(request.campaignId());
        List<String> recipients = List.copyOf(new TreeSet<>(request.recipientIds()));
        String digest = Fingerprint.of(request.sentAtMs() + "|" + String.join(",", recipients));
        int slices = Math.max(1, (recipients.size() + SMS_SLICE - 1) / SMS_SLICE);
        List<Object> scriptKeys = List.of(keys.campaign(), keys.smsBatches(), keys.smsRecipients(), keys.metrics());
        return sendSlice(scriptKeys, request, recipients, digest, 0, slices, 0, false);
    }

    private CompletionStage<Long> sendSlice(List<Object> scriptKeys, RecordSmsSent request, List<String> recipients,
                                            String digest, int slice, int slices, long added, boolean applied) {
        if (slice >= slices) {
            return CompletableFuture.completedFuture(applied ? added : -1);
        }
        List<Object> args = new ArrayList<>(List.of(request.batchId(), digest, Integer.toString(slice),
                Integer.toString(slices), Long.toString(request.sentAtMs())));
        args.addAll(recipients.subList(slice * SMS_SLICE, Math.min(recipients.size(), (slice + 1) * SMS_SLICE)));
        return runner.run(SMS_SENT, scriptKeys, args).thenCompose(reply -> reply.status().equals("APPLIED")
                ? sendSlice(scriptKeys, request, recipients, digest, slice + 1, slices, added + reply.number(1), true)
                // DUPLICATE: the batch's slices up to `done` were recorded before; go on from there.
                : sendSlice(scriptKeys, request, recipients, digest, Math.max(slice + 1, (int) reply.number(1)),
                        slices, added, applied));
    }

    /** The figures of one scope, read in one call. */
    public CompletionStage<CampaignMetrics> read(String campaignId, MetricsScope scope) {
        CampaignKeys keys = new CampaignKeys(campaignId);
        String token = scope.token();
        return runner.run(READ, List.of(keys.campaign(), keys.metrics(), keys.catalogue(), keys.smsRecipients(),
                keys.visitors(token), keys.sold(token)), List.of(token)).thenApply(reply -> decode(campaignId, scope, reply));
    }

    private static CampaignMetrics decode(String campaignId, MetricsScope scope, ScriptReply reply) {
        long[] c = counters(reply.string(1));
        return new CampaignMetrics(campaignId, scope, c[0], c[1], c[2], c[3], c[4], reply.number(2), reply.number(3),
                reply.number(4), reply.number(5));
    }

    /** A scope's counters as the metrics hash holds them: "paid items orders buyers recalled". */
    static long[] counters(String text) {
        long[] c = new long[5];
        String[] parts = text.isEmpty() ? new String[0] : text.split(" ");
        for (int i = 0; i < parts.length && i < c.length; i++) {
            c[i] = Long.parseLong(parts[i]);
        }
        return c;
    }
}
