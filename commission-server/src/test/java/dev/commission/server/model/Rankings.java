package dev.commission.server.model;

import dev.commission.api.v1.GetRankingRequest;
import dev.commission.api.v1.RankingEntry;
import dev.commission.api.v1.RankingPage;
import dev.commission.api.v1.RankingScope;
import dev.commission.server.testing.InProcessServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads whole rankings through the API, page by page. */
final class Rankings {
    private Rankings() {
    }

    static List<RankingEntry> all(InProcessServer server, String campaignId, RankingScope.Kind kind, String id) {
        List<RankingEntry> entries = new ArrayList<>();
        RankingPage page;
        do {
            page = server.ranking().getRanking(GetRankingRequest.newBuilder().setCampaignId(campaignId)
                    .setScope(RankingScope.newBuilder().setKind(kind).setId(id)).setOffset(entries.size()).setLimit(1000).build());
            entries.addAll(page.getEntriesList());
        } while (entries.size() < page.getTotalMembers() && page.getEntriesCount() > 0);
        return entries;
    }

    static Map<String, Long> scores(InProcessServer server, String campaignId, RankingScope.Kind kind, String id) {
        Map<String, Long> scores = new LinkedHashMap<>();
        for (RankingEntry entry : all(server, campaignId, kind, id)) {
            scores.put(entry.getMemberId(), entry.getScoreFen());
        }
        return scores;
    }
}
