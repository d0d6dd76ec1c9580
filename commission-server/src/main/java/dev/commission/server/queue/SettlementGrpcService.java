package dev.commission.server.queue;

import static dev.commission.server.status.Replies.unary;

import dev.commission.api.v1.DeadLetter;
import dev.commission.api.v1.DeadLetterPage;
import dev.commission.api.v1.DiscardDeadLetterRequest;
import dev.commission.api.v1.GetQueueStatsRequest;
import dev.commission.api.v1.GetSettlementRequest;
import dev.commission.api.v1.ListDeadLettersRequest;
import dev.commission.api.v1.QueueStats;
import dev.commission.api.v1.ReplayDeadLetterRequest;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.Settlement;
import dev.commission.api.v1.SettlementServiceGrpc;
import dev.commission.api.v1.SubmitSettlementResponse;
import dev.commission.api.v1.SubmitSettlementResult;
import dev.commission.api.v1.SubmitSettlementsRequest;
import dev.commission.api.v1.SubmitSettlementsResponse;
import dev.commission.core.Validator;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.queue.SettlementQueue;
import dev.commission.core.queue.Submission;
import dev.commission.server.commission.CommissionMapper;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** SettlementService over the core's {@link SettlementQueue}. */
public final class SettlementGrpcService extends SettlementServiceGrpc.SettlementServiceImplBase {
    private final SettlementQueue queue;

    public SettlementGrpcService(SettlementQueue queue) {
        this.queue = queue;
    }

    @Override
    public void submitSettlement(SettleCommissionRequest request, StreamObserver<SubmitSettlementResponse> observer) {
        unary("SubmitSettlement", () -> queue.submit(CommissionMapper.settle(request)), SettlementMapper::submission,
                observer);
    }

    @Override
    public void submitSettlements(SubmitSettlementsRequest request, StreamObserver<SubmitSettlementsResponse> observer) {
        unary("SubmitSettlements", () -> {
            new Validator().range("requests", request.getRequestsCount(), 1, SettlementQueue.MAX_BATCH).throwIfInvalid();
            List<CompletableFuture<SubmitSettlementResult>> results = new ArrayList<>();
            List<SettleCommission> requests = request.getRequestsList().stream().map(CommissionMapper::settle).toList();
            for (CompletionStage<Submission> one : queue.submitAll(requests)) {
                results.add(one.toCompletableFuture().handle((ok, failure) -> failure == null
                        ? SubmitSettlementResult.newBuilder().setAccepted(SettlementMapper.submission(ok)).build()
                        : SubmitSettlementResult.newBuilder()
                                .setError(SettlementMapper.error(failure, "SubmitSettlements")).build()));
            }
            return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(done -> {
                SubmitSettlementsResponse.Builder reply = SubmitSettlementsResponse.newBuilder();
                results.forEach(r -> reply.addResults(r.join()));
                return reply.build();
            });
        }, reply -> reply, observer);
    }

    @Override
    public void getSettlement(GetSettlementRequest request, StreamObserver<Settlement> observer) {
        unary("GetSettlement", () -> queue.get(request.getCampaignId(), request.getOrderNo()),
                SettlementMapper::settlement, observer);
    }

    @Override
    public void listDeadLetters(ListDeadLettersRequest request, StreamObserver<DeadLetterPage> observer) {
        unary("ListDeadLetters", () -> queue.deadLetters(request.getCampaignId(), request.getAfter(),
                request.getLimit() == 0 ? 100 : request.getLimit()), SettlementMapper::page, observer);
    }

    @Override
    public void replayDeadLetter(ReplayDeadLetterRequest request, StreamObserver<DeadLetter> observer) {
        unary("ReplayDeadLetter", () -> queue.replay(request.getId()), SettlementMapper::deadLetter, observer);
    }

    @Override
    public void discardDeadLetter(DiscardDeadLetterRequest request, StreamObserver<DeadLetter> observer) {
        unary("DiscardDeadLetter", () -> queue.discard(request.getId(), request.getReason()),
                SettlementMapper::deadLetter, observer);
    }

    @Override
    public void getQueueStats(GetQueueStatsRequest request, StreamObserver<QueueStats> observer) {
        unary("GetQueueStats", queue::stats, SettlementMapper::stats, observer);
    }

    /** The workers' description of a failure: the status a caller of SettleCommission would have got. */
    public static dev.commission.core.queue.QueueError describe(Throwable failure) {
        return SettlementMapper.describe(failure);
    }
}
