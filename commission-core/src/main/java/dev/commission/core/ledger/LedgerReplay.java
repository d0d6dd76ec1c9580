package dev.commission.core.ledger;

import dev.commission.core.campaign.TransferPolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * What a campaign must hold according to its ledger alone (docs/design.md, "From the ledger
 * alone"). Folds entries oldest first, without Redis: reconciliation compares Redis with it and
 * a rebuild writes it.
 *
 * <p>Scores of a group (likewise a region, and a (region, group) pair) are Σ delta credited
 * there + Σ {@code moved} of transfers in − Σ {@code moved} of transfers out. Which scopes are
 * listed in the rankings depends on the policy: under FOLLOW those with a current member, under
 * STAY those that ever had one.
 */
public final class LedgerReplay {

    /** What the ledger says of one steward: placement of its last register/transfer, net totals. */
    public record StewardState(String stewardId, String name, String regionId, String groupId, long earnedFen,
                               long salesFen, long orders) {
    }

    /** The campaign's control totals: the sums over its stewards. */
    public record Totals(long earnedFen, long salesFen, long orders) {
    }

    private final TransferPolicy policy;
    private final Map<String, Steward> stewards = new TreeMap<>();
    private final Map<String, Long> groupCredit = new TreeMap<>();
    private final Map<String, Long> regionCredit = new TreeMap<>();
    private final Map<String, Map<String, Long>> pairCredit = new TreeMap<>();
    private final Set<String> groupsEverPlaced = new TreeSet<>();
    private final Set<String> regionsEverPlaced = new TreeSet<>();
    private final Map<String, Set<String>> pairsEverPlaced = new TreeMap<>();
    private final Map<String, Long> orderCommission = new TreeMap<>();
    /** Current members of each group, region and (region, group) pair: {@code g:}, {@code r:}, {@code rg:} fields. */
    private final Map<String, Long> placementCounts = new TreeMap<>();
    private long earned;
    private long sales;
    private long orders;
    private long entriesReplayed;
    private String lastEntryId = "";
    /** Whoever folds the same entries into figures of their own (the campaign metrics). */
    private final List<Consumer<LedgerEntry>> followers = new ArrayList<>();

    public LedgerReplay(TransferPolicy policy) {
        this.policy = policy == null ? TransferPolicy.FOLLOW : policy;
    }

    public static LedgerReplay of(TransferPolicy policy, Iterable<LedgerEntry> entries) {
        LedgerReplay replay = new LedgerReplay(policy);
        for (LedgerEntry entry : entries) {
            replay.apply(entry);
        }
        return replay;
    }

    /** Hands every entry folded from now on to {@code follower} too. */
    public void follow(Consumer<LedgerEntry> follower) {
        followers.add(follower);
    }

    /** Folds one entry; entries must come oldest first. */
    public void apply(LedgerEntry entry) {
        followers.forEach(f -> f.accept(entry));
        entriesReplayed++;
        lastEntryId = entry.entryId();
        String type = entry.type();
        if (entry.stewardId() == null || entry.stewardId().isEmpty()) {
            return; // close: no steward, no money
        }
        Steward steward = stewards.computeIfAbsent(entry.stewardId(), Steward::new);
        Map<String, String> fields = entry.fields();
        switch (type) {
            case "register" -> {
                steward.name = fields.getOrDefault("name", "");
                place(steward, entry.regionId(), entry.groupId());
            }
            case "transfer" -> {
                long moved = number(fields, "moved");
                String fromRegion = fields.getOrDefault("from_region", "");
                String fromGroup = fields.getOrDefault("from_group", "");
                credit(fromRegion, fromGroup, -moved);
                credit(entry.regionId(), entry.groupId(), moved);
                place(steward, entry.regionId(), entry.groupId());
            }
            case "settle" -> {
                long paid = number(fields, "paid");
                steward.sales = Math.addExact(steward.sales, paid);
                sales = Math.addExact(sales, paid);
                steward.orders++;
                orders++;
            }
            case "reverse" -> {
                long amount = number(fields, "amount");
                steward.sales = Math.subtractExact(steward.sales, amount);
                sales = Math.subtractExact(sales, amount);
            }
            default -> {
                // adjust, and any movement this replay does not know beyond its delta
            }
        }
        if (steward.regionId == null) {
            // money for a steward the ledger never placed: it stands where it was credited
            place(steward, entry.regionId(), entry.groupId());
        }
        long delta = entry.deltaFen();
        steward.earned = Math.addExact(steward.earned, delta);
        earned = Math.addExact(earned, delta);
        credit(entry.regionId(), entry.groupId(), delta);
        String order = fields.get("order");
        if (order != null && !order.isEmpty()) {
            orderCommission.merge(order, delta, Math::addExact);
        }
    }

    private void place(Steward steward, String regionId, String groupId) {
        if (steward.regionId != null) {
            count(steward.regionId, steward.groupId, -1);
        }
        count(regionId, groupId, 1);
        steward.regionId = regionId;
        steward.groupId = groupId;
        regionsEverPlaced.add(regionId);
        groupsEverPlaced.add(groupId);
        pairsEverPlaced.computeIfAbsent(regionId, r -> new TreeSet<>()).add(groupId);
        credit(regionId, groupId, 0);
    }

    private void count(String regionId, String groupId, long change) {
        for (String field : List.of("g:" + groupId, "r:" + regionId, "rg:" + regionId + ":" + groupId)) {
            if (placementCounts.merge(field, change, Long::sum) == 0) {
                placementCounts.remove(field);
            }
        }
    }

    private void credit(String regionId, String groupId, long fen) {
        regionCredit.merge(regionId, fen, Math::addExact);
        groupCredit.merge(groupId, fen, Math::addExact);
        pairCredit.computeIfAbsent(regionId, r -> new TreeMap<>()).merge(groupId, fen, Math::addExact);
    }

    public TransferPolicy policy() {
        return policy;
    }

    public long entriesReplayed() {
        return entriesReplayed;
    }

    /** The id of the last entry folded, or "" when none was. */
    public String lastEntryId() {
        return lastEntryId;
    }

    /** Every steward the ledger names, by id. */
    public Map<String, StewardState> stewards() {
        Map<String, StewardState> out = new LinkedHashMap<>();
        stewards.forEach((id, s) -> out.put(id, s.state()));
        return Collections.unmodifiableMap(out);
    }

    public Totals totals() {
        return new Totals(earned, sales, orders);
    }

    /** What the ledger says of one steward, or null when it never names it. */
    public StewardState steward(String stewardId) {
        Steward s = stewards.get(stewardId);
        return s == null ? null : s.state();
    }

    /** Every steward id the ledger names, in id order. */
    public List<String> stewardIds() {
        return new ArrayList<>(stewards.keySet());
    }

    /** Every order number the ledger names, in order-number order. */
    public List<String> orderNos() {
        return new ArrayList<>(orderCommission.keySet());
    }

    /** Every region and every group the ledger names. */
    public Set<String> regionIds() {
        return Collections.unmodifiableSet(regionCredit.keySet());
    }

    public Set<String> groupIds() {
        return Collections.unmodifiableSet(groupCredit.keySet());
    }

    /** A group's score in {@code rank:groups}, or null when the policy does not list it now. */
    public Long groupScore(String groupId) {
        boolean listed = policy == TransferPolicy.STAY ? groupsEverPlaced.contains(groupId)
                : placementCounts.containsKey("g:" + groupId);
        return listed ? groupCredit.getOrDefault(groupId, 0L) : null;
    }

    /** A region's score in {@code rank:regions}, or null when the policy does not list it now. */
    public Long regionScore(String regionId) {
        boolean listed = policy == TransferPolicy.STAY ? regionsEverPlaced.contains(regionId)
                : placementCounts.containsKey("r:" + regionId);
        return listed ? regionCredit.getOrDefault(regionId, 0L) : null;
    }

    /** A group's score in {@code rank:region-groups:<r>}, or null when the policy does not list it there now. */
    public Long regionGroupScore(String regionId, String groupId) {
        boolean listed = policy == TransferPolicy.STAY
                ? pairsEverPlaced.getOrDefault(regionId, Set.of()).contains(groupId)
                : placementCounts.containsKey("rg:" + regionId + ":" + groupId);
        return listed ? pairCredit.getOrDefault(regionId, Map.of()).getOrDefault(groupId, 0L) : null;
    }

    /** A field of the {@code placements} hash ({@code g:<g>}, {@code r:<r>}, {@code rg:<r>:<g>}); 0 when absent. */
    public long placementCount(String field) {
        return placementCounts.getOrDefault(field, 0L);
    }

    /** An order's commission (Σ delta of its entries), or null when the ledger never names it. */
    public Long orderCommission(String orderNo) {
        return orderCommission.get(orderNo);
    }

    /** An order's commission: Σ delta of its settle and reverse entries. */
    public Map<String, Long> orderCommission() {
        return Collections.unmodifiableMap(orderCommission);
    }

    /** {@code rank:stewards}: every steward with its full net commission. */
    public Map<String, Long> stewardRanking() {
        Map<String, Long> out = new TreeMap<>();
        stewards.forEach((id, s) -> out.put(id, s.earned));
        return out;
    }

    /** {@code rank:region:<r>}: region to its current stewards and their full net commission. */
    public Map<String, Map<String, Long>> stewardsByRegion() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        stewards.forEach((id, s) -> out.computeIfAbsent(s.regionId, r -> new TreeMap<>()).put(id, s.earned));
        return out;
    }

    /** {@code rank:group:<g>}: group to its current stewards and their full net commission. */
    public Map<String, Map<String, Long>> stewardsByGroup() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        stewards.forEach((id, s) -> out.computeIfAbsent(s.groupId, g -> new TreeMap<>()).put(id, s.earned));
        return out;
    }

    /** The score of every group the ledger names, listed or not. */
    public Map<String, Long> groupCredit() {
        return Collections.unmodifiableMap(groupCredit);
    }

    /** The score of every region the ledger names, listed or not. */
    public Map<String, Long> regionCredit() {
        return Collections.unmodifiableMap(regionCredit);
    }

    /** The score of every (region, group) pair the ledger names, listed or not: region to group to score. */
    public Map<String, Map<String, Long>> regionGroupCredit() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        pairCredit.forEach((r, groups) -> out.put(r, Collections.unmodifiableMap(groups)));
        return out;
    }

    /** {@code rank:groups}: the listed groups and their scores. */
    public Map<String, Long> groupScores() {
        Set<String> listed = policy == TransferPolicy.STAY ? groupsEverPlaced : currentGroups();
        return listedOnly(groupCredit, listed);
    }

    /** {@code rank:regions}: the listed regions and their scores. */
    public Map<String, Long> regionScores() {
        Set<String> listed = policy == TransferPolicy.STAY ? regionsEverPlaced : currentRegions();
        return listedOnly(regionCredit, listed);
    }

    /** {@code rank:region-groups:<r>}: region to its listed groups and their scores there. */
    public Map<String, Map<String, Long>> regionGroupScores() {
        Map<String, Set<String>> listed = policy == TransferPolicy.STAY ? pairsEverPlaced : currentPairs();
        Map<String, Map<String, Long>> out = new TreeMap<>();
        listed.forEach((r, groups) -> {
            Map<String, Long> scores = listedOnly(pairCredit.getOrDefault(r, Map.of()), groups);
            if (!scores.isEmpty()) {
                out.put(r, scores);
            }
        });
        return out;
    }

    /** The {@code placements} hash: current member counts {@code g:<g>}, {@code r:<r>}, {@code rg:<r>:<g>}. */
    public Map<String, Long> placementCounts() {
        return Collections.unmodifiableMap(placementCounts);
    }

    private Set<String> currentGroups() {
        Set<String> out = new TreeSet<>();
        stewards.values().forEach(s -> out.add(s.groupId));
        return out;
    }

    private Set<String> currentRegions() {
        Set<String> out = new TreeSet<>();
        stewards.values().forEach(s -> out.add(s.regionId));
        return out;
    }

    private Map<String, Set<String>> currentPairs() {
        Map<String, Set<String>> out = new TreeMap<>();
        stewards.values().forEach(s -> out.computeIfAbsent(s.regionId, r -> new TreeSet<>()).add(s.groupId));
        return out;
    }

    private static Map<String, Long> listedOnly(Map<String, Long> credit, Set<String> listed) {
        Map<String, Long> out = new TreeMap<>();
        for (String id : listed) {
            out.put(id, credit.getOrDefault(id, 0L));
        }
        return out;
    }

    private static long number(Map<String, String> fields, String name) {
        String value = fields.get(name);
        return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
    }

    private static final class Steward {
        private final String id;
        private String name = "";
        private String regionId;
        private String groupId;
        private long earned;
        private long sales;
        private long orders;

        private Steward(String id) {
            this.id = id;
        }

        private StewardState state() {
            return new StewardState(id, name, regionId == null ? "" : regionId, groupId == null ? "" : groupId,
                    earned, sales, orders);
        }
    }
}
