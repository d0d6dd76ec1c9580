package dev.commission.server.watch;

import dev.commission.api.v1.RankingSnapshot;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * One WatchRanking call. It holds at most one snapshot not yet sent (latest wins), so a slow
 * client costs O(1) memory. Confined to the hub's loop thread, except the observer's handlers,
 * which only post tasks to it.
 */
final class WatchStream {
    final WatchRequest request;
    final WatchedScope.Key key;
    final int topN;
    final long intervalNanos;
    private final StreamObserver<RankingSnapshot> observer;
    private final ServerCallStreamObserver<RankingSnapshot> call;

    /** What this stream sent last; null before the first snapshot. */
    WatchedScope.View lastSent;
    /** The latest snapshot not yet sent (waiting for the interval or for flow control), and its view. */
    RankingSnapshot pending;
    WatchedScope.View pendingView;
    /** System.nanoTime() before which no further snapshot may be sent. */
    long nextSendNanos;
    /** A wake-up is scheduled for nextSendNanos. */
    boolean wakeScheduled;
    boolean ended;

    WatchStream(WatchRequest request, StreamObserver<RankingSnapshot> observer) {
        this.request = request;
        this.key = new WatchedScope.Key(request.campaignId(), request.scope().token());
        this.topN = request.topN();
        this.intervalNanos = request.minIntervalMs() * 1_000_000L;
        this.observer = observer;
        this.call = observer instanceof ServerCallStreamObserver<RankingSnapshot> c ? c : null;
        this.nextSendNanos = System.nanoTime();
    }

    /** Registers the flow-control and cancellation callbacks; must run inside the RPC method. */
    void onReadyOrCancel(Runnable onReady, Runnable onCancel) {
        if (call != null) {
            call.setOnReadyHandler(onReady);
            call.setOnCancelHandler(onCancel);
        }
    }

    boolean isReady() {
        return call == null || call.isReady();
    }

    boolean isCancelled() {
        return call != null && call.isCancelled();
    }

    void send(RankingSnapshot snapshot) {
        observer.onNext(snapshot);
    }

    void complete() {
        if (!ended) {
            ended = true;
            observer.onCompleted();
        }
    }

    void fail(Throwable status) {
        if (!ended) {
            ended = true;
            observer.onError(status);
        }
    }
}
