package dev.commission.core.ranking;

import java.util.List;

/** A steward's place in one scope: rank, size, score, gap to the one above, and its neighbours. */
public record ScopeStanding(RankingScope scope, long rank, long members, long scoreFen, long gapToAboveFen,
                            List<RankingEntry> above, List<RankingEntry> below) {
}
