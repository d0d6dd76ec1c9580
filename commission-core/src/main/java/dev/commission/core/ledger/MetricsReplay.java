package dev.commission.core.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the campaign metrics must hold according to the ledger and the SMS recorded: the same
 * rules as shared.lua's {@code order_figures} and {@code move_order_metrics}, folded from journal
 * entries oldest first (docs/design.md, "Campaign metrics"). Settlements give each order's scopes,
 * lines, buyer and time; refunds their amounts and refunded lines.
 */
final class MetricsReplay {
    /** One settled order as the journal tells it. */
    private static final class Order {
        final String token;
        final List<String> scopes;
        final String buyer;
        final long paid;
        final Map<String, Long> bought;
        final Map<String, Long> refundedQty = new HashMap<>();
        long refunded;

        Order(LedgerEntry settle) {
            Map<String, String> f = settle.fields();
            token = f.get("ts") + "/" + settle.stewardId() + "/" + settle.groupId() + "/" + settle.regionId();
            scopes = List.of("c", "s:" + settle.stewardId(), "g:" + settle.groupId(), "r:" + settle.regionId());
            buyer = f.getOrDefault("buyer", "");
            paid = Long.parseLong(f.getOrDefault("paid", "0"));
            bought = quantities(f.getOrDefault("lines", ""));
        }

        /** Net quantity per SKU, or empty once nothing of the order is paid any more. */
        Map<String, Long> skus() {
            Map<String, Long> net = new TreeMap<>();
            if (paid - Math.min(refunded, paid) > 0) {
                bought.forEach((sku, qty) -> {
                    long left = qty - refundedQty.getOrDefault(sku, 0L);
                    if (left > 0) {
                        net.put(sku, left);
                    }
                });
            }
            return net;
        }

        long netPaid() {
            return paid - Math.min(refunded, paid);
        }

        boolean live() {
            return netPaid() > 0;
        }
    }

    private final Map<String, Order> orders = new HashMap<>();
    /** Scope token to {paid, items, orders, buyers, recalled}. */
    private final Map<String, long[]> counters = new TreeMap<>();
    /** {@code q|<scope>|<sku>} to the net quantity. */
    private final Map<String, Long> quantities = new TreeMap<>();
    private final Map<String, List<String>> buyers = new TreeMap<>();
    private Map<String, Long> firstSms = Map.of();

    void apply(LedgerEntry entry) {
        String orderNo = entry.fields().get("order");
        if (orderNo == null) {
            return;
        }
        if (entry.type().equals("settle")) {
            Order order = new Order(entry);
            orders.put(orderNo, order);
            move(order, false, Map.of(), 0, 0);
        } else if (entry.type().equals("reverse") && orders.containsKey(orderNo)) {
            Order order = orders.get(orderNo);
            boolean wasLive = order.live();
            Map<String, Long> before = order.skus();
            long paidBefore = order.netPaid();
            long itemsBefore = before.values().stream().mapToLong(Long::longValue).sum();
            order.refunded += Long.parseLong(entry.fields().getOrDefault("amount", "0"));
            quantities(entry.fields().getOrDefault("lines", "")).forEach((sku, qty) -> order.refundedQty.merge(sku, qty, Long::sum));
            move(order, wasLive, before, paidBefore, itemsBefore);
        }
    }

    private void move(Order order, boolean wasLive, Map<String, Long> before, long paidBefore, long itemsBefore) {
        Map<String, Long> after = order.skus();
        long items = after.values().stream().mapToLong(Long::longValue).sum();
        boolean live = order.live();
        List<String> was = buyers.getOrDefault(order.buyer, List.of());
        List<String> now = was;
        if (!order.buyer.isEmpty() && wasLive != live) {
            now = new ArrayList<>(was);
            if (live) {
                now.add(order.token);
            } else {
                now.remove(order.token);
            }
        }
        for (String scope : order.scopes) {
            long[] c = counters.computeIfAbsent(scope, s -> new long[5]);
            c[0] += order.netPaid() - paidBefore;
            c[1] += items - itemsBefore;
            c[2] += (live ? 1 : 0) - (wasLive ? 1 : 0);
            c[3] += standing(now, scope, null) - standing(was, scope, null);
            c[4] += standing(now, scope, firstSms.get(order.buyer)) - standing(was, scope, firstSms.get(order.buyer));
            Set<String> skus = new TreeSet<>(before.keySet());
            skus.addAll(after.keySet());
            for (String sku : skus) {
                String field = "q|" + scope + "|" + sku;
                long qty = quantities.getOrDefault(field, 0L) + after.getOrDefault(sku, 0L) - before.getOrDefault(sku, 0L);
                if (qty > 0) {
                    quantities.put(field, qty);
                } else {
                    quantities.remove(field);
                }
            }
        }
        if (now.isEmpty()) {
            buyers.remove(order.buyer);
        } else {
            buyers.put(order.buyer, now);
        }
    }

