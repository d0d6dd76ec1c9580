package dev.commission.core.ranking;

import dev.commission.core.CampaignKeys;
import dev.commission.core.Validator;

/**
 * One ranking: its kind and, for the kinds inside a region or group, which one. Its
 * {@link #token()} is how scripts name it on the events channel.
 */
public record RankingScope(Kind kind, String id) {

    public enum Kind {
        STEWARDS(false, true),
        STEWARDS_IN_REGION(true, true),
        STEWARDS_IN_GROUP(true, true),
        GROUPS(false, false),
        GROUPS_IN_REGION(true, false),
        REGIONS(false, false);

        private final boolean needsId;
        private final boolean ofStewards;

        Kind(boolean needsId, boolean ofStewards) {
            this.needsId = needsId;
            this.ofStewards = ofStewards;
        }

        public boolean needsId() {
            return needsId;
        }

        /** Whether members are stewards (shown by name) rather than groups or regions. */
        public boolean ofStewards() {
            return ofStewards;
        }
    }

    public RankingScope {
        id = id == null ? "" : id;
    }

    public static RankingScope of(Kind kind) {
        return new RankingScope(kind, "");
    }

    public static RankingScope of(Kind kind, String id) {
        return new RankingScope(kind, id);
    }

    public void validate(Validator v) {
        if (kind == null) {
            v.check(false, "scope.kind", "is required");
        } else if (kind.needsId()) {
            v.id("scope.id", id);
        } else {
            v.check(id.isEmpty(), "scope.id", "must be empty for " + kind);
        }
    }

    /** The sorted set that holds this ranking. */
    public String key(CampaignKeys keys) {
        return switch (kind) {
            case STEWARDS -> keys.rankStewards();
            case STEWARDS_IN_REGION -> keys.rankStewardsInRegion(id);
            case STEWARDS_IN_GROUP -> keys.rankStewardsInGroup(id);
            case GROUPS -> keys.rankGroups();
            case GROUPS_IN_REGION -> keys.rankGroupsInRegion(id);
            case REGIONS -> keys.rankRegions();
        };
    }

    /** {@code KIND} or {@code KIND:id}, as published on the events channel. */
    public String token() {
        return kind.needsId() ? kind.name() + ":" + id : kind.name();
    }

    public static RankingScope fromToken(String token) {
        int colon = token.indexOf(':');
        return colon < 0 ? of(Kind.valueOf(token)) : of(Kind.valueOf(token.substring(0, colon)), token.substring(colon + 1));
    }
}
