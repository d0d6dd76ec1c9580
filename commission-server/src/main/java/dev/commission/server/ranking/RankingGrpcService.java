package dev.commission.server.ranking;

import static dev.commission.server.status.Replies.unary;

import dev.commission.api.v1.GetRankingRequest;
import dev.commission.api.v1.GetStandingRequest;
import dev.commission.api.v1.RankingPage;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.api.v1.RankingSnapshot;
import dev.commission.api.v1.Standing;
import dev.commission.api.v1.WatchRankingRequest;
import dev.commission.core.CommissionEngine;
import dev.commission.server.status.Replies;
import dev.commission.server.watch.RankingWatchHub;
import io.grpc.stub.StreamObserver;

/** RankingService: pages and standings from the engine; WatchRanking streams from the instance's watch hub. */
public final class RankingGrpcService extends RankingServiceGrpc.RankingServiceImplBase {
    private final CommissionEngine engine;
    private final RankingWatchHub watchHub;

    public RankingGrpcService(CommissionEngine engine, RankingWatchHub watchHub) {
        this.engine = engine;
        this.watchHub = watchHub;
    }

    @Override
    public void getRanking(GetRankingRequest request, StreamObserver<RankingPage> observer) {
        unary("GetRanking", () -> engine.rankingPage(request.getCampaignId(),
                        request.hasScope() ? RankingMapper.scope(request.getScope()) : null,
                        request.getOffset(), RankingMapper.pageLimit(request.getLimit())),
                RankingMapper::page, observer);
    }

    @Override
    public void getStanding(GetStandingRequest request, StreamObserver<Standing> observer) {
        unary("GetStanding", () -> engine.standing(request.getCampaignId(), request.getStewardId()),
                RankingMapper::standing, observer);
    }

    @Override
    public void watchRanking(WatchRankingRequest request, StreamObserver<RankingSnapshot> observer) {
        try {
            watchHub.watch(request, observer);
        } catch (RuntimeException e) {
            Replies.fail("WatchRanking", e, observer);
        }
    }
}
