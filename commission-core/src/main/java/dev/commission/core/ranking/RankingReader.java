package dev.commission.core.ranking;

import dev.commission.core.CampaignKeys;
import dev.commission.core.operation.ScriptRunner;
import java.util.concurrent.CompletionStage;

/** Reads ranking pages and standings, each in one read-only script so a page is one consistent view. */
public final class RankingReader {
    private final ScriptRunner runner;

    public RankingReader(ScriptRunner runner) {
        this.runner = runner;
    }

    public CompletionStage<RankingPage> page(CampaignKeys keys, RankingScope scope, long offset, int limit) {
        throw new UnsupportedOperationException("TODO");
    }

    public CompletionStage<Standing> standing(CampaignKeys keys, String stewardId) {
        throw new UnsupportedOperationException("TODO");
    }
}
