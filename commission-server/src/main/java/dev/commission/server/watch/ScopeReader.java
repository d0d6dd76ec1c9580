package dev.commission.server.watch;

import dev.commission.core.CommissionEngine;
import dev.commission.core.ranking.RankingPage;
import dev.commission.core.ranking.RankingScope;
import java.util.concurrent.CompletionStage;

/** How the hub reads the top of one ranking: in production, the engine's page script (one EVALSHA). */
@FunctionalInterface
interface ScopeReader {

    /** The first {@code topN} entries of the scope and its member count; fails with CAMPAIGN_NOT_FOUND. */
    CompletionStage<RankingPage> top(String campaignId, RankingScope scope, int topN);

    static ScopeReader of(CommissionEngine engine) {
        return (campaignId, scope, topN) -> engine.rankingPage(campaignId, scope, 0, topN);
    }
}
