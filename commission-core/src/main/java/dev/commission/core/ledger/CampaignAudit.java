package dev.commission.core.ledger;

import static dev.commission.core.ledger.LedgerFigures.PLACEMENTS;
import static dev.commission.core.ledger.LedgerFigures.RANK_GROUP;
import static dev.commission.core.ledger.LedgerFigures.RANK_GROUPS;
import static dev.commission.core.ledger.LedgerFigures.RANK_REGION;
import static dev.commission.core.ledger.LedgerFigures.RANK_REGIONS;
import static dev.commission.core.ledger.LedgerFigures.RANK_REGION_GROUPS;
import static dev.commission.core.ledger.LedgerFigures.RANK_STEWARDS;
import static dev.commission.core.ledger.LedgerFigures.STEWARD;
import static dev.commission.core.ledger.LedgerFigures.TOTALS;

import dev.commission.core.campaign.TransferPolicy;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Walks a campaign in bounded slices and compares every stored figure with the ledger: the
 * totals, every steward the ledger names (its hash and its three ranking entries), every ranking
 * member, the placement counts and every order. Each slice is read by one short script together
 * with the ledger position of that instant, and compared with the ledger replayed up to exactly
 * that entry, so every comparison is exact however much the campaign moves meanwhile.
 *
 * <p>It only finds; what is done with a finding is the {@link Findings}' business: Reconcile
 * words it, RebuildRankings repairs it.
 */
final class CampaignAudit {
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
    /** Checked by {@link MetricsAudit}, after this audit, by Reconcile only. */
    static final String METRICS_MATCH_LEDGER = "metrics_match_ledger";
    /** Every check, in the order a report lists them. */
    static final List<String> CHECKS = List.of(LEDGER_EQUALS_TOTALS, STEWARDS_EQUAL_TOTALS,
            STEWARD_RANKING_EQUALS_STEWARDS, GROUP_SCORES, REGION_SCORES, REGION_GROUP_SCORES, NO_NEGATIVE_STEWARD,
            ORDER_COMMISSION, STEWARDS_MATCH_LEDGER, PLACEMENT_COUNTS, METRICS_MATCH_LEDGER);

    private static final List<String> TOTAL_FIELDS = List.of("earned", "sales", "orders");
    private static final List<String> STEWARD_FIELDS = List.of("earned", "sales", "orders", "region", "group");

    /** What an audit does with what it finds. */
    interface Findings {
        /** A discrepancy, in words, under one of {@link #CHECKS}. */
        void line(String check, String text);

        /**
         * Figure {@code member} of {@code key} (without the campaign prefix) differs from
         * {@code expected} (null: must not exist), as of the slice being compared.
         */
        default void differs(String key, String member, String expected) {
        }

        /** Figure {@code member} of {@code key} was not read but may differ: look at it on its own. */
        default void verify(String key, String member) {
        }

        /** The findings of one slice, read at ledger entry {@code position}, are all told. */
        default void sliceDone(String position) {
        }
    }

