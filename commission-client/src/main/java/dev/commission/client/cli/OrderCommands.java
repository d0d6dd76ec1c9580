package dev.commission.client.cli;

import com.google.protobuf.MessageOrBuilder;
import dev.commission.api.v1.AuditProgress;
import dev.commission.api.v1.GetOrderRequest;
import dev.commission.api.v1.ListLedgerRequest;
import dev.commission.api.v1.OrderLine;
import dev.commission.client.CommissionClient;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Money: settle, refund, adjust, transfer, and the campaign's journal and audits. */
final class OrderCommands {
    private OrderCommands() {
    }

    @Command(name = "settle", description = "Credits the commission of one shipped order (SettleCommission); "
            + "idempotent on CAMPAIGN + ORDER: a retry answers DUPLICATE.")
    static final class Settle extends UnaryCommand {
        @Mixin
        Settlement settlement;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.settle(settlement.campaign, settlement.order, settlement.steward, settlement.lines,
                    settlement.buyer);
        }
    }

    /** What settle and submit carry: CAMPAIGN ORDER STEWARD SKU:QTY:PAID_FEN... */
    static final class Settlement {
        @Parameters(index = "0", paramLabel = "CAMPAIGN")
        String campaign;
        @Parameters(index = "1", paramLabel = "ORDER")
        String order;
        @Parameters(index = "2", paramLabel = "STEWARD")
        String steward;
        @Parameters(index = "3..*", arity = "1..*", paramLabel = "SKU:QTY:PAID_FEN", converter = Arguments.Line.class)
        List<OrderLine> lines;
        @Option(names = "--buyer", paramLabel = "ID", defaultValue = "",
                description = "The buyer, counted by the campaign metrics (conversion, SMS recall).")
        String buyer;
    }

    @Command(name = "refund", description = "Takes back commission for FEN refunded on an order (ReverseCommission); "
            + "idempotent on CAMPAIGN + ORDER + REFUND_ID.")
    static final class Refund extends CampaignCommand {
        @Parameters(index = "1", paramLabel = "ORDER")
        String order;
        @Parameters(index = "2", paramLabel = "REFUND_ID")
        String refundId;
        @Parameters(index = "3", paramLabel = "FEN")
        long fen;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.refund(campaign, order, refundId, fen);
        }
    }

    @Command(name = "adjust", description = "An operator's credit (+) or debit (-) with a reason (AdjustCommission); "
            + "idempotent on CAMPAIGN + ADJUSTMENT_ID.")
    static final class Adjust extends CampaignCommand {
        @Parameters(index = "1", paramLabel = "ADJUSTMENT_ID")
        String adjustmentId;
        @Parameters(index = "2", paramLabel = "STEWARD")
        String steward;
        @Parameters(index = "3", paramLabel = "DELTA_FEN")
        long deltaFen;
        @Parameters(index = "4..*", arity = "1..*", paramLabel = "REASON")
        List<String> reason;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.adjust(campaign, adjustmentId, steward, deltaFen, String.join(" ", reason));
        }
    }

    @Command(name = "transfer", description = "Moves a steward to another region and group (TransferSteward); "
            + "idempotent on CAMPAIGN + STEWARD + TRANSFER_ID.")
    static final class Transfer extends CampaignCommand {
        @Parameters(index = "1", paramLabel = "STEWARD")
        String steward;
        @Parameters(index = "2", paramLabel = "TRANSFER_ID")
        String transferId;
        @Parameters(index = "3", paramLabel = "REGION")
        String region;
        @Parameters(index = "4", paramLabel = "GROUP")
        String group;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.transfer(campaign, steward, transferId, region, group);
        }
    }

    @Command(name = "order", description = "What was settled and refunded for one order (GetOrder).")
    static final class GetOrder extends CampaignCommand {
        @Parameters(index = "1", paramLabel = "ORDER")
        String order;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.commission().getOrder(GetOrderRequest.newBuilder().setCampaignId(campaign).setOrderNo(order).build());
        }
    }

    @Command(name = "ledger", description = "The campaign's journal, oldest first, a page after entry AFTER (ListLedger).")
    static final class Ledger extends CampaignCommand {
        @Parameters(index = "1", arity = "0..1", paramLabel = "AFTER", defaultValue = "")
        String after;
        @Parameters(index = "2", arity = "0..1", paramLabel = "LIMIT", defaultValue = "100")
        int limit;

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.commission().listLedger(ListLedgerRequest.newBuilder().setCampaignId(campaign).setAfter(after)
                    .setLimit(limit).build());
        }
    }

    @Command(name = "reconcile", description = "Checks every invariant of a campaign against its ledger; never writes "
            + "(ReconcileWithProgress: progress on stderr, the report on stdout).")
    static final class Reconcile extends CampaignCommand {

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.reconcile(campaign, progress(cli));
        }
    }

    @Command(name = "rebuild", description = "Sets every ranking, total and steward figure right from the ledger "
            + "(RebuildRankingsWithProgress: progress on stderr, the result on stdout).")
    static final class Rebuild extends CampaignCommand {

        @Override
        MessageOrBuilder reply(CommissionClient client) {
            return client.rebuildRankings(campaign, progress(cli));
        }
    }

    /** A long audit's progress, on stderr so that stdout keeps only the reply. */
    private static Consumer<AuditProgress> progress(CommissionCli cli) {
        return p -> {
            cli.output().err().println("  " + p.getPhase() + " " + p.getDone() + (p.getTotal() > 0 ? "/" + p.getTotal() : "")
                    + " (ledger at " + p.getLedgerPosition() + ")");
            cli.output().err().flush();
        };
    }
}
