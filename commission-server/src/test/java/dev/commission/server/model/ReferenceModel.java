package dev.commission.server.model;

import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.TransferPolicy;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The commission rules in plain Java, with no Redis: what every operation must answer and what
 * every steward, group and region must hold afterwards. A model instance covers a set of
 * stewards; group and region scores are sums, so models of disjoint steward sets add up.
 */
final class ReferenceModel {

    /** What an operation must answer: an outcome word or a refusal reason, and the amounts. */
    record Expect(String outcome, long amount, long other) {
        static Expect of(String outcome) {
            return new Expect(outcome, 0, 0);
        }
    }

    static final class StewardState {
        final String name;
        String region;
        String group;
        long earned;
        long sales;
        long orders;
        final String registeredAs;

        StewardState(String name, String region, String group) {
            this.name = name;
            this.region = region;
            this.group = group;
            this.registeredAs = region + "|" + group + "|" + name;
        }
    }

    static final class OrderState {
        String steward;
        boolean settled;
        long paid;
        long refunded;
        boolean fixed;
        long rate;
        long cap;
        long settledCommission;
        long reversedCommission;
        long unrecoveredCommission;
        String region;
        String group;
        String settleKey;
        long netAtSettle;
        long earnedAfter;
        final Map<String, String> refunds = new HashMap<>();
        final Map<String, Expect> refundResults = new HashMap<>();
    }

    final CommissionRule rule;
    final TransferPolicy policy;
    final Map<String, StewardState> stewards = new HashMap<>();
    final Map<String, OrderState> orders = new HashMap<>();
    final Map<String, String> adjustments = new HashMap<>();
    final Map<String, Expect> adjustmentResults = new HashMap<>();
    final Map<String, String> transfers = new HashMap<>();
    final Map<String, Expect> transferResults = new HashMap<>();
    /** Scores credited to groups, regions and (region|group) pairs. */
    final Map<String, Long> groupScore = new HashMap<>();
    final Map<String, Long> regionScore = new HashMap<>();
    final Map<String, Long> pairScore = new HashMap<>();
    /** Current member counts, and whether a scope was ever joined (STAY keeps those listed). */
    final Map<String, Long> groupMembers = new HashMap<>();
    final Map<String, Long> regionMembers = new HashMap<>();
    final Map<String, Long> pairMembers = new HashMap<>();

    ReferenceModel(CommissionRule rule, TransferPolicy policy) {
        this.rule = rule;
        this.policy = policy;
    }

    Expect register(String stewardId, String name, String region, String group) {
        StewardState existing = stewards.get(stewardId);
        if (existing != null) {
            return existing.registeredAs.equals(region + "|" + group + "|" + name)
                    ? Expect.of("DUPLICATE") : Expect.of("STEWARD_CONFLICT");
        }
        stewards.put(stewardId, new StewardState(name, region, group));
        join(region, group);
        return Expect.of("APPLIED");
    }

    Expect settle(String orderNo, String stewardId, long paid, String settleKey, String region, String group) {
        OrderState order = orders.get(orderNo);
        if (order != null && order.settled) {
            return order.settleKey.equals(settleKey)
                    ? new Expect("DUPLICATE", order.netAtSettle, order.earnedAfter) : Expect.of("ORDER_CONFLICT");
        }
        StewardState steward = stewards.get(stewardId);
        boolean placed = region != null;
        if (steward == null && !placed) {
            return Expect.of("STEWARD_NOT_FOUND");
        }
        if (steward == null) {
            register(stewardId, stewardId, region, group);
            steward = stewards.get(stewardId);
        } else if (placed && !(steward.region.equals(region) && steward.group.equals(group))) {
            move(steward, region, group);
        }
        if (order == null) {
            order = new OrderState();
            orders.put(orderNo, order);
        }
        boolean fixed = rule.kind() == CommissionRule.Kind.FIXED;
        long rate = fixed ? rule.fixedFen() : rule.bpsFor(steward.sales);
        long full = CommissionRule.applied(fixed, rate, paid, rule.capFen());
        long refunded = Math.min(order.refunded, paid);
        long net = CommissionRule.applied(fixed, rate, paid - refunded, rule.capFen());
        order.steward = stewardId;
        order.settled = true;
        order.paid = paid;
        order.refunded = refunded;
        order.fixed = fixed;
        order.rate = rate;
        order.cap = rule.capFen();
        order.settledCommission = full;
        order.reversedCommission = full - net;
        order.region = steward.region;
        order.group = steward.group;
        order.settleKey = settleKey;
        order.netAtSettle = net;
        credit(steward, steward.region, steward.group, net);
        steward.sales += paid - refunded;
        steward.orders++;
        order.earnedAfter = steward.earned;
        return new Expect("APPLIED", net, steward.earned);
    }

