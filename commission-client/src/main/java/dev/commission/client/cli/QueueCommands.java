package dev.commission.client.cli;

import com.google.protobuf.MessageOrBuilder;
import dev.commission.api.v1.DiscardDeadLetterRequest;
import dev.commission.api.v1.GetQueueStatsRequest;
import dev.commission.api.v1.GetSettlementRequest;
import dev.commission.api.v1.ListDeadLettersRequest;
import dev.commission.api.v1.ReplayDeadLetterRequest;
import dev.commission.client.CommissionClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** The settlement queue: submit, follow an order, and the dead-letter workflow. */
final class QueueCommands {
    private QueueCommands() {
    }

    @Command(name = "submit", description = "Queues a settlement (SubmitSettlement); answers once stored. "
            + "Idempotent on CAMPAIGN + ORDER: a repeat answers where the order stands.")
    static final class Submit extends UnaryCommand {
        @Mixin
        OrderCommands.Settlement settlement;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.submit(settlement.campaign, settlement.order, settlement.steward, settlement.lines,
                    settlement.buyer);
        }
    }

    @Command(name = "settlement", description = "Where an order stands: QUEUED, SETTLED or DEAD (GetSettlement).")
    static final class GetSettlement extends CampaignCommand {
        @Parameters(index = "1", paramLabel = "ORDER")
        String order;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.settlement().getSettlement(GetSettlementRequest.newBuilder().setCampaignId(campaign)
                    .setOrderNo(order).build());
        }
    }

    @Command(name = "dead-letters", description = "Dead letters of a campaign, or of every campaign with '-' "
            + "(ListDeadLetters), a page after AFTER.")
    static final class DeadLetters extends UnaryCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "CAMPAIGN|-", defaultValue = "-")
        String campaign;
        @Parameters(index = "1", arity = "0..1", paramLabel = "AFTER", defaultValue = "")
        String after;
        @Parameters(index = "2", arity = "0..1", paramLabel = "LIMIT", defaultValue = "100")
        int limit;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.settlement().listDeadLetters(ListDeadLettersRequest.newBuilder()
                    .setCampaignId(campaign.equals("-") ? "" : campaign).setAfter(after).setLimit(limit).build());
        }
    }

    @Command(name = "replay", description = "Queues an open dead letter again, with a fresh delivery count (ReplayDeadLetter).")
    static final class Replay extends UnaryCommand {
        @Parameters(index = "0", paramLabel = "DEAD_LETTER_ID")
        String id;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.settlement().replayDeadLetter(ReplayDeadLetterRequest.newBuilder().setId(id).build());
        }
    }

    @Command(name = "discard", description = "Closes an open dead letter without settling it, with a reason (DiscardDeadLetter).")
    static final class Discard extends UnaryCommand {
        @Parameters(index = "0", paramLabel = "DEAD_LETTER_ID")
        String id;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "REASON")
        List<String> reason;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.settlement().discardDeadLetter(DiscardDeadLetterRequest.newBuilder().setId(id)
                    .setReason(String.join(" ", reason)).build());
        }
    }

    @Command(name = "queue", description = "Depth, in flight, oldest unacknowledged age, retries and dead letters, "
            + "per partition and in total (GetQueueStats).")
    static final class Queue extends UnaryCommand {
        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.settlement().getQueueStats(GetQueueStatsRequest.getDefaultInstance());
        }
    }
}
