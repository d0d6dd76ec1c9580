package dev.commission.client;

import com.google.protobuf.MessageOrBuilder;
import dev.commission.api.v1.GetCampaignMetricsRequest;
import dev.commission.api.v1.MetricsServiceGrpc;
import dev.commission.api.v1.RecordSmsSentRequest;
import dev.commission.api.v1.RecordVisitsRequest;
import dev.commission.api.v1.SetCatalogueRequest;
import dev.commission.api.v1.Visit;
import io.grpc.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The CLI's campaign-metrics commands: catalogue, visits, sms, metrics. */
final class MetricsCommands {
    static final String USAGE = """
            campaign metrics:
              catalogue CAMPAIGN (SKU... | @FILE)  the SKUs on sale (FILE: one SKU a line); replaces the catalogue
              visits CAMPAIGN VISITOR[:STEWARD]...  record visits, now
              sms CAMPAIGN BATCH (SENT_AT_MS|now) RECIPIENT...   record an SMS batch
              metrics CAMPAIGN [steward=ID | group=ID | region=ID]   the four figures of one scope
              (settle ... buyer=ID counts the order's buyer)
            """;

    private MetricsCommands() {
    }

    static MessageOrBuilder run(Channel channel, String command, List<String> a) {
        MetricsServiceGrpc.MetricsServiceBlockingStub metrics = MetricsServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        return switch (command) {
            case "catalogue" -> metrics.setCatalogue(SetCatalogueRequest.newBuilder().setCampaignId(a.get(0))
                    .addAllSkuIds(skus(a.subList(1, a.size()))).build());
            case "visits" -> {
                RecordVisitsRequest.Builder visits = RecordVisitsRequest.newBuilder().setCampaignId(a.get(0));
                for (String word : a.subList(1, a.size())) {
                    String[] parts = word.split(":", 2);
                    visits.addVisits(Visit.newBuilder().setVisitorId(parts[0]).setStewardId(parts.length > 1 ? parts[1] : "")
                            .setAtMs(System.currentTimeMillis()));
                }
                yield metrics.recordVisits(visits.build());
            }
            case "sms" -> metrics.recordSmsSent(RecordSmsSentRequest.newBuilder().setCampaignId(a.get(0)).setBatchId(a.get(1))
                    .setSentAtMs(a.get(2).equals("now") ? System.currentTimeMillis() : Long.parseLong(a.get(2)))
                    .addAllRecipientIds(a.subList(3, a.size())).build());
            case "metrics" -> {
                GetCampaignMetricsRequest.Builder request = GetCampaignMetricsRequest.newBuilder().setCampaignId(a.get(0));
                if (a.size() > 1) {
                    String[] kv = a.get(1).split("=", 2);
                    switch (kv[0]) {
                        case "steward" -> request.setStewardId(kv[1]);
                        case "group" -> request.setGroupId(kv[1]);
                        case "region" -> request.setRegionId(kv[1]);
                        default -> throw new IllegalArgumentException("a scope is steward=ID, group=ID or region=ID, not " + a.get(1));
                    }
                }
                yield metrics.getCampaignMetrics(request.build());
            }
            default -> throw new IllegalArgumentException("unknown command " + command);
        };
    }

    /** SKUs named on the command line, or read from {@code @FILE}, one a line. */
    private static List<String> skus(List<String> words) {
        if (words.size() == 1 && words.get(0).startsWith("@")) {
            try {
                return Files.readAllLines(Path.of(words.get(0).substring(1))).stream().map(String::strip)
                        .filter(s -> !s.isEmpty()).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new ArrayList<>(words);
    }
}
