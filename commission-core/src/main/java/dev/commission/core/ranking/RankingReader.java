package dev.commission.core.ranking;

import dev.commission.core.CampaignKeys;
import dev.commission.core.operation.ScriptReply;
import dev.commission.core.operation.ScriptRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Reads ranking pages and standings, each in one read-only script so a page is one consistent view.
 * Both order a ranking by score descending, then member id ascending, with competition ranks.
 */
public final class RankingReader {
    static final String PAGE_SCRIPT = "ranking-page";
    static final String STANDING_SCRIPT = "standing";

    private final ScriptRunner runner;

    public RankingReader(ScriptRunner runner) {
        this.runner = runner;
        runner.register(PAGE_SCRIPT);
        runner.register(STANDING_SCRIPT);
    }

    /**
     * Entries at positions {@code [offset, offset + limit)} of the scope, and how many members it
     * has. An offset past the end gives an empty page. Fails with {@code CAMPAIGN_NOT_FOUND}.
     */
    public CompletionStage<RankingPage> page(CampaignKeys keys, RankingScope scope, long offset, int limit) {
        List<Object> scriptKeys = List.of(keys.campaign(), scope.key(keys), keys.names());
        List<Object> args = List.of(Long.toString(offset), Integer.toString(limit),
                scope.kind().ofStewards() ? "1" : "0");
        return runner.run(PAGE_SCRIPT, scriptKeys, args).thenApply(RankingReader::decodePage);
    }

    /**
     * The steward's place in the campaign, its region and its group. Fails with
     * {@code CAMPAIGN_NOT_FOUND} or {@code STEWARD_NOT_FOUND}. A scope whose ranking does not hold
     * the steward (which the write scripts never leave behind) shows rank 0 and no neighbours.
     */
    public CompletionStage<Standing> standing(CampaignKeys keys, String stewardId) {
        List<Object> scriptKeys = List.of(keys.campaign(), keys.steward(stewardId), keys.rankStewards(), keys.names());
        return runner.run(STANDING_SCRIPT, scriptKeys, List.of(stewardId)).thenApply(RankingReader::decodeStanding);
    }

    /** {@code OK, total, n, (id, name, score, rank) * n}. */
    private static RankingPage decodePage(ScriptReply reply) {
        long total = reply.nextNumber();
        List<RankingEntry> entries = entries(reply);
        return new RankingPage(entries, total);
    }

    /**
     * {@code OK, steward, n_scopes}, then per scope {@code kind, id, rank, members, score, gap},
     * the entries above and the entries below, each list as a count then its entries.
     */
    private static Standing decodeStanding(ScriptReply reply) {
        String stewardId = reply.nextString();
        long count = reply.nextNumber();
        List<ScopeStanding> scopes = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            RankingScope.Kind kind = RankingScope.Kind.valueOf(reply.nextString());
            RankingScope scope = RankingScope.of(kind, reply.nextString());
            long rank = reply.nextNumber();
            long members = reply.nextNumber();
            long score = reply.nextNumber();
            long gap = reply.nextNumber();
            List<RankingEntry> above = entries(reply);
            List<RankingEntry> below = entries(reply);
            scopes.add(new ScopeStanding(scope, rank, members, score, gap, above, below));
        }
        return new Standing(stewardId, List.copyOf(scopes));
    }

    /** A count, then that many {@code id, name, score, rank}. */
    private static List<RankingEntry> entries(ScriptReply reply) {
        int n = Math.toIntExact(reply.nextNumber());
        List<RankingEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String id = reply.nextString();
            String name = reply.nextString();
            long score = reply.nextNumber();
            long rank = reply.nextNumber();
            entries.add(new RankingEntry(rank, id, name, score));
        }
        return List.copyOf(entries);
    }
}
