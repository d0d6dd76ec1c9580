package dev.commission.core.ranking;

import java.util.List;

/** A page of a ranking, ordered by score descending then member id ascending. */
public record RankingPage(List<RankingEntry> entries, long totalMembers) {
}
