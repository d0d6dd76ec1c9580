package dev.commission.core.ledger;

import dev.commission.core.campaign.TransferPolicy;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The reconciliation (核销) invariants, checked on one snapshot against the replay of its own
 * ledger. Each check has a stable name and explains every difference in one line.
 */
final class Reconciliation {
    static final String LEDGER_EQUALS_TOTALS = "ledger_equals_totals";
    static final String STEWARDS_EQUAL_TOTALS = "stewards_equal_totals";
    static final String STEWARD_RANKING_EQUALS_STEWARDS = "steward_ranking_equals_stewards";
    static final String GROUP_SCORES = "group_scores";
    static final String REGION_SCORES = "region_scores";
    static final String REGION_GROUP_SCORES = "region_group_scores";
    static final String NO_NEGATIVE_STEWARD = "no_negative_steward";
    static final String ORDER_COMMISSION = "order_commission";
    static final String STEWARDS_MATCH_LEDGER = "stewards_match_ledger";
    static final String PLACEMENT_COUNTS = "placement_counts";

    private static final String[] TOTAL_FIELDS = {"earned", "sales", "orders"};
    private static final String RANK_REGION = "rank:region:";
    private static final String RANK_GROUP = "rank:group:";
    private static final String RANK_REGION_GROUPS = "rank:region-groups:";
    /** Stands for a steward's earned that is no integer, so no ranking score can match it. */
    private static final long NOT_A_NUMBER = Long.MIN_VALUE;

    private final LedgerSnapshot snapshot;
    private final LedgerReplay replay;
    /** The steward hashes that exist. */
    private final Map<String, Map<String, String>> stewards = new TreeMap<>();

    private Reconciliation(LedgerSnapshot snapshot, LedgerReplay replay) {
        this.snapshot = snapshot;
        this.replay = replay;
        snapshot.stewards().forEach((id, hash) -> {
            if (!hash.isEmpty()) {
                stewards.put(id, hash);
            }
        });
    }

    static ReconcileReport report(LedgerSnapshot snapshot, LedgerReplay replay) {
        Reconciliation r = new Reconciliation(snapshot, replay);
        List<InvariantCheck> checks = List.of(
                new InvariantCheck(LEDGER_EQUALS_TOTALS, r.ledgerEqualsTotals()),
                new InvariantCheck(STEWARDS_EQUAL_TOTALS, r.stewardsEqualTotals()),
                new InvariantCheck(STEWARD_RANKING_EQUALS_STEWARDS, r.stewardRankingsEqualStewards()),
                new InvariantCheck(GROUP_SCORES, r.groupScores()),
                new InvariantCheck(REGION_SCORES, r.regionScores()),
                new InvariantCheck(REGION_GROUP_SCORES, r.regionGroupScores()),
                new InvariantCheck(NO_NEGATIVE_STEWARD, r.noNegativeSteward()),
                new InvariantCheck(ORDER_COMMISSION, r.orderCommission()),
                new InvariantCheck(STEWARDS_MATCH_LEDGER, r.stewardsMatchLedger()),
                new InvariantCheck(PLACEMENT_COUNTS, r.placementCounts()));
        return new ReconcileReport(checks, snapshot.ledgerLastId());
    }

    private List<String> ledgerEqualsTotals() {
        List<String> out = new ArrayList<>();
        LedgerReplay.Totals t = replay.totals();
        long[] expected = {t.earnedFen(), t.salesFen(), t.orders()};
        for (int i = 0; i < TOTAL_FIELDS.length; i++) {
            String field = TOTAL_FIELDS[i];
            BigDecimal actual = amount(snapshot.totals().get(field));
            if (!same(actual, expected[i])) {
                out.add("totals." + field + " says " + show(actual) + ", ledger says " + expected[i]);
            }
        }
        return out;
    }

    private List<String> stewardsEqualTotals() {
        List<String> out = new ArrayList<>();
        for (String field : TOTAL_FIELDS) {
            BigDecimal sum = BigDecimal.ZERO;
            for (Map.Entry<String, Map<String, String>> s : stewards.entrySet()) {
                BigDecimal value = amount(s.getValue().get(field));
                if (value == null) {
                    out.add("steward " + s.getKey() + ": " + field + " is not a number");
                } else {
                    sum = sum.add(value);
                }
            }
            BigDecimal actual = amount(snapshot.totals().get(field));
            if (actual == null || actual.compareTo(sum) != 0) {
                out.add("totals." + field + " says " + show(actual) + ", stewards sum to " + show(sum));
            }
        }
        return out;
    }

