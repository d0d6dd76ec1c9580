package dev.commission.server.watch;

import dev.commission.api.v1.GetRankingRequest;
import dev.commission.api.v1.RankingEntry;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.RankingSnapshot;
import dev.commission.api.v1.WatchRankingRequest;
import dev.commission.core.CommissionEngine;
import dev.commission.core.ranking.RankingPage;
import dev.commission.server.ranking.RankingMapper;
import java.util.List;

import static dev.commission.core.EngineFixture.await;

/** Requests and expectations for watch tests: what GetRanking would answer, in the stream's terms. */
final class Rankings {
    private Rankings() {
    }

    static WatchRankingRequest request(String campaignId, RankingScope.Kind kind, String id, int topN, int intervalMs) {
        return WatchRankingRequest.newBuilder()
                .setCampaignId(campaignId)
                .setScope(RankingScope.newBuilder().setKind(kind).setId(id))
                .setTopN(topN)
                .setMinIntervalMs(intervalMs)
                .build();
    }

    /** The engine's current page for the request's scope, the same one GetRanking serves. */
    static RankingPage page(CommissionEngine engine, WatchRankingRequest request) {
        int topN = request.getTopN() == 0 ? 10 : request.getTopN();
        return await(engine.rankingPage(request.getCampaignId(), RankingMapper.scope(request.getScope()), 0, topN));
    }

    static List<RankingEntry> entries(RankingPage page) {
        return page.entries().stream()
                .map(e -> RankingEntry.newBuilder().setRank(e.rank()).setMemberId(e.memberId())
                        .setDisplayName(e.displayName()).setScoreFen(e.scoreFen()).build())
                .toList();
    }

    /** The GetRanking request for the same scope and width as a watch. */
    static GetRankingRequest getRanking(WatchRankingRequest request) {
        return GetRankingRequest.newBuilder().setCampaignId(request.getCampaignId()).setScope(request.getScope())
                .setLimit(request.getTopN() == 0 ? 10 : request.getTopN()).build();
    }

    /** Whether the snapshot shows exactly what GetRanking answered. */
    static boolean shows(RankingSnapshot snapshot, dev.commission.api.v1.RankingPage page) {
        return snapshot.getEntriesList().equals(page.getEntriesList()) && snapshot.getTotalMembers() == page.getTotalMembers();
    }

    /** Whether the snapshot shows exactly this page: entries (ranks, ids, names, scores) and member count. */
    static boolean shows(RankingSnapshot snapshot, RankingPage page) {
        return snapshot.getEntriesList().equals(entries(page)) && snapshot.getTotalMembers() == page.totalMembers();
    }

    static long scoreOf(RankingSnapshot snapshot, String memberId) {
        return snapshot.getEntriesList().stream().filter(e -> e.getMemberId().equals(memberId))
                .mapToLong(RankingEntry::getScoreFen).findFirst().orElse(-1);
    }
}
