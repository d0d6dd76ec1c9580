package dev.commission.server.watch;

import dev.commission.api.v1.WatchRankingRequest;
import dev.commission.core.Validator;
import dev.commission.core.ranking.RankingScope;
import dev.commission.server.ranking.RankingMapper;

/** A WatchRanking request with its defaults applied and its bounds checked. */
record WatchRequest(String campaignId, RankingScope scope, int topN, int minIntervalMs) {
    static final int DEFAULT_TOP_N = 10;
    static final int MAX_TOP_N = 200;
    static final int DEFAULT_INTERVAL_MS = 200;
    static final int MIN_INTERVAL_MS = 50;

    /** Fails with INVALID_ARGUMENT and every field violation, as the core's operations do. */
    static WatchRequest of(WatchRankingRequest request) {
        Validator v = new Validator().id("campaign_id", request.getCampaignId());
        RankingScope scope = request.hasScope() ? RankingMapper.scope(request.getScope()) : null;
        if (scope == null) {
            v.check(false, "scope", "is required");
        } else {
            scope.validate(v);
        }
        int topN = request.getTopN() == 0 ? DEFAULT_TOP_N : request.getTopN();
        v.range("top_n", topN, 1, MAX_TOP_N);
        v.throwIfInvalid();
        int interval = request.getMinIntervalMs() == 0 ? DEFAULT_INTERVAL_MS
                : Math.max(MIN_INTERVAL_MS, request.getMinIntervalMs());
        return new WatchRequest(request.getCampaignId(), scope, topN, interval);
    }
}
