package dev.commission.server.watch;

import dev.commission.api.v1.RankingSnapshot;
import dev.commission.api.v1.WatchRankingRequest;
import io.grpc.stub.StreamObserver;

/**
 * Serves WatchRanking streams: one pub/sub subscription per instance, one Redis read per dirty
 * watched scope per tick, shared by every watcher of that scope.
 */
public final class RankingWatchHub implements AutoCloseable {

    public void watch(WatchRankingRequest request, StreamObserver<RankingSnapshot> responseObserver) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void close() {
    }
}