    /**
     * With {@code smsAt} null: 1 when live orders {@code tokens} make their buyer a buyer of
     * {@code scope}. Otherwise 1 when one of those settled after {@code smsAt} (recalled).
     */
    private static int standing(List<String> tokens, String scope, Long smsAt) {
        for (String token : tokens) {
            String[] t = token.split("/", -1);
            boolean in = scope.equals("c") || scope.equals("s:" + t[1]) || scope.equals("g:" + t[2]) || scope.equals("r:" + t[3]);
            if (in && (smsAt == null || Long.parseLong(t[0]) > smsAt)) {
                return 1;
            }
        }
        return 0;
    }

    /** From now on, recall is counted against these first SMS times (recipient to epoch ms). */
    void smsRecorded(Map<String, Long> first) {
        firstSms = Map.copyOf(first);
        counters.values().forEach(c -> c[4] = 0);
        buyers.forEach((buyer, tokens) -> {
            Long at = firstSms.get(buyer);
            if (at != null) {
                Set<String> scopes = new TreeSet<>();
                for (String token : tokens) {
                    String[] t = token.split("/", -1);
                    scopes.addAll(List.of("c", "s:" + t[1], "g:" + t[2], "r:" + t[3]));
                }
                scopes.forEach(scope -> counters.computeIfAbsent(scope, s -> new long[5])[4] += standing(tokens, scope, at));
            }
        });
    }

    /** Every field the metrics hash must hold: scope counters, SKU quantities and buyers' live orders, as text. */
    Map<String, String> metricsFields() {
        Map<String, String> fields = new TreeMap<>();
        counters.keySet().forEach(scope -> fields.put(scope, expectedMetric(scope)));
        quantities.forEach((field, qty) -> fields.put(field, Long.toString(qty)));
        buyers.keySet().forEach(buyer -> fields.put("b|" + buyer, expectedMetric("b|" + buyer)));
        return fields;
    }

    /**
     * What field {@code field} of the metrics hash must hold; null when it must be absent (or all
     * zeros). A buyer's live orders come sorted.
     */
    String expectedMetric(String field) {
        if (field.startsWith("q|")) {
            Long qty = quantities.get(field);
            return qty == null ? null : Long.toString(qty);
        }
        if (field.startsWith("b|")) {
            List<String> tokens = buyers.get(field.substring(2));
            return tokens == null ? null : String.join(" ", tokens.stream().sorted().toList());
        }
        long[] c = counters.get(field);
        return c == null ? null : c[0] + " " + c[1] + " " + c[2] + " " + c[3] + " " + c[4];
    }

    Set<String> scopes() {
        return counters.keySet();
    }

    /** Whether {@code sku} has a net sale in {@code scope}, so it must be in the scope's sold set. */
    boolean sold(String scope, String sku) {
        return quantities.containsKey("q|" + scope + "|" + sku);
    }

    /** The SKUs with a net sale in {@code scope}. */
    List<String> soldSkus(String scope) {
        String head = "q|" + scope + "|";
        return quantities.keySet().stream().filter(f -> f.startsWith(head)).map(f -> f.substring(head.length())).toList();
    }

    private static Map<String, Long> quantities(String lines) {
        Map<String, Long> out = new TreeMap<>();
        for (String line : lines.isEmpty() ? new String[0] : lines.split(",")) {
            String[] parts = line.split("\\*");
            out.merge(parts[0], Long.parseLong(parts[1]), Long::sum);
        }
        return out;
    }
}