    private List<String> stewardRankingsEqualStewards() {
        Map<String, Long> all = new TreeMap<>();
        Map<String, Map<String, Long>> byRegion = new TreeMap<>();
        Map<String, Map<String, Long>> byGroup = new TreeMap<>();
        stewards.forEach((id, hash) -> {
            BigDecimal earned = amount(hash.get("earned"));
            long fen = earned == null ? NOT_A_NUMBER : earned.longValue();
            all.put(id, fen);
            byRegion.computeIfAbsent(hash.getOrDefault("region", ""), r -> new TreeMap<>()).put(id, fen);
            byGroup.computeIfAbsent(hash.getOrDefault("group", ""), g -> new TreeMap<>()).put(id, fen);
        });
        List<String> out = new ArrayList<>();
        compare(out, id -> "steward " + id, "rank:stewards", all, "its hash");
        for (String r : scopeIds(RANK_REGION, byRegion.keySet())) {
            compare(out, id -> "steward " + id, RANK_REGION + r, byRegion.getOrDefault(r, Map.of()), "its hash");
        }
        for (String g : scopeIds(RANK_GROUP, byGroup.keySet())) {
            compare(out, id -> "steward " + id, RANK_GROUP + g, byGroup.getOrDefault(g, Map.of()), "its hash");
        }
        return out;
    }

    private List<String> groupScores() {
        List<String> out = new ArrayList<>();
        Map<String, Long> expected = replay.groupScores();
        compare(out, id -> "group " + id, "rank:groups", expected, "ledger");
        policyLines(out, id -> "group " + id, replay.groupCredit(), expected, replay.stewardsByGroup());
        return out;
    }

    private List<String> regionScores() {
        List<String> out = new ArrayList<>();
        Map<String, Long> expected = replay.regionScores();
        compare(out, id -> "region " + id, "rank:regions", expected, "ledger");
        policyLines(out, id -> "region " + id, replay.regionCredit(), expected, replay.stewardsByRegion());
        return out;
    }

    private List<String> regionGroupScores() {
        List<String> out = new ArrayList<>();
        Map<String, Map<String, Long>> expected = replay.regionGroupScores();
        Map<String, Map<String, Long>> credit = replay.regionGroupCredit();
        Map<String, Map<String, Map<String, Long>>> members = new TreeMap<>();
        replay.stewards().values().forEach(s -> members.computeIfAbsent(s.regionId(), r -> new TreeMap<>())
                .computeIfAbsent(s.groupId(), g -> new TreeMap<>()).put(s.stewardId(), s.earnedFen()));
        Set<String> regions = new TreeSet<>(scopeIds(RANK_REGION_GROUPS, expected.keySet()));
        regions.addAll(credit.keySet());
        for (String r : regions) {
            Map<String, Long> listed = expected.getOrDefault(r, Map.of());
            compare(out, g -> "group " + g + " in region " + r, RANK_REGION_GROUPS + r, listed, "ledger");
            policyLines(out, g -> "group " + g + " in region " + r, credit.getOrDefault(r, Map.of()), listed,
                    members.getOrDefault(r, Map.of()));
        }
        return out;
    }

    /**
     * What the policy itself demands of the ledger's scores: under FOLLOW a scope without a
     * current member holds nothing, and a scope's score is what its current stewards earned.
     */
    private void policyLines(List<String> out, Function<String, String> name, Map<String, Long> credit,
                             Map<String, Long> listed, Map<String, Map<String, Long>> members) {
        if (replay.policy() != TransferPolicy.FOLLOW) {
            return;
        }
        credit.forEach((id, fen) -> {
            if (!listed.containsKey(id) && fen != 0) {
                out.add(name.apply(id) + ": the ledger credits it " + fen + " but it has no current steward (FOLLOW)");
            }
        });
        listed.forEach((id, fen) -> {
            long earned = members.getOrDefault(id, Map.of()).values().stream().mapToLong(Long::longValue).sum();
            if (earned != fen) {
                out.add(name.apply(id) + ": the ledger credits it " + fen + " but its current stewards earned "
                        + earned + " (FOLLOW)");
            }
        });
    }

    private List<String> noNegativeSteward() {
        List<String> out = new ArrayList<>();
        stewards.forEach((id, hash) -> {
            BigDecimal earned = amount(hash.get("earned"));
            if (earned != null && earned.signum() < 0) {
                out.add("steward " + id + ": earned is " + show(earned));
            }
        });
        replay.stewards().forEach((id, s) -> {
            if (s.earnedFen() < 0) {
                out.add("steward " + id + ": the ledger nets it to " + s.earnedFen());
            }
        });
        snapshot.ranking("rank:stewards").forEach((id, raw) -> {
            BigDecimal score = amount(raw);
            if (score != null && score.signum() < 0) {
                out.add("steward " + id + ": rank:stewards says " + show(score));
            }
        });
        return out;
    }

    private List<String> orderCommission() {
        List<String> out = new ArrayList<>();
        replay.orderCommission().forEach((orderNo, fen) -> {
            LedgerSnapshot.OrderFigures order = snapshot.orders().get(orderNo);
            if (order == null || !order.exists()) {
                out.add("order " + orderNo + ": no order hash, ledger says " + fen);
                return;
            }
            BigDecimal settled = amount(order.settledCommission());
            BigDecimal reversed = amount(order.reversedCommission());
            BigDecimal net = settled == null || reversed == null ? null : settled.subtract(reversed);
            if (!same(net, fen)) {
                out.add("order " + orderNo + ": settled_commission " + show(settled) + " - reversed_commission "
                        + show(reversed) + " = " + show(net) + ", ledger says " + fen);
            }
        });
        return out;
    }

