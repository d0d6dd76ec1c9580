package dev.commission.client.cli;

import com.google.protobuf.MessageOrBuilder;
import dev.commission.api.v1.GetCampaignMetricsRequest;
import dev.commission.api.v1.RecordSmsSentRequest;
import dev.commission.api.v1.RecordVisitsRequest;
import dev.commission.api.v1.SetCatalogueRequest;
import dev.commission.api.v1.Visit;
import dev.commission.client.CommissionClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The campaign metrics: catalogue, visits, SMS batches, and the four figures of a scope. */
final class MetricsCommands {
    private MetricsCommands() {
    }

    @Command(name = "catalogue", description = "Sets the SKUs on sale, replacing the catalogue (SetCatalogue); "
            + "SKU... or @FILE with one SKU a line; idempotent.")
    static final class Catalogue extends CampaignCommand {
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "SKU|@FILE")
        List<String> skus;

        @Override
        MessageOrBuilder reply(CommissionClient client) throws IOException {
            List<String> all = skus.size() == 1 && skus.get(0).startsWith("@")
                    ? Files.readAllLines(Path.of(skus.get(0).substring(1))).stream().map(String::strip)
                            .filter(s -> !s.isEmpty()).toList()
                    : skus;
            return client.metrics().setCatalogue(SetCatalogueRequest.newBuilder().setCampaignId(campaign)
                    .addAllSkuIds(all).build());
        }
    }

    @Command(name = "visits", description = "Records visits, now (RecordVisits): VISITOR, or VISITOR:STEWARD for one "
            + "a steward brought; a visitor counts once per scope however often they come back.")
    static final class Visits extends CampaignCommand {
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "VISITOR[:STEWARD]")
        List<String> visits;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            RecordVisitsRequest.Builder request = RecordVisitsRequest.newBuilder().setCampaignId(campaign);
            long now = System.currentTimeMillis();
            for (String word : visits) {
                String[] parts = word.split(":", 2);
                request.addVisits(Visit.newBuilder().setVisitorId(parts[0]).setStewardId(parts.length > 1 ? parts[1] : "")
                        .setAtMs(now));
            }
            return client.metrics().recordVisits(request.build());
        }
    }

    @Command(name = "sms", description = "Records an SMS batch (RecordSmsSent): SENT_AT_MS or 'now'; idempotent on "
            + "BATCH, the same BATCH with other recipients is refused.")
    static final class Sms extends CampaignCommand {
        @Parameters(index = "1", paramLabel = "BATCH")
        String batch;
        @Parameters(index = "2", paramLabel = "SENT_AT_MS|now")
        String sentAt;
        @Parameters(index = "3..*", arity = "1..*", paramLabel = "RECIPIENT")
        List<String> recipients;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            long at = sentAt.equalsIgnoreCase("now") ? System.currentTimeMillis() : Arguments.number("SENT_AT_MS", sentAt);
            return client.metrics().recordSmsSent(RecordSmsSentRequest.newBuilder().setCampaignId(campaign)
                    .setBatchId(batch).setSentAtMs(at).addAllRecipientIds(recipients).build());
        }
    }

    @Command(name = "metrics", description = "Average price per item, sell-through, conversion and SMS recall of the "
            + "campaign, or of one steward, group or region (GetCampaignMetrics).")
    static final class Metrics extends CampaignCommand {
        @ArgGroup(exclusive = true)
        Scope scope;

        static final class Scope {
            @Option(names = "--steward", paramLabel = "ID")
            String steward;
            @Option(names = "--group", paramLabel = "ID")
            String group;
            @Option(names = "--region", paramLabel = "ID")
            String region;
        }

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            GetCampaignMetricsRequest.Builder request = GetCampaignMetricsRequest.newBuilder().setCampaignId(campaign);
            if (scope != null && scope.steward != null) {
                request.setStewardId(scope.steward);
            } else if (scope != null && scope.group != null) {
                request.setGroupId(scope.group);
            } else if (scope != null && scope.region != null) {
                request.setRegionId(scope.region);
            }
            return client.metrics().getCampaignMetrics(request.build());
        }
    }
}
