package dev.commission.client;

import dev.commission.api.v1.AdjustCommissionRequest;
import dev.commission.api.v1.AdjustResult;
import dev.commission.api.v1.AuditProgress;
import dev.commission.api.v1.Campaign;
import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.GetRankingRequest;
import dev.commission.api.v1.GetStandingRequest;
import dev.commission.api.v1.GetStewardRequest;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.RankingPage;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.api.v1.RebuildRankingsProgress;
import dev.commission.api.v1.RebuildRankingsRequest;
import dev.commission.api.v1.RebuildRankingsResult;
import dev.commission.api.v1.ReconcileProgress;
import dev.commission.api.v1.ReconcileReport;
import dev.commission.api.v1.ReconcileRequest;
import dev.commission.api.v1.RegisterStewardRequest;
import dev.commission.api.v1.ReverseCommissionRequest;
import dev.commission.api.v1.ReverseResult;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.SettleResult;
import dev.commission.api.v1.Standing;
import dev.commission.api.v1.Steward;
import dev.commission.api.v1.TransferPolicy;
import dev.commission.api.v1.TransferResult;
import dev.commission.api.v1.TransferStewardRequest;
import io.grpc.Channel;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A typed client for the commission and ranking services. It takes a {@link Channel}; whoever
 * built the channel owns and closes it. Every call carries a deadline. Failures are
 * {@link io.grpc.StatusRuntimeException}s; {@link CommissionErrors} reads their details.
 */
public final class CommissionClient {
    private final CommissionServiceGrpc.CommissionServiceBlockingStub commission;
    private final RankingServiceGrpc.RankingServiceBlockingStub ranking;
    private final dev.commission.api.v1.SettlementServiceGrpc.SettlementServiceBlockingStub settlement;
    private final dev.commission.api.v1.MetricsServiceGrpc.MetricsServiceBlockingStub metrics;
    /** The deadline of Reconcile and RebuildRankings, which work through a whole campaign. */
    public static final Duration AUDIT_DEADLINE = Duration.ofHours(6);

    private final long deadlineMillis;

    public CommissionClient(Channel channel) {
        this(channel, 10_000);
    }

    public CommissionClient(Channel channel, long deadlineMillis) {
        this.commission = CommissionServiceGrpc.newBlockingStub(channel);
        this.ranking = RankingServiceGrpc.newBlockingStub(channel);
        this.settlement = dev.commission.api.v1.SettlementServiceGrpc.newBlockingStub(channel);
        this.metrics = dev.commission.api.v1.MetricsServiceGrpc.newBlockingStub(channel);
        this.deadlineMillis = deadlineMillis;
    }

