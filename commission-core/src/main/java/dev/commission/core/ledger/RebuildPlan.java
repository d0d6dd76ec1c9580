package dev.commission.core.ledger;

import dev.commission.core.CampaignKeys;
import dev.commission.core.ranking.RankingScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The KEYS and ARGV of {@code lua/rebuild.lua}: every ranking, the totals, the steward figures
 * and the placement counts a replay says the campaign must hold, plus every ranking that exists
 * now and must go. One flat ARGV list, laid out as the script's header describes.
 */
final class RebuildPlan {
    static final String SCRIPT = "rebuild";

    private final List<Object> keys = new ArrayList<>();
    private final List<Object> args = new ArrayList<>();

    private RebuildPlan() {
    }

    static RebuildPlan of(CampaignKeys keys, LedgerSnapshot snapshot, LedgerReplay replay) {
        Map<String, Map<String, Long>> rankings = new LinkedHashMap<>();
        rankings.put("rank:stewards", replay.stewardRanking());
        rankings.put("rank:groups", replay.groupScores());
        rankings.put("rank:regions", replay.regionScores());
        replay.stewardsByRegion().forEach((r, members) -> rankings.put("rank:region:" + r, members));
        replay.stewardsByGroup().forEach((g, members) -> rankings.put("rank:group:" + g, members));
        replay.regionGroupScores().forEach((r, groups) -> rankings.put("rank:region-groups:" + r, groups));
        // Whatever exists now and is not rebuilt is deleted: a ranking the ledger does not list.
        snapshot.rankings().forEach((name, members) -> {
            if (!members.isEmpty()) {
                rankings.putIfAbsent(name, Map.of());
            }
        });

        Map<String, LedgerReplay.StewardState> stewards = replay.stewards();
        Map<String, Long> placements = replay.placementCounts();
        LedgerReplay.Totals totals = replay.totals();
        StringJoiner scopes = new StringJoiner(" ");
        rankings.keySet().forEach(name -> scopes.add(scopeOf(name).token()));

        RebuildPlan plan = new RebuildPlan();
        plan.keys.addAll(List.of(keys.campaign(), keys.ledger(), keys.totals(), keys.placements()));
        rankings.keySet().forEach(name -> plan.keys.add(keys.prefix() + name));
        stewards.keySet().forEach(id -> plan.keys.add(keys.steward(id)));

        plan.args.add(replay.lastEntryId());
        plan.args.add(Integer.toString(rankings.size()));
        plan.args.add(Integer.toString(stewards.size()));
        plan.args.add(Integer.toString(placements.size()));
        plan.args.add(Long.toString(totals.earnedFen()));
        plan.args.add(Long.toString(totals.salesFen()));
        plan.args.add(Long.toString(totals.orders()));
        plan.args.add(scopes.toString());
        rankings.values().forEach(members -> {
            plan.args.add(Integer.toString(members.size()));
            members.forEach((member, score) -> {
                plan.args.add(member);
                plan.args.add(Long.toString(score));
            });
        });
        stewards.values().forEach(s -> {
            plan.args.add(Long.toString(s.earnedFen()));
            plan.args.add(Long.toString(s.salesFen()));
            plan.args.add(Long.toString(s.orders()));
            plan.args.add(s.regionId());
            plan.args.add(s.groupId());
        });
        placements.forEach((field, count) -> {
            plan.args.add(field);
            plan.args.add(Long.toString(count));
        });
        return plan;
    }

    List<Object> keys() {
        return keys;
    }

    List<Object> args() {
        return args;
    }

    /** The scope a ranking key (without the prefix) holds, to name it on the events channel. */
    static RankingScope scopeOf(String name) {
        if (name.equals("rank:stewards")) {
            return RankingScope.of(RankingScope.Kind.STEWARDS);
        } else if (name.equals("rank:groups")) {
            return RankingScope.of(RankingScope.Kind.GROUPS);
        } else if (name.equals("rank:regions")) {
            return RankingScope.of(RankingScope.Kind.REGIONS);
        } else if (name.startsWith("rank:region-groups:")) {
            return RankingScope.of(RankingScope.Kind.GROUPS_IN_REGION, name.substring("rank:region-groups:".length()));
        } else if (name.startsWith("rank:region:")) {
            return RankingScope.of(RankingScope.Kind.STEWARDS_IN_REGION, name.substring("rank:region:".length()));
        } else if (name.startsWith("rank:group:")) {
            return RankingScope.of(RankingScope.Kind.STEWARDS_IN_GROUP, name.substring("rank:group:".length()));
        }
        throw new IllegalArgumentException("not a ranking key: " + name);
    }
}
