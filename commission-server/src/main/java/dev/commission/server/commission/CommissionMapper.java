package dev.commission.server.commission;

import dev.commission.api.v1.AdjustCommissionRequest;
import dev.commission.api.v1.AdjustResult;
import dev.commission.api.v1.AuditProgress;
import dev.commission.api.v1.Campaign;
import dev.commission.api.v1.CampaignStatus;
import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.InvariantCheck;
import dev.commission.api.v1.LedgerEntry;
import dev.commission.api.v1.LedgerPage;
import dev.commission.api.v1.Order;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.Outcome;
import dev.commission.api.v1.RebuildRankingsResult;
import dev.commission.api.v1.ReconcileReport;
import dev.commission.api.v1.RegisterStewardRequest;
import dev.commission.api.v1.ReverseCommissionRequest;
import dev.commission.api.v1.ReverseResult;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.SettleResult;
import dev.commission.api.v1.Steward;
import dev.commission.api.v1.Tier;
import dev.commission.api.v1.Tiers;
import dev.commission.api.v1.TransferPolicy;
import dev.commission.api.v1.TransferResult;
import dev.commission.api.v1.TransferStewardRequest;
import dev.commission.core.CommissionException;
import dev.commission.core.FieldViolation;
import dev.commission.core.campaign.CreateCampaign;
import dev.commission.core.order.AdjustCommission;
import dev.commission.core.order.ReverseCommission;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.steward.RegisterSteward;
import dev.commission.core.steward.TransferSteward;
import java.util.List;
import java.util.Map;

/**
 * Maps the CommissionService messages to the core's requests and the core's results back. Only
 * what protobuf cannot say is decided here (defaults of unset enums and oneofs); every rule on
 * values is the core's validation.
 */
public final class CommissionMapper {
    /** What {@code limit = 0} means for ListLedger. */
    static final int DEFAULT_LEDGER_LIMIT = 100;

    private CommissionMapper() {
    }

    // ---- requests: proto -> core

    static CreateCampaign createCampaign(CreateCampaignRequest request) {
        return new CreateCampaign(request.getCampaignId(), request.getName(),
                request.hasRule() ? rule(request.getRule()) : null, transferPolicy(request));
    }

    static dev.commission.core.campaign.CommissionRule rule(CommissionRule rule) {
        return switch (rule.getKindCase()) {
            case FIXED_FEN -> dev.commission.core.campaign.CommissionRule.fixed(rule.getFixedFen(), rule.getCapFen());
            case RATE_BPS -> dev.commission.core.campaign.CommissionRule.rate(rule.getRateBps(), rule.getCapFen());
            case TIERS -> dev.commission.core.campaign.CommissionRule.tiered(rule.getTiers().getTiersList().stream()
                    .map(t -> new dev.commission.core.campaign.CommissionRule.Tier(t.getMinSalesFen(), t.getRateBps()))
                    .toList(), rule.getCapFen());
            // No kind: the core's validation names the missing field.
            case KIND_NOT_SET -> new dev.commission.core.campaign.CommissionRule(null, 0, 0, List.of(), rule.getCapFen());
        };
    }

    private static dev.commission.core.campaign.TransferPolicy transferPolicy(CreateCampaignRequest request) {
        return switch (request.getTransferPolicy()) {
            case TRANSFER_POLICY_UNSPECIFIED, FOLLOW -> dev.commission.core.campaign.TransferPolicy.FOLLOW;
            case STAY -> dev.commission.core.campaign.TransferPolicy.STAY;
            case UNRECOGNIZED -> throw invalid("transfer_policy",
                    "unknown value " + request.getTransferPolicyValue() + "; must be FOLLOW or STAY");
        };
    }

    static RegisterSteward registerSteward(RegisterStewardRequest request) {
        return new RegisterSteward(request.getCampaignId(), request.getStewardId(), request.getName(),
                request.getRegionId(), request.getGroupId());
    }

    public static SettleCommission settle(SettleCommissionRequest request) {
        return new SettleCommission(request.getCampaignId(), request.getOrderNo(), request.getStewardId(),
                lines(request.getLinesList()), request.getRegionId(), request.getGroupId(), request.getStewardName(),
                request.getBuyerId());
    }