    /** The raw stubs with this client's deadline, for the RPCs without a typed method. */
    public CommissionServiceGrpc.CommissionServiceBlockingStub commission() {
        return commission.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    public RankingServiceGrpc.RankingServiceBlockingStub ranking() {
        return ranking.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    public dev.commission.api.v1.SettlementServiceGrpc.SettlementServiceBlockingStub settlement() {
        return settlement.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    public dev.commission.api.v1.MetricsServiceGrpc.MetricsServiceBlockingStub metrics() {
        return metrics.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Hands a settlement to the durable queue and returns once it is stored; safe to retry with the
     * same arguments (a repeat answers where the order stands).
     */
    public dev.commission.api.v1.SubmitSettlementResponse submit(String campaignId, String orderNo, String stewardId,
                                                                 List<OrderLine> lines) {
        return submit(campaignId, orderNo, stewardId, lines, "");
    }

    /** A submission whose buyer ({@code ""} for none) the campaign metrics count once it is settled. */
    public dev.commission.api.v1.SubmitSettlementResponse submit(String campaignId, String orderNo, String stewardId,
                                                                 List<OrderLine> lines, String buyerId) {
        return settlement().submitSettlement(SettleCommissionRequest.newBuilder().setCampaignId(campaignId)
                .setOrderNo(orderNo).setStewardId(stewardId).addAllLines(lines).setBuyerId(buyerId).build());
    }

    /**
     * Reconcile through its streaming variant, handing each progress message to {@code progress},
     * with a deadline of {@link #AUDIT_DEADLINE}: a campaign of millions of orders takes minutes.
     */
    public ReconcileReport reconcile(String campaignId, Consumer<AuditProgress> progress) {
        Iterator<ReconcileProgress> stream = commission.withDeadlineAfter(AUDIT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .reconcileWithProgress(ReconcileRequest.newBuilder().setCampaignId(campaignId).build());
        while (stream.hasNext()) {
            ReconcileProgress next = stream.next();
            if (next.hasReport()) {
                return next.getReport();
            }
            progress.accept(next.getProgress());
        }
        throw new IllegalStateException("Reconcile ended without a report");
    }

    /** RebuildRankings through its streaming variant; see {@link #reconcile(String, Consumer)}. */
    public RebuildRankingsResult rebuildRankings(String campaignId, Consumer<AuditProgress> progress) {
        Iterator<RebuildRankingsProgress> stream = commission.withDeadlineAfter(AUDIT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .rebuildRankingsWithProgress(RebuildRankingsRequest.newBuilder().setCampaignId(campaignId).build());
        while (stream.hasNext()) {
            RebuildRankingsProgress next = stream.next();
            if (next.hasResult()) {
                return next.getResult();
            }
            progress.accept(next.getProgress());
        }
        throw new IllegalStateException("RebuildRankings ended without a result");
    }

    public Campaign createCampaign(String campaignId, String name, CommissionRule rule, TransferPolicy policy) {
        return commission().createCampaign(CreateCampaignRequest.newBuilder().setCampaignId(campaignId).setName(name)
                .setRule(rule).setTransferPolicy(policy).build());
    }

    public Steward registerSteward(String campaignId, String stewardId, String name, String regionId, String groupId) {
        return commission().registerSteward(RegisterStewardRequest.newBuilder().setCampaignId(campaignId)
                .setStewardId(stewardId).setName(name).setRegionId(regionId).setGroupId(groupId).build());
    }

    public Steward steward(String campaignId, String stewardId) {
        return commission().getSteward(GetStewardRequest.newBuilder().setCampaignId(campaignId).setStewardId(stewardId).build());
    }

    /** Settles an order; safe to retry with the same arguments (a replay answers DUPLICATE). */
    public SettleResult settle(String campaignId, String orderNo, String stewardId, List<OrderLine> lines) {
        return settle(campaignId, orderNo, stewardId, lines, "");
    }

    /** A settlement whose buyer ({@code ""} for none) the campaign metrics count. */
    public SettleResult settle(String campaignId, String orderNo, String stewardId, List<OrderLine> lines, String buyerId) {
        return commission().settleCommission(SettleCommissionRequest.newBuilder().setCampaignId(campaignId)
                .setOrderNo(orderNo).setStewardId(stewardId).addAllLines(lines).setBuyerId(buyerId).build());
    }

    /** Refunds {@code refundFen} of an order; safe to retry with the same refund id. */
    public ReverseResult refund(String campaignId, String orderNo, String refundId, long refundFen) {
        return commission().reverseCommission(ReverseCommissionRequest.newBuilder().setCampaignId(campaignId)
                .setOrderNo(orderNo).setRefundId(refundId).setRefundFen(refundFen).build());
    }

    public AdjustResult adjust(String campaignId, String adjustmentId, String stewardId, long deltaFen, String reason) {
        return commission().adjustCommission(AdjustCommissionRequest.newBuilder().setCampaignId(campaignId)
                .setAdjustmentId(adjustmentId).setStewardId(stewardId).setDeltaFen(deltaFen).setReason(reason).build());
    }

    public TransferResult transfer(String campaignId, String stewardId, String transferId, String regionId, String groupId) {
        return commission().transferSteward(TransferStewardRequest.newBuilder().setCampaignId(campaignId)
                .setStewardId(stewardId).setTransferId(transferId).setToRegionId(regionId).setToGroupId(groupId).build());
    }

    public RankingPage ranking(String campaignId, RankingScope scope, long offset, int limit) {
        return ranking().getRanking(GetRankingRequest.newBuilder().setCampaignId(campaignId).setScope(scope)
                .setOffset(offset).setLimit(limit).build());
    }

    public Standing standing(String campaignId, String stewardId) {
        return ranking().getStanding(GetStandingRequest.newBuilder().setCampaignId(campaignId).setStewardId(stewardId).build());
    }

    public static OrderLine line(String skuId, long quantity, long paidFen) {
        return OrderLine.newBuilder().setSkuId(skuId).setQuantity(quantity).setPaidFen(paidFen).build();
    }

    /** {@code STEWARDS}, {@code GROUPS}, {@code REGIONS} or {@code KIND:id} for the scopes inside a region or group. */
    public static RankingScope scope(String token) {
        int colon = token.indexOf(':');
        RankingScope.Kind kind = RankingScope.Kind.valueOf(colon < 0 ? token : token.substring(0, colon));
        return RankingScope.newBuilder().setKind(kind).setId(colon < 0 ? "" : token.substring(colon + 1)).build();
    }
}
