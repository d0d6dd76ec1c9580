package dev.commission.core.ledger;

import dev.commission.core.ranking.RankingScope;

/**
 * What the ledger, replayed up to some entry, says each stored figure of a campaign must be: one
 * member of a ranking, one field of the totals, the placement counts or a steward's hash. The one
 * mapping from a key (without the campaign prefix) to the replay, shared by Reconcile and
 * RebuildRankings.
 */
final class LedgerFigures {
    static final String RANK_STEWARDS = "rank:stewards";
    static final String RANK_GROUPS = "rank:groups";
    static final String RANK_REGIONS = "rank:regions";
    static final String RANK_REGION = "rank:region:";
    static final String RANK_GROUP = "rank:group:";
    static final String RANK_REGION_GROUPS = "rank:region-groups:";
    static final String STEWARD = "steward:";
    static final String TOTALS = "totals";
    static final String PLACEMENTS = "placements";

    private final LedgerReplay replay;

    LedgerFigures(LedgerReplay replay) {
        this.replay = replay;
    }

    /**
     * The value {@code member} (a ranking member, or a hash field) of {@code key} must have now, as
     * Redis would hold it; null when it must not exist. Hashes the ledger does not derive (a
     * steward it never names) are not judged: null.
     */
    String expected(String key, String member) {
        if (key.equals(RANK_STEWARDS)) {
            LedgerReplay.StewardState s = replay.steward(member);
            return s == null ? null : Long.toString(s.earnedFen());
        } else if (key.startsWith(RANK_REGION_GROUPS)) {
            return text(replay.regionGroupScore(key.substring(RANK_REGION_GROUPS.length()), member));
        } else if (key.startsWith(RANK_REGION)) {
            LedgerReplay.StewardState s = replay.steward(member);
            return s != null && s.regionId().equals(key.substring(RANK_REGION.length()))
                    ? Long.toString(s.earnedFen()) : null;
        } else if (key.startsWith(RANK_GROUP)) {
            LedgerReplay.StewardState s = replay.steward(member);
            return s != null && s.groupId().equals(key.substring(RANK_GROUP.length()))
                    ? Long.toString(s.earnedFen()) : null;
        } else if (key.equals(RANK_GROUPS)) {
            return text(replay.groupScore(member));
        } else if (key.equals(RANK_REGIONS)) {
            return text(replay.regionScore(member));
        } else if (key.equals(PLACEMENTS)) {
            long count = replay.placementCount(member);
            return count == 0 ? null : Long.toString(count);
        } else if (key.equals(TOTALS)) {
            LedgerReplay.Totals t = replay.totals();
            return switch (member) {
                case "earned" -> Long.toString(t.earnedFen());
                case "sales" -> Long.toString(t.salesFen());
                case "orders" -> Long.toString(t.orders());
                default -> null;
            };
        } else if (key.startsWith(STEWARD)) {
            LedgerReplay.StewardState s = replay.steward(key.substring(STEWARD.length()));
            if (s == null) {
                return null;
            }
            return switch (member) {
                case "earned" -> Long.toString(s.earnedFen());
                case "sales" -> Long.toString(s.salesFen());
                case "orders" -> Long.toString(s.orders());
                case "region" -> s.regionId();
                case "group" -> s.groupId();
                default -> null;
            };
        }
        throw new IllegalArgumentException("not a figure the ledger derives: " + key);
    }

    /**
     * The ids a figure depends on: an entry naming one of them may change it. {@code *} for the
     * totals, which every entry may change.
     */
    static String owners(String key, String member) {
        if (key.equals(TOTALS)) {
            return "*";
        } else if (key.startsWith(STEWARD)) {
            return key.substring(STEWARD.length());
        } else if (key.equals(PLACEMENTS)) {
            return member.substring(member.indexOf(':') + 1).replace(':', ' ');
        } else if (key.startsWith(RANK_REGION_GROUPS)) {
            return key.substring(RANK_REGION_GROUPS.length()) + " " + member;
        }
        return member;
    }

    /** The scope a ranking key holds, to name on the events channel; null for other keys. */
    static RankingScope scopeOf(String key) {
        if (key.equals(RANK_STEWARDS)) {
            return RankingScope.of(RankingScope.Kind.STEWARDS);
        } else if (key.equals(RANK_GROUPS)) {
            return RankingScope.of(RankingScope.Kind.GROUPS);
        } else if (key.equals(RANK_REGIONS)) {
            return RankingScope.of(RankingScope.Kind.REGIONS);
        } else if (key.startsWith(RANK_REGION_GROUPS)) {
            return RankingScope.of(RankingScope.Kind.GROUPS_IN_REGION, key.substring(RANK_REGION_GROUPS.length()));
        } else if (key.startsWith(RANK_REGION)) {
            return RankingScope.of(RankingScope.Kind.STEWARDS_IN_REGION, key.substring(RANK_REGION.length()));
        } else if (key.startsWith(RANK_GROUP)) {
            return RankingScope.of(RankingScope.Kind.STEWARDS_IN_GROUP, key.substring(RANK_GROUP.length()));
        }
        return null;
    }

    private static String text(Long value) {
        return value == null ? null : Long.toString(value);
    }
}