    Expect reverse(String orderNo, String refundId, long amount) {
        OrderState order = orders.computeIfAbsent(orderNo, k -> new OrderState());
        String key = Long.toString(amount);
        String prior = order.refunds.get(refundId);
        if (prior != null) {
            return prior.equals(key) ? dup(order.refundResults.get(refundId)) : Expect.of("REFUND_CONFLICT");
        }
        if (!order.settled) {
            order.refunded += amount;
            order.refunds.put(refundId, key);
            Expect result = new Expect("APPLIED", 0, 1);
            order.refundResults.put(refundId, result);
            return result;
        }
        long refunded = order.refunded + amount;
        if (refunded > order.paid) {
            return Expect.of("REFUND_EXCEEDS_PAID");
        }
        long before = order.settledCommission - order.reversedCommission - order.unrecoveredCommission;
        long after = CommissionRule.applied(order.fixed, order.rate, order.paid - refunded, order.cap);
        StewardState steward = stewards.get(order.steward);
        // A refund is always recorded; what the steward no longer holds stays unrecovered.
        long collected = Math.min(before - after, steward.earned);
        boolean stay = policy == TransferPolicy.STAY;
        credit(steward, stay ? order.region : steward.region, stay ? order.group : steward.group, -collected);
        steward.sales -= amount;
        order.refunded = refunded;
        order.reversedCommission += collected;
        order.unrecoveredCommission += before - after - collected;
        order.refunds.put(refundId, key);
        Expect result = new Expect("APPLIED", collected, 0);
        order.refundResults.put(refundId, result);
        return result;
    }

    Expect adjust(String adjustmentId, String stewardId, long delta, String reason) {
        String key = stewardId + "|" + delta + "|" + reason;
        String prior = adjustments.get(adjustmentId);
        if (prior != null) {
            return prior.equals(key) ? dup(adjustmentResults.get(adjustmentId)) : Expect.of("ADJUSTMENT_CONFLICT");
        }
        StewardState steward = stewards.get(stewardId);
        if (steward == null) {
            return Expect.of("STEWARD_NOT_FOUND");
        }
        if (steward.earned + delta < 0) {
            return Expect.of("INSUFFICIENT_BALANCE");
        }
        credit(steward, steward.region, steward.group, delta);
        adjustments.put(adjustmentId, key);
        Expect result = new Expect("APPLIED", steward.earned, 0);
        adjustmentResults.put(adjustmentId, result);
        return result;
    }

    Expect transfer(String stewardId, String transferId, String region, String group) {
        String field = stewardId + ":" + transferId;
        String key = region + "|" + group;
        String prior = transfers.get(field);
        if (prior != null) {
            return prior.equals(key) ? dup(transferResults.get(field)) : Expect.of("TRANSFER_CONFLICT");
        }
        StewardState steward = stewards.get(stewardId);
        if (steward == null) {
            return Expect.of("STEWARD_NOT_FOUND");
        }
        long moved = 0;
        if (!steward.region.equals(region) || !steward.group.equals(group)) {
            moved = move(steward, region, group);
        }
        transfers.put(field, key);
        Expect result = new Expect("APPLIED", moved, 0);
        transferResults.put(field, result);
        return result;
    }

    private static Expect dup(Expect applied) {
        return new Expect("DUPLICATE", applied.amount(), applied.other());
    }

    private long move(StewardState steward, String region, String group) {
        long moved = policy == TransferPolicy.FOLLOW ? steward.earned : 0;
        add(groupScore, steward.group, -moved);
        add(regionScore, steward.region, -moved);
        add(pairScore, steward.region + "|" + steward.group, -moved);
        add(groupMembers, steward.group, -1);
        add(regionMembers, steward.region, -1);
        add(pairMembers, steward.region + "|" + steward.group, -1);
        steward.region = region;
        steward.group = group;
        join(region, group);
        add(groupScore, group, moved);
        add(regionScore, region, moved);
        add(pairScore, region + "|" + group, moved);
        return moved;
    }

    private void join(String region, String group) {
        add(groupMembers, group, 1);
        add(regionMembers, region, 1);
        add(pairMembers, region + "|" + group, 1);
        add(groupScore, group, 0);
        add(regionScore, region, 0);
        add(pairScore, region + "|" + group, 0);
    }

    private void credit(StewardState steward, String region, String group, long delta) {
        steward.earned += delta;
        add(groupScore, group, delta);
        add(regionScore, region, delta);
        add(pairScore, region + "|" + group, delta);
    }

    private static void add(Map<String, Long> map, String key, long delta) {
        map.merge(Objects.requireNonNull(key), delta, Long::sum);
    }

    /** Adds another model's group and region sums into this one (for stewards split over threads). */
    void absorb(ReferenceModel other) {
        stewards.putAll(other.stewards);
        other.groupScore.forEach((k, v) -> add(groupScore, k, v));
        other.regionScore.forEach((k, v) -> add(regionScore, k, v));
        other.pairScore.forEach((k, v) -> add(pairScore, k, v));
        other.groupMembers.forEach((k, v) -> add(groupMembers, k, v));
        other.regionMembers.forEach((k, v) -> add(regionMembers, k, v));
        other.pairMembers.forEach((k, v) -> add(pairMembers, k, v));
    }

    /** Whether a group/region/pair is listed: FOLLOW lists those with members, STAY every one ever joined. */
    boolean listed(Map<String, Long> members, String key) {
        return policy == TransferPolicy.STAY ? members.containsKey(key) : members.getOrDefault(key, 0L) > 0;
    }

    long totalEarned() {
        return stewards.values().stream().mapToLong(s -> s.earned).sum();
    }

    long totalSales() {
        return stewards.values().stream().mapToLong(s -> s.sales).sum();
    }

    long totalOrders() {
        return stewards.values().stream().mapToLong(s -> s.orders).sum();
    }
}