    static ReverseCommission reverse(ReverseCommissionRequest request) {
        return switch (request.getAmountCase()) {
            case REFUND_FEN -> new ReverseCommission(request.getCampaignId(), request.getOrderNo(),
                    request.getRefundId(), request.getRefundFen(), List.of());
            case LINES -> {
                if (request.getLines().getLinesCount() == 0) {
                    throw invalid("lines", "must hold 1 to " + SettleCommission.MAX_LINES + " lines");
                }
                yield new ReverseCommission(request.getCampaignId(), request.getOrderNo(), request.getRefundId(), 0,
                        lines(request.getLines().getLinesList()));
            }
            // Neither: the core reports refund_fen as missing.
            case AMOUNT_NOT_SET -> new ReverseCommission(request.getCampaignId(), request.getOrderNo(),
                    request.getRefundId(), 0, List.of());
        };
    }

    static AdjustCommission adjust(AdjustCommissionRequest request) {
        return new AdjustCommission(request.getCampaignId(), request.getAdjustmentId(), request.getStewardId(),
                request.getDeltaFen(), request.getReason());
    }

    static TransferSteward transfer(TransferStewardRequest request) {
        return new TransferSteward(request.getCampaignId(), request.getStewardId(), request.getTransferId(),
                request.getToRegionId(), request.getToGroupId());
    }

    static int ledgerLimit(int limit) {
        return limit == 0 ? DEFAULT_LEDGER_LIMIT : limit;
    }

    private static List<dev.commission.core.order.OrderLine> lines(List<OrderLine> lines) {
        return lines.stream()
                .map(l -> new dev.commission.core.order.OrderLine(l.getSkuId(), l.getQuantity(), l.getPaidFen()))
                .toList();
    }

    private static CommissionException invalid(String field, String description) {
        return CommissionException.invalid(List.of(new FieldViolation(field, description)));
    }

    // ---- results: core -> proto

    static Campaign campaign(dev.commission.core.campaign.Campaign campaign) {
        return Campaign.newBuilder()
                .setCampaignId(text(campaign.campaignId()))
                .setName(text(campaign.name()))
                .setRule(rule(campaign.rule()))
                .setTransferPolicy(switch (campaign.transferPolicy()) {
                    case FOLLOW -> TransferPolicy.FOLLOW;
                    case STAY -> TransferPolicy.STAY;
                })
                .setStatus(switch (campaign.status()) {
                    case OPEN -> CampaignStatus.OPEN;
                    case CLOSED -> CampaignStatus.CLOSED;
                })
                .setEarnedFen(campaign.earnedFen())
                .setSalesFen(campaign.salesFen())
                .setOrders(campaign.orders())
                .build();
    }

    static CommissionRule rule(dev.commission.core.campaign.CommissionRule rule) {
        CommissionRule.Builder proto = CommissionRule.newBuilder().setCapFen(rule.capFen());
        switch (rule.kind()) {
            case FIXED -> proto.setFixedFen(rule.fixedFen());
            case RATE -> proto.setRateBps(rule.rateBps());
            case TIERS -> {
                Tiers.Builder tiers = Tiers.newBuilder();
                for (dev.commission.core.campaign.CommissionRule.Tier tier : rule.tiers()) {
                    tiers.addTiers(Tier.newBuilder().setMinSalesFen(tier.minSalesFen()).setRateBps(tier.rateBps()));
                }
                proto.setTiers(tiers);
            }
        }
        return proto.build();
    }

    static Steward steward(dev.commission.core.steward.Steward steward) {
        return Steward.newBuilder()
                .setCampaignId(text(steward.campaignId()))
                .setStewardId(text(steward.stewardId()))
                .setName(text(steward.name()))
                .setRegionId(text(steward.regionId()))
                .setGroupId(text(steward.groupId()))
                .setEarnedFen(steward.earnedFen())
                .setSalesFen(steward.salesFen())
                .setOrders(steward.orders())
                .build();
    }

    static SettleResult settleResult(dev.commission.core.order.SettleResult result) {
        return SettleResult.newBuilder()
                .setOrderNo(text(result.orderNo()))
                .setCommissionFen(result.commissionFen())
                .setOutcome(outcome(result.outcome()))
                .setStewardEarnedFen(result.stewardEarnedFen())
                .build();
    }

    static ReverseResult reverseResult(dev.commission.core.order.ReverseResult result) {
        return ReverseResult.newBuilder()
                .setOrderNo(text(result.orderNo()))
                .setRefundId(text(result.refundId()))
                .setReversedFen(result.reversedFen())
                .setOutcome(outcome(result.outcome()))
                .setPendingSettlement(result.pendingSettlement())
                .setUnrecoveredFen(result.unrecoveredFen())
                .build();
    }

