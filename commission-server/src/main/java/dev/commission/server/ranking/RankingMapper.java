package dev.commission.server.ranking;

import dev.commission.api.v1.RankingEntry;
import dev.commission.api.v1.RankingPage;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.ScopeStanding;
import dev.commission.api.v1.Standing;
import java.util.List;

/** Maps RankingService messages to the core's ranking types and back; shared with WatchRanking. */
public final class RankingMapper {
    /** What {@code limit = 0} means for GetRanking. */
    public static final int DEFAULT_PAGE_LIMIT = 100;

    private RankingMapper() {
    }

    /**
     * The core's scope for a proto scope; an unset or unknown kind becomes a null kind, which the
     * core's validation reports as {@code scope.kind}.
     */
    public static dev.commission.core.ranking.RankingScope scope(RankingScope scope) {
        dev.commission.core.ranking.RankingScope.Kind kind = switch (scope.getKind()) {
            case STEWARDS -> dev.commission.core.ranking.RankingScope.Kind.STEWARDS;
            case STEWARDS_IN_REGION -> dev.commission.core.ranking.RankingScope.Kind.STEWARDS_IN_REGION;
            case STEWARDS_IN_GROUP -> dev.commission.core.ranking.RankingScope.Kind.STEWARDS_IN_GROUP;
            case GROUPS -> dev.commission.core.ranking.RankingScope.Kind.GROUPS;
            case GROUPS_IN_REGION -> dev.commission.core.ranking.RankingScope.Kind.GROUPS_IN_REGION;
            case REGIONS -> dev.commission.core.ranking.RankingScope.Kind.REGIONS;
            case KIND_UNSPECIFIED, UNRECOGNIZED -> null;
        };
        return new dev.commission.core.ranking.RankingScope(kind, scope.getId());
    }

    public static RankingScope scope(dev.commission.core.ranking.RankingScope scope) {
        return RankingScope.newBuilder()
                .setKind(RankingScope.Kind.valueOf(scope.kind().name()))
                .setId(text(scope.id()))
                .build();
    }

    public static int pageLimit(int limit) {
        return limit == 0 ? DEFAULT_PAGE_LIMIT : limit;
    }

    public static RankingPage page(dev.commission.core.ranking.RankingPage page) {
        return RankingPage.newBuilder()
                .addAllEntries(entries(page.entries()))
                .setTotalMembers(page.totalMembers())
                .build();
    }

    public static RankingEntry entry(dev.commission.core.ranking.RankingEntry entry) {
        return RankingEntry.newBuilder()
                .setRank(entry.rank())
                .setMemberId(text(entry.memberId()))
                .setDisplayName(text(entry.displayName()))
                .setScoreFen(entry.scoreFen())
                .build();
    }

    public static List<RankingEntry> entries(List<dev.commission.core.ranking.RankingEntry> entries) {
        return entries.stream().map(RankingMapper::entry).toList();
    }

    public static Standing standing(dev.commission.core.ranking.Standing standing) {
        Standing.Builder proto = Standing.newBuilder().setStewardId(text(standing.stewardId()));
        for (dev.commission.core.ranking.ScopeStanding scope : standing.scopes()) {
            proto.addScopes(ScopeStanding.newBuilder()
                    .setScope(scope(scope.scope()))
                    .setRank(scope.rank())
                    .setMembers(scope.members())
                    .setScoreFen(scope.scoreFen())
                    .setGapToAboveFen(scope.gapToAboveFen())
                    .addAllAbove(entries(scope.above()))
                    .addAllBelow(entries(scope.below())));
        }
        return proto.build();
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
