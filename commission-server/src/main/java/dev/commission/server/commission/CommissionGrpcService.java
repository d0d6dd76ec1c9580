package dev.commission.server.commission;

import static dev.commission.server.status.Replies.unary;

import dev.commission.api.v1.AdjustCommissionRequest;
import dev.commission.api.v1.AdjustResult;
import dev.commission.api.v1.AuditProgress;
import dev.commission.api.v1.Campaign;
import dev.commission.api.v1.CloseCampaignRequest;
import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.GetCampaignRequest;
import dev.commission.api.v1.GetOrderRequest;
import dev.commission.api.v1.GetStewardRequest;
import dev.commission.api.v1.LedgerPage;
import dev.commission.api.v1.ListLedgerRequest;
import dev.commission.api.v1.Order;
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
import dev.commission.api.v1.Steward;
import dev.commission.api.v1.TransferResult;
import dev.commission.api.v1.TransferStewardRequest;
import dev.commission.core.CommissionEngine;
import dev.commission.core.ledger.AuditControl;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * CommissionService over the core's {@link CommissionEngine}: each call maps its request, starts
 * the engine's asynchronous operation and answers when it completes.
 */
public final class CommissionGrpcService extends CommissionServiceGrpc.CommissionServiceImplBase {
    private final CommissionEngine engine;

    public CommissionGrpcService(CommissionEngine engine) {
        this.engine = engine;
    }

    @Override
    public void createCampaign(CreateCampaignRequest request, StreamObserver<Campaign> observer) {
        unary("CreateCampaign", () -> engine.createCampaign(CommissionMapper.createCampaign(request)),
                CommissionMapper::campaign, observer);
    }

    @Override
    public void getCampaign(GetCampaignRequest request, StreamObserver<Campaign> observer) {
        unary("GetCampaign", () -> engine.getCampaign(request.getCampaignId()), CommissionMapper::campaign, observer);
    }

    @Override
    public void closeCampaign(CloseCampaignRequest request, StreamObserver<Campaign> observer) {
        unary("CloseCampaign", () -> engine.closeCampaign(request.getCampaignId()), CommissionMapper::campaign,
                observer);
    }

    @Override
    public void registerSteward(RegisterStewardRequest request, StreamObserver<Steward> observer) {
        unary("RegisterSteward", () -> engine.registerSteward(CommissionMapper.registerSteward(request)),
                CommissionMapper::steward, observer);
    }

    @Override
    public void getSteward(GetStewardRequest request, StreamObserver<Steward> observer) {
        unary("GetSteward", () -> engine.getSteward(request.getCampaignId(), request.getStewardId()),
                CommissionMapper::steward, observer);
    }

    @Override
    public void settleCommission(SettleCommissionRequest request, StreamObserver<SettleResult> observer) {
        unary("SettleCommission", () -> engine.settle(CommissionMapper.settle(request)),
                CommissionMapper::settleResult, observer);
    }

    @Override
    public void reverseCommission(ReverseCommissionRequest request, StreamObserver<ReverseResult> observer) {
        unary("ReverseCommission", () -> engine.reverse(CommissionMapper.reverse(request)),
                CommissionMapper::reverseResult, observer);
    }

    @Override
    public void adjustCommission(AdjustCommissionRequest request, StreamObserver<AdjustResult> observer) {
        unary("AdjustCommission", () -> engine.adjust(CommissionMapper.adjust(request)),
                CommissionMapper::adjustResult, observer);
    }

    @Override
    public void transferSteward(TransferStewardRequest request, StreamObserver<TransferResult> observer) {
        unary("TransferSteward", () -> engine.transfer(CommissionMapper.transfer(request)),
                CommissionMapper::transferResult, observer);
    }

    @Override
    public void getOrder(GetOrderRequest request, StreamObserver<Order> observer) {
        unary("GetOrder", () -> engine.getOrder(request.getCampaignId(), request.getOrderNo()),
                CommissionMapper::order, observer);
    }

    @Override
    public void listLedger(ListLedgerRequest request, StreamObserver<LedgerPage> observer) {
        unary("ListLedger", () -> engine.listLedger(request.getCampaignId(), request.getAfter(),
                CommissionMapper.ledgerLimit(request.getLimit())), CommissionMapper::ledgerPage, observer);
    }

    @Override
    public void reconcile(ReconcileRequest request, StreamObserver<ReconcileReport> observer) {
        AuditCalls control = AuditCalls.logged("Reconcile", request.getCampaignId());
        unary("Reconcile", () -> engine.reconcile(request.getCampaignId(), control), CommissionMapper::reconcileReport,
                observer);
    }

    @Override
    public void reconcileWithProgress(ReconcileRequest request, StreamObserver<ReconcileProgress> observer) {
        withProgress("ReconcileWithProgress", request.getCampaignId(), engine::reconcile,
                p -> ReconcileProgress.newBuilder().setProgress(p).build(),
                r -> ReconcileProgress.newBuilder().setReport(CommissionMapper.reconcileReport(r)).build(), observer);
    }

    @Override
    public void rebuildRankings(RebuildRankingsRequest request, StreamObserver<RebuildRankingsResult> observer) {
        AuditCalls control = AuditCalls.logged("RebuildRankings", request.getCampaignId());
        unary("RebuildRankings", () -> engine.rebuildRankings(request.getCampaignId(), control),
                CommissionMapper::rebuildResult, observer);
    }

    @Override
    public void rebuildRankingsWithProgress(RebuildRankingsRequest request,
                                            StreamObserver<RebuildRankingsProgress> observer) {
        withProgress("RebuildRankingsWithProgress", request.getCampaignId(), engine::rebuildRankings,
                p -> RebuildRankingsProgress.newBuilder().setProgress(p).build(),
                r -> RebuildRankingsProgress.newBuilder().setResult(CommissionMapper.rebuildResult(r)).build(), observer);
    }

    /**
     * A long audit as a stream: progress messages about once a second, then the result. The
     * audit's one thread sends them all, the last one too, so they never interleave.
     */
    private static <T, M> void withProgress(String operation, String campaignId,
                                            BiFunction<String, AuditControl, CompletionStage<T>> audit,
                                            Function<AuditProgress, M> progress, Function<T, M> last,
                                            StreamObserver<M> observer) {
        AuditCalls control = AuditCalls.streamed(operation, campaignId, p -> {
            try {
                observer.onNext(progress.apply(CommissionMapper.auditProgress(p)));
            } catch (RuntimeException e) {
                // the caller went away; the audit sees the cancellation at its next slice
            }
        });
        unary(operation, () -> audit.apply(campaignId, control), last, observer);
    }
}
