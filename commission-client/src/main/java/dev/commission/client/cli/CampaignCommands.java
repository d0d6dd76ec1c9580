package dev.commission.client.cli;

import com.google.protobuf.MessageOrBuilder;
import dev.commission.api.v1.CloseCampaignRequest;
import dev.commission.api.v1.GetCampaignRequest;
import dev.commission.client.CommissionClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Campaigns and stewards. */
final class CampaignCommands {
    private CampaignCommands() {
    }

    @Command(name = "create-campaign", description = {
        "Creates a campaign (CreateCampaign); idempotent on ID.",
        "RULE: fixed=FEN per order | rate=BPS of the paid amount | tiers=MIN_SALES_FEN:BPS,... by the steward's",
        "sales before the order; cap=FEN limits one order; FOLLOW (default) or STAY: the transfer policy.",
        "Example: create-campaign spring \"Spring sale\" rate=500 cap=2000"})
    static final class CreateCampaign extends UnaryCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String campaign;
        @Parameters(index = "1", paramLabel = "NAME")
        String name;
        @Parameters(index = "2..*", arity = "1..*", paramLabel = "RULE")
        List<String> rule;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.createCampaign(campaign, name, Arguments.rule(rule), Arguments.policy(rule));
        }
    }

    @Command(name = "campaign", description = "Reads a campaign and its totals (GetCampaign).")
    static final class GetCampaign extends UnaryCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String campaign;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.commission().getCampaign(GetCampaignRequest.newBuilder().setCampaignId(campaign).build());
        }
    }

    @Command(name = "close-campaign", description = "Closes a campaign: refunds only from now on (CloseCampaign).")
    static final class CloseCampaign extends UnaryCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String campaign;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.commission().closeCampaign(CloseCampaignRequest.newBuilder().setCampaignId(campaign).build());
        }
    }

    @Command(name = "register", description = "Registers a steward in a region and group (RegisterSteward); idempotent on STEWARD.")
    static final class Register extends CampaignCommand {
        @Parameters(index = "1", paramLabel = "STEWARD")
        String steward;
        @Parameters(index = "2", paramLabel = "NAME")
        String name;
        @Parameters(index = "3", paramLabel = "REGION")
        String region;
        @Parameters(index = "4", paramLabel = "GROUP")
        String group;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.registerSteward(campaign, steward, name, region, group);
        }
    }

    @Command(name = "steward", description = "Reads a steward, its placement and totals (GetSteward).")
    static final class GetSteward extends CampaignCommand {
        @Parameters(index = "1", paramLabel = "STEWARD")
        String steward;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.steward(campaign, steward);
        }
    }
}