    private List<String> stewardsMatchLedger() {
        List<String> out = new ArrayList<>();
        Map<String, LedgerReplay.StewardState> expected = replay.stewards();
        Set<String> ids = new TreeSet<>(expected.keySet());
        ids.addAll(stewards.keySet());
        for (String id : ids) {
            LedgerReplay.StewardState want = expected.get(id);
            Map<String, String> hash = stewards.get(id);
            if (want == null) {
                out.add("steward " + id + ": has a steward hash but the ledger never names it");
                continue;
            }
            if (hash == null) {
                out.add("steward " + id + ": no steward hash, ledger says earned " + want.earnedFen() + ", sales "
                        + want.salesFen() + ", orders " + want.orders() + " in " + want.regionId() + "/"
                        + want.groupId());
                continue;
            }
            long[] numbers = {want.earnedFen(), want.salesFen(), want.orders()};
            for (int i = 0; i < TOTAL_FIELDS.length; i++) {
                BigDecimal actual = amount(hash.get(TOTAL_FIELDS[i]));
                if (!same(actual, numbers[i])) {
                    out.add("steward " + id + ": " + TOTAL_FIELDS[i] + " is " + show(actual) + ", ledger says "
                            + numbers[i]);
                }
            }
            String region = hash.getOrDefault("region", "");
            if (!region.equals(want.regionId())) {
                out.add("steward " + id + ": region is " + region + ", ledger says " + want.regionId());
            }
            String group = hash.getOrDefault("group", "");
            if (!group.equals(want.groupId())) {
                out.add("steward " + id + ": group is " + group + ", ledger says " + want.groupId());
            }
        }
        return out;
    }

    private List<String> placementCounts() {
        Map<String, Long> expected = new TreeMap<>();
        stewards.values().forEach(hash -> {
            String r = hash.getOrDefault("region", "");
            String g = hash.getOrDefault("group", "");
            expected.merge("g:" + g, 1L, Long::sum);
            expected.merge("r:" + r, 1L, Long::sum);
            expected.merge("rg:" + r + ":" + g, 1L, Long::sum);
        });
        Set<String> fields = new TreeSet<>(expected.keySet());
        fields.addAll(snapshot.placements().keySet());
        List<String> out = new ArrayList<>();
        for (String field : fields) {
            BigDecimal actual = amount(snapshot.placements().get(field));
            long want = expected.getOrDefault(field, 0L);
            if (!same(actual, want)) {
                out.add("placements " + field + " says " + show(actual) + ", steward hashes count " + want);
            }
        }
        return out;
    }

    /** Compares a ranking with what it must hold: same members, same scores. */
    private void compare(List<String> out, Function<String, String> what, String key, Map<String, Long> expected,
                         String source) {
        Map<String, String> actual = snapshot.ranking(key);
        Set<String> members = new TreeSet<>(actual.keySet());
        members.addAll(expected.keySet());
        for (String member : members) {
            String raw = actual.get(member);
            Long want = expected.get(member);
            if (raw == null) {
                out.add(what.apply(member) + ": missing from " + key + ", " + source + " says " + show(want));
            } else if (want == null) {
                out.add(what.apply(member) + ": " + key + " says " + show(amount(raw)) + ", " + source
                        + " does not put it there");
            } else if (want == NOT_A_NUMBER || !same(amount(raw), want)) {
                out.add(what.apply(member) + ": " + key + " says " + show(amount(raw)) + ", " + source + " says "
                        + show(want));
            }
        }
    }

    /** The ids of one kind of per-scope ranking in the snapshot, plus those expected. */
    private Set<String> scopeIds(String keyPrefix, Set<String> expected) {
        Set<String> ids = new TreeSet<>(expected);
        for (Map.Entry<String, Map<String, String>> r : snapshot.rankings().entrySet()) {
            if (r.getKey().startsWith(keyPrefix) && !r.getValue().isEmpty()) {
                ids.add(r.getKey().substring(keyPrefix.length()));
            }
        }
        return ids;
    }

    /** A number as Redis holds it: missing is 0, anything unparseable is null. */
    static BigDecimal amount(String raw) {
        if (raw == null || raw.isEmpty()) {
            return BigDecimal.ZERO;
        }
        try {
            return new BigDecimal(raw);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean same(BigDecimal actual, long expected) {
        return actual != null && actual.compareTo(BigDecimal.valueOf(expected)) == 0;
    }

    private static String show(long expected) {
        return expected == NOT_A_NUMBER ? "not a number" : Long.toString(expected);
    }

    private static String show(BigDecimal value) {
        return value == null ? "not a number" : value.stripTrailingZeros().toPlainString();
    }
}