    static AdjustResult adjustResult(dev.commission.core.order.AdjustResult result) {
        return AdjustResult.newBuilder()
                .setAdjustmentId(text(result.adjustmentId()))
                .setOutcome(outcome(result.outcome()))
                .setStewardEarnedFen(result.stewardEarnedFen())
                .build();
    }

    static TransferResult transferResult(dev.commission.core.steward.TransferResult result) {
        return TransferResult.newBuilder()
                .setTransferId(text(result.transferId()))
                .setOutcome(outcome(result.outcome()))
                .setFromRegionId(text(result.fromRegionId()))
                .setFromGroupId(text(result.fromGroupId()))
                .setToRegionId(text(result.toRegionId()))
                .setToGroupId(text(result.toGroupId()))
                .setMovedFen(result.movedFen())
                .build();
    }

    static Order order(dev.commission.core.order.Order order) {
        return Order.newBuilder()
                .setCampaignId(text(order.campaignId()))
                .setOrderNo(text(order.orderNo()))
                .setStewardId(text(order.stewardId()))
                .setState(switch (order.state()) {
                    case AWAITING_SETTLEMENT -> Order.State.AWAITING_SETTLEMENT;
                    case SETTLED -> Order.State.SETTLED;
                    case REFUNDED -> Order.State.REFUNDED;
                })
                .setPaidFen(order.paidFen())
                .setRefundedFen(order.refundedFen())
                .setSettledCommissionFen(order.settledCommissionFen())
                .setReversedCommissionFen(order.reversedCommissionFen())
                .setUnrecoveredCommissionFen(order.unrecoveredCommissionFen())
                .setRefundExcessFen(order.refundExcessFen())
                .setCommissionFen(order.commissionFen())
                .setRegionId(text(order.regionId()))
                .setGroupId(text(order.groupId()))
                .build();
    }

    static LedgerPage ledgerPage(dev.commission.core.ledger.LedgerPage page) {
        LedgerPage.Builder proto = LedgerPage.newBuilder().setNextAfter(text(page.nextAfter()));
        for (dev.commission.core.ledger.LedgerEntry entry : page.entries()) {
            LedgerEntry.Builder e = LedgerEntry.newBuilder()
                    .setEntryId(text(entry.entryId()))
                    .setType(text(entry.type()))
                    .setStewardId(text(entry.stewardId()))
                    .setDeltaFen(entry.deltaFen())
                    .setRegionId(text(entry.regionId()))
                    .setGroupId(text(entry.groupId()));
            if (entry.fields() != null) {
                for (Map.Entry<String, String> field : entry.fields().entrySet()) {
                    e.putFields(text(field.getKey()), text(field.getValue()));
                }
            }
            proto.addEntries(e);
        }
        return proto.build();
    }

    static ReconcileReport reconcileReport(dev.commission.core.ledger.ReconcileReport report) {
        ReconcileReport.Builder proto = ReconcileReport.newBuilder()
                .setClean(report.clean())
                .setLedgerLastId(text(report.ledgerLastId()));
        for (dev.commission.core.ledger.InvariantCheck check : report.checks()) {
            proto.addChecks(InvariantCheck.newBuilder()
                    .setName(text(check.name()))
                    .setOk(check.ok())
                    .addAllDiscrepancies(check.discrepancies()));
        }
        return proto.build();
    }

    static RebuildRankingsResult rebuildResult(dev.commission.core.ledger.RebuildResult result) {
        return RebuildRankingsResult.newBuilder()
                .setEntriesReplayed(result.entriesReplayed())
                .setLedgerLastId(text(result.ledgerLastId()))
                .setFiguresRepaired(result.figuresRepaired())
                .build();
    }

    static AuditProgress auditProgress(dev.commission.core.ledger.AuditProgress progress) {
        return AuditProgress.newBuilder()
                .setPhase(text(progress.phase()))
                .setDone(progress.done())
                .setTotal(progress.total())
                .setLedgerPosition(text(progress.ledgerPosition()))
                .build();
    }

    private static Outcome outcome(dev.commission.core.order.Outcome outcome) {
        return switch (outcome) {
            case APPLIED -> Outcome.APPLIED;
            case DUPLICATE -> Outcome.DUPLICATE;
        };
    }

    /** Protobuf strings are never null; a field the core left out is empty. */
    private static String text(String value) {
        return value == null ? "" : value;
    }
}
