package dev.commission.server.watch;

import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.api.v1.RankingSnapshot;
import dev.commission.api.v1.WatchRankingRequest;
import io.grpc.stub.StreamObserver;

/** RankingService with only WatchRanking, delegated to a hub as the server's RankingGrpcService does. */
final class WatchOnlyService extends RankingServiceGrpc.RankingServiceImplBase {
    private final RankingWatchHub hub;

    WatchOnlyService(RankingWatchHub hub) {
        this.hub = hub;
    }

    @Override
    public void watchRanking(WatchRankingRequest request, StreamObserver<RankingSnapshot> responseObserver) {
        hub.watch(request, responseObserver);
    }
}
