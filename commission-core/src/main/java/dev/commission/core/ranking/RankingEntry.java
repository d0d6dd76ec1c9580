package dev.commission.core.ranking;

/** One place: competition rank, member id, display name (a steward's name, else the id), score in fen. */
public record RankingEntry(long rank, String memberId, String displayName, long scoreFen) {
}
