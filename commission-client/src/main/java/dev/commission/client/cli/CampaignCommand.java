package dev.commission.client.cli;

import picocli.CommandLine.Parameters;

/** A command about one campaign, named by its first argument. */
abstract class CampaignCommand extends UnaryCommand {
    @Parameters(index = "0", paramLabel = "CAMPAIGN")
    String campaign;
}
