package dev.commission.client.cli;

import com.google.protobuf.MessageOrBuilder;
import dev.commission.api.v1.RankingScope;
import dev.commission.client.CommissionClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Ranking pages and a steward's standing; the live view is {@link WatchCommand}. */
final class RankingCommands {
    private RankingCommands() {
    }

    @Command(name = "ranking", description = {"A page of one ranking (GetRanking).",
        "SCOPE: STEWARDS, GROUPS, REGIONS, STEWARDS_IN_REGION:r, STEWARDS_IN_GROUP:g, GROUPS_IN_REGION:r (any case)."})
    static final class Ranking extends CampaignCommand {
        @Parameters(index = "1", paramLabel = "SCOPE", converter = Arguments.Scope.class)
        RankingScope scope;
        @Parameters(index = "2", arity = "0..1", paramLabel = "LIMIT", defaultValue = "10")
        int limit;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.ranking(campaign, scope, 0, limit);
        }
    }

    @Command(name = "standing", description = "A steward's rank, score, gap and neighbours in its three scopes (GetStanding).")
    static final class Standing extends CampaignCommand {
        @Parameters(index = "1", paramLabel = "STEWARD")
        String steward;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.standing(campaign, steward);
        }
    }
}