    private final AuditReader reader;
    private final Findings findings;
    private LedgerFigures figures;
    /** Regions and groups whose rankings are looked at: those the ledger names, and any a ranking lists. */
    private final Set<String> regions = new TreeSet<>();
    private final Set<String> groups = new TreeSet<>();
    /** Stewards some ranking lists that the ledger never names, and whose hashes were already looked at. */
    private final Set<String> strangers = new TreeSet<>();
    /** Σ (stored − ledger) over totals and over stewards, for earned, sales and orders; null once one is no number. */
    private final BigDecimal[] totalsDeviation = new BigDecimal[3];
    private final BigDecimal[] stewardsDeviation = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};

    private final List<java.util.function.Consumer<LedgerEntry>> followers = new ArrayList<>();

    CampaignAudit(AuditReader reader, Findings findings) {
        this.reader = reader;
        this.findings = findings;
    }

    /** Hands every journal entry the audit folds to {@code follower} as well. */
    CampaignAudit follow(java.util.function.Consumer<LedgerEntry> follower) {
        followers.add(follower);
        return this;
    }

    /** Audits the whole campaign; returns the replay, advanced to the last slice read. */
    LedgerReplay run() {
        AuditReader.Slice start = reader.start();
        followers.forEach(reader.replay()::follow);
        figures = new LedgerFigures(reader.replay());
        reader.advanceTo(start.position());
        LedgerReplay replay = reader.replay();
        regions.addAll(replay.regionIds());
        groups.addAll(replay.groupIds());
        totals();
        stewards(replay.stewardIds());
        scopeRanking(RANK_REGIONS, replay.regionIds(), regions);
        scopeRanking(RANK_GROUPS, replay.groupIds(), groups);
        for (String r : List.copyOf(regions)) {
            Set<String> expected = new TreeSet<>();
            for (String g : replay.groupIds()) {
                if (replay.regionGroupScore(r, g) != null) {
                    expected.add(g);
                }
            }
            scopeRanking(RANK_REGION_GROUPS + r, expected, groups);
        }
        stewardRanking(RANK_STEWARDS);
        for (String r : regions) {
            stewardRanking(RANK_REGION + r);
        }
        for (String g : groups) {
            stewardRanking(RANK_GROUP + g);
        }
        if (!strangers.isEmpty()) {
            stewards(List.copyOf(strangers));
        }
        placements();
        orders(replay.orderNos());
        policy(reader.replay());
        stewardsEqualTotals();
        return reader.replay();
    }

    private void totals() {
        AuditReader.Slice s = reader.read(List.of("hvalues", TOTALS, "earned", "sales", "orders"));
        reader.advanceTo(s.position());
        for (int i = 0; i < TOTAL_FIELDS.size(); i++) {
            String field = TOTAL_FIELDS.get(i);
            String actual = s.rows().get(i);
            String expected = figures.expected(TOTALS, field);
            if (!same(actual, expected, true)) {
                findings.line(LEDGER_EQUALS_TOTALS, "totals." + field + " says " + show(actual) + ", ledger says " + expected);
                findings.differs(TOTALS, field, expected);
            }
            BigDecimal value = amount(actual);
            totalsDeviation[i] = value == null ? null : value.subtract(new BigDecimal(expected));
        }
        findings.sliceDone(s.position());
    }

    /** Each steward's hash and its entries in its three steward rankings, against the ledger. */
    private void stewards(List<String> ids) {
        byItem("stewards", null, ids, 10, "stewards", this::steward);
    }

    private void steward(List<String> row) {
        String id = row.get(0);
        boolean exists = "1".equals(row.get(1));
        String earned = row.get(2);
        String region = row.get(5);
        String group = row.get(6);
        LedgerReplay.StewardState want = reader.replay().steward(id);
        if (want == null) {
            if (exists) {
                findings.line(STEWARDS_MATCH_LEDGER, "steward " + id + ": has a steward hash but the ledger never names it");
            }
            return;
        }
        if (!exists) {
            findings.line(STEWARDS_MATCH_LEDGER, "steward " + id + ": no steward hash, ledger says earned " + want.earnedFen()
                    + ", sales " + want.salesFen() + ", orders " + want.orders() + " in " + want.regionId() + "/"
                    + want.groupId());
        }
        String key = STEWARD + id;
        for (int i = 0; i < STEWARD_FIELDS.size(); i++) {
            String field = STEWARD_FIELDS.get(i);
            String actual = row.get(2 + i);
            String expected = figures.expected(key, field);
            if (!same(actual, expected, true)) {
                if (exists) {
                    findings.line(STEWARDS_MATCH_LEDGER, "steward " + id + ": " + field + " is "
                            + (i < 3 ? show(actual) : actual) + ", ledger says " + expected);
                }
                findings.differs(key, field, expected);
            }
            if (i < 3) {
                BigDecimal value = amount(actual);
                stewardsDeviation[i] = value == null || stewardsDeviation[i] == null ? null
                        : stewardsDeviation[i].add(value).subtract(new BigDecimal(expected));
            }
        }
        BigDecimal earnedValue = amount(earned);
        if (earnedValue != null && earnedValue.signum() < 0) {
            findings.line(NO_NEGATIVE_STEWARD, "steward " + id + ": earned is " + show(earned));
        }
        if (want.earnedFen() < 0) {
            findings.line(NO_NEGATIVE_STEWARD, "steward " + id + ": the ledger nets it to " + want.earnedFen());
        }
        String wantEarned = Long.toString(want.earnedFen());
        String[][] entries = {
                {RANK_STEWARDS, row.get(7), RANK_STEWARDS},
                {RANK_REGION + region, row.get(8), RANK_REGION + want.regionId()},
                {RANK_GROUP + group, row.get(9), RANK_GROUP + want.groupId()}};
        for (String[] entry : entries) {
            String readKey = entry[0];
            String score = entry[1];
            if (exists && !readKey.endsWith(":")) {
                if (score.isEmpty()) {
                    findings.line(STEWARD_RANKING_EQUALS_STEWARDS, "steward " + id + ": missing from " + readKey
                            + ", its hash says " + show(earned));
                } else if (!same(score, earned, false)) {
                    findings.line(STEWARD_RANKING_EQUALS_STEWARDS, "steward " + id + ": " + readKey + " says "
                            + show(score) + ", its hash says " + show(earned));
                }
            }
            if (!readKey.equals(entry[2])) {
                findings.verify(entry[2], id);
            } else if (!same(score, wantEarned, false)) {
                findings.differs(readKey, id, wantEarned);
            }
        }
    }

    /**
     * A ranking of groups or regions: every member it lists against the ledger, then every member
     * the ledger lists that the scan did not meet, read on its own.
     */
    private void scopeRanking(String key, Set<String> expectedMembers, Set<String> discovered) {
        Set<String> seen = new LinkedHashSet<>();
        scan("zscan", key, "0", 2, row -> {
            if (seen.add(row.get(0))) {
                discovered.add(row.get(0));
                scopeMember(key, checkOf(key), nameOf(key), row.get(0), row.get(1));
            }
        });
        List<String> unseen = new ArrayList<>(expectedMembers);
        unseen.removeAll(seen);
        byItem("zscores", key, unseen, 1, "rankings", null);
    }

    private void scopeMember(String key, String check, Function<String, String> name, String member, String score) {
        String expected = figures.expected(key, member);
        if (same(score, expected, false)) {
            return;
        }
        if (score.isEmpty()) {
            findings.line(check, name.apply(member) + ": missing from " + key + ", ledger says " + expected);
        } else if (expected == null) {
            findings.line(check, name.apply(member) + ": " + key + " says " + show(score) + ", ledger does not put it there");
        } else {
            findings.line(check, name.apply(member) + ": " + key + " says " + show(score) + ", ledger says " + expected);
        }
        findings.differs(key, member, expected);
    }

    /**
     * A steward ranking: every member must be a steward the ledger places there. Members it should
     * have are found from the stewards' side ({@link #stewards}).
     */
    private void stewardRanking(String key) {
        scan("zscan", key, "1", 5, row -> stewardMember(key, row));
    }

    private void stewardMember(String key, List<String> row) {
        String id = row.get(0);
        String score = row.get(1);
        boolean hashExists = "1".equals(row.get(2));
        String expected = figures.expected(key, id);
        if (key.equals(RANK_STEWARDS)) {
            BigDecimal value = amount(score);
            if (value != null && value.signum() < 0) {
                findings.line(NO_NEGATIVE_STEWARD, "steward " + id + ": " + key + " says " + show(score));
            }
        }
        if (reader.replay().steward(id) == null && hashExists) {
            strangers.add(id); // its hash is looked at with the other stewards once the rankings are done
        }
        boolean placedHere = key.equals(RANK_STEWARDS) || (key.startsWith(RANK_REGION) && key.equals(RANK_REGION + row.get(3)))
                || (key.startsWith(RANK_GROUP) && key.equals(RANK_GROUP + row.get(4)));
        if (!hashExists || !placedHere) {
            findings.line(STEWARD_RANKING_EQUALS_STEWARDS, "steward " + id + ": " + key + " says " + show(score)
                    + ", its hash does not put it there");
        } else if (expected == null) {
            findings.line(STEWARD_RANKING_EQUALS_STEWARDS, "steward " + id + ": " + key + " says " + show(score)
                    + ", ledger does not put it there");
        }
        if (!same(score, expected, false)) {
            findings.differs(key, id, expected);
        }
    }

    private void placements() {
        Set<String> seen = new LinkedHashSet<>();
        scan("hscan", PLACEMENTS, null, 2, row -> {
            if (seen.add(row.get(0))) {
                placement(row.get(0), row.get(1));
            }
        });
        List<String> unseen = new ArrayList<>(reader.replay().placementCounts().keySet());
        unseen.removeAll(seen);
        byItem("hvalues", PLACEMENTS, unseen, 1, "placements", null);
    }

    private void placement(String field, String value) {
        String expected = figures.expected(PLACEMENTS, field);
        if (!same(value, expected, true)) {
            findings.line(PLACEMENT_COUNTS, "placements " + field + " says " + show(value) + ", ledger counts "
                    + (expected == null ? "0" : expected));
            findings.differs(PLACEMENTS, field, expected);
        }
    }

    /** Every order the ledger names: its commission is what its entries add up to. */
    private void orders(List<String> orderNos) {
        byItem("orders", null, orderNos, 5, "orders", this::order);
    }

    private void order(List<String> row) {
        String orderNo = row.get(0);
        long fen = reader.replay().orderCommission(orderNo);
        if (!"1".equals(row.get(1))) {
            findings.line(ORDER_COMMISSION, "order " + orderNo + ": no order hash, ledger says " + fen);
            return;
        }
        BigDecimal settled = amount(row.get(2));
        BigDecimal reversed = amount(row.get(3));
        BigDecimal net = settled == null || reversed == null ? null : settled.subtract(reversed);
        if (net == null || net.compareTo(BigDecimal.valueOf(fen)) != 0) {
            findings.line(ORDER_COMMISSION, "order " + orderNo + ": settled_commission " + show(row.get(2))
                    + " - reversed_commission " + show(row.get(3)) + " = " + show(net) + ", ledger says " + fen);
        }
    }

    /**
     * Reads {@code items} in slices with {@code op} (of {@code key}, when it takes one) and hands
     * each row of {@code width} values to {@code check}. A point read ({@code zscores},
     * {@code hvalues}, whose rows are bare values) with a null {@code check} judges each value
     * as a member of {@code key}.
     */
    private void byItem(String op, String key, List<String> items, int width, String phase, Consumer<List<String>> check) {
        for (int from = 0; from < items.size(); ) {
            List<String> batch = items.subList(from, Math.min(items.size(), from + reader.sliceSize(op)));
            List<String> args = new ArrayList<>(batch.size() + 2);
            args.add(op);
            if (key != null) {
                args.add(key);
            }
            args.addAll(batch);
            AuditReader.Slice s = reader.read(op, args, batch.size());
            reader.advanceTo(s.position());
            List<String> rows = s.rows();
            for (int i = 0; i * width < rows.size(); i++) {
                if (check != null) {
                    check.accept(rows.subList(i * width, (i + 1) * width));
                } else if (key.equals(PLACEMENTS)) {
                    placement(batch.get(i), rows.get(i));
                } else {
                    scopeMember(key, checkOf(key), nameOf(key), batch.get(i), rows.get(i));
                }
            }
            findings.sliceDone(s.position());
            from += batch.size();
            reader.progress(phase, from, items.size());
        }
    }

    /** Scans {@code key} with {@code op} (zscan or hscan) in slices, handing each row of {@code width} values to {@code check}. */
    private void scan(String op, String key, String with, int width, Consumer<List<String>> check) {
        String kind = with == null ? op : op + " " + with;
        String cursor = "0";
        long rowsSeen = 0;
        do {
            int count = reader.sliceSize(kind);
            List<String> args = new ArrayList<>(List.of(op, key, cursor, Integer.toString(count)));
            if (with != null) {
                args.add(with);
            }
            AuditReader.Slice s = reader.read(kind, args, count);
            reader.advanceTo(s.position());
            List<String> rows = s.rows();
            cursor = rows.get(0);
            for (int at = 1; at + width <= rows.size(); at += width) {
                check.accept(rows.subList(at, at + width));
                rowsSeen++;
            }
            findings.sliceDone(s.position());
            reader.progress("rankings", rowsSeen, 0);
        } while (!cursor.equals("0"));
    }

    private static String checkOf(String scopeKey) {
        if (scopeKey.equals(RANK_REGIONS)) {
            return REGION_SCORES;
        }
        return scopeKey.equals(RANK_GROUPS) ? GROUP_SCORES : REGION_GROUP_SCORES;
    }

    private static Function<String, String> nameOf(String scopeKey) {
        if (scopeKey.equals(RANK_REGIONS)) {
            return id -> "region " + id;
        } else if (scopeKey.equals(RANK_GROUPS)) {
            return id -> "group " + id;
        }
        String region = scopeKey.substring(RANK_REGION_GROUPS.length());
        return g -> "group " + g + " in region " + region;
    }

    /**
     * What the policy itself demands of the ledger's scores: under FOLLOW a scope without a
     * current member holds nothing, and a scope's score is what its current stewards earned.
     */
    private void policy(LedgerReplay replay) {
        if (replay.policy() != TransferPolicy.FOLLOW) {
            return;
        }
        policy(GROUP_SCORES, id -> "group " + id, replay.groupCredit(), replay.groupScores(), replay.stewardsByGroup());
        policy(REGION_SCORES, id -> "region " + id, replay.regionCredit(), replay.regionScores(),
                replay.stewardsByRegion());
        Map<String, Map<String, Map<String, Long>>> members = new TreeMap<>();
        replay.stewards().values().forEach(s -> members.computeIfAbsent(s.regionId(), r -> new TreeMap<>())
                .computeIfAbsent(s.groupId(), g -> new TreeMap<>()).put(s.stewardId(), s.earnedFen()));
        Map<String, Map<String, Long>> listed = replay.regionGroupScores();
        replay.regionGroupCredit().forEach((r, credit) -> policy(REGION_GROUP_SCORES,
                g -> "group " + g + " in region " + r, credit, listed.getOrDefault(r, Map.of()),
                members.getOrDefault(r, Map.of())));
    }

    private void policy(String check, Function<String, String> name, Map<String, Long> credit, Map<String, Long> listed,
                        Map<String, Map<String, Long>> members) {
        credit.forEach((id, fen) -> {
            if (!listed.containsKey(id) && fen != 0) {
                findings.line(check, name.apply(id) + ": the ledger credits it " + fen
                        + " but it has no current steward (FOLLOW)");
            }
        });
        listed.forEach((id, fen) -> {
            long earned = members.getOrDefault(id, Map.of()).values().stream().mapToLong(Long::longValue).sum();
            if (earned != fen) {
                findings.line(check, name.apply(id) + ": the ledger credits it " + fen + " but its current stewards earned "
                        + earned + " (FOLLOW)");
            }
        });
    }

    /**
     * The totals must be the sum over the stewards. Both were read in slices at different ledger
     * positions, so each is carried to the last position by the ledger: stored − ledger is what
     * no later movement changes (every movement changes both sides by what it journals).
     */
    private void stewardsEqualTotals() {
        LedgerReplay.Totals t = reader.replay().totals();
        long[] now = {t.earnedFen(), t.salesFen(), t.orders()};
        for (int i = 0; i < TOTAL_FIELDS.size(); i++) {
            BigDecimal base = BigDecimal.valueOf(now[i]);
            BigDecimal totals = totalsDeviation[i] == null ? null : base.add(totalsDeviation[i]);
            BigDecimal stewards = stewardsDeviation[i] == null ? null : base.add(stewardsDeviation[i]);
            if (totals == null || stewards == null || totals.compareTo(stewards) != 0) {
                findings.line(STEWARDS_EQUAL_TOTALS, "totals." + TOTAL_FIELDS.get(i) + " says " + show(totals)
                        + ", stewards sum to " + show(stewards) + " (as of ledger entry " + reader.replay().lastEntryId() + ")");
            }
        }
    }

    /**
     * Whether a stored value is what the ledger says: numbers compare as numbers, text as text;
     * absent (empty) equals 0 where {@code absentIsZero} (hash counters), else only absent.
     */
    static boolean same(String actual, String expected, boolean absentIsZero) {
        boolean absent = actual == null || actual.isEmpty();
        if (expected == null) {
            return absent || (absentIsZero && isZero(actual));
        }
        if (absent) {
            return absentIsZero && isZero(expected);
        }
        BigDecimal a = amount(actual);
        BigDecimal e = amount(expected);
        if (a != null && e != null) {
            return a.compareTo(e) == 0;
        }
        return actual.equals(expected);
    }

    private static boolean isZero(String value) {
        BigDecimal v = amount(value);
        return v != null && v.signum() == 0;
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

    private static String show(String raw) {
        BigDecimal value = amount(raw);
        return value == null ? "not a number" : show(value);
    }

    private static String show(BigDecimal value) {
        return value == null ? "not a number" : value.stripTrailingZeros().toPlainString();
    }
}
