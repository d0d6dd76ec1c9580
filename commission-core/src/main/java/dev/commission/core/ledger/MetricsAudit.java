package dev.commission.core.ledger;

import static dev.commission.core.ledger.CampaignAudit.METRICS_MATCH_LEDGER;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Reconcile's metrics check: the campaign metrics equal a recomputation from the ledger and the
 * SMS recorded ({@link MetricsReplay}). Reads in the same bounded, paced slices as
 * {@link CampaignAudit}, each compared with the ledger as of the instant it was read: the metrics
 * hash (scope counters, SKU quantities, buyers' live orders) and each scope's sold set.
 * Recall is compared against the SMS recorded when the check starts: a batch recorded while it
 * runs may show as a difference, gone when the check runs again. Visitors and SMS recipients are
 * their own record and have nothing to be recomputed from.
 */
final class MetricsAudit {
    private static final String METRICS = "metrics";
    private static final String SMS = "sms";

    private final AuditReader reader;
    private final MetricsReplay replay;
    private final CampaignAudit.Findings findings;

    MetricsAudit(AuditReader reader, MetricsReplay replay, CampaignAudit.Findings findings) {
        this.reader = reader;
        this.replay = replay;
        this.findings = findings;
    }

    void run() {
        Map<String, Long> firstSms = new HashMap<>();
        scan("hscan", SMS, 2, row -> firstSms.put(row.get(0), Long.parseLong(row.get(1))));
        replay.smsRecorded(firstSms);

        Set<String> scopes = new TreeSet<>(replay.scopes());
        Set<String> seen = new LinkedHashSet<>();
        scan("hscan", METRICS, 2, row -> {
            if (seen.add(row.get(0))) {
                metric(row.get(0), row.get(1));
                if (!row.get(0).startsWith("q|") && !row.get(0).startsWith("b|")) {
                    scopes.add(row.get(0));
                }
            }
        });
        List<String> unseen = new ArrayList<>(replay.metricsFields().keySet());
        unseen.removeAll(seen);
        points("hvalues", METRICS, unseen, (field, value) -> metric(field, value));

        for (String scope : scopes) {
            String key = "sold:" + scope;
            Set<String> members = new LinkedHashSet<>();
            scan("sscan", key, 1, row -> {
                if (members.add(row.get(0)) && !replay.sold(scope, row.get(0))) {
                    findings.line(METRICS_MATCH_LEDGER, key + " lists " + row.get(0) + ", the ledger leaves it no net sale");
                }
            });
            List<String> missing = new ArrayList<>(replay.soldSkus(scope));
            missing.removeAll(members);
            points("sismember", key, missing, (sku, is) -> {
                if (replay.sold(scope, sku) && !"1".equals(is)) {
                    findings.line(METRICS_MATCH_LEDGER, key + " lacks " + sku + ", which the ledger says has a net sale");
                }
            });
        }
    }

    private void metric(String field, String stored) {
        String expected = replay.expectedMetric(field);
        boolean same = field.startsWith("b|") ? sortedTokens(stored).equals(sortedTokens(expected))
                : numbers(stored).equals(numbers(expected));
        if (!same) {
            findings.line(METRICS_MATCH_LEDGER, "metrics " + field + " says " + show(stored) + ", ledger says " + show(expected));
        }
    }

    /** A buyer's live orders as stored, in order; absent is empty. */
    private static List<String> sortedTokens(String text) {
        return text == null || text.isBlank() ? List.of() : Arrays.stream(text.split(" ")).sorted().toList();
    }

    /** A stored figure as numbers, absent and all zeros alike (an empty list). */
    private static List<Long> numbers(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        try {
            List<Long> values = Arrays.stream(text.split(" ")).map(Long::parseLong).toList();
            return values.stream().allMatch(v -> v == 0) ? List.of() : values;
        } catch (NumberFormatException e) {
            return List.of(Long.MIN_VALUE); // not a number: never equal to what the ledger says
        }
    }

    private static String show(String text) {
        return text == null || text.isEmpty() ? "nothing" : "\"" + text + "\"";
    }

    /** Scans {@code key} with {@code op} in slices; each row of {@code width} values is checked at its slice's position. */
    private void scan(String op, String key, int width, Consumer<List<String>> check) {
        String cursor = "0";
        do {
            int count = reader.sliceSize(op);
            AuditReader.Slice s = reader.read(op, List.of(op, key, cursor, Integer.toString(count)), count);
            reader.advanceTo(s.position());
            List<String> rows = s.rows();
            cursor = rows.get(0);
            for (int at = 1; at + width <= rows.size(); at += width) {
                check.accept(rows.subList(at, at + width));
            }
        } while (!cursor.equals("0"));
    }

    /** Point reads of {@code items} of {@code key} in slices, each item's value checked at its slice's position. */
    private void points(String op, String key, List<String> items, java.util.function.BiConsumer<String, String> check) {
        reader.points(op, key, items, check, position -> {
        });
    }
}
