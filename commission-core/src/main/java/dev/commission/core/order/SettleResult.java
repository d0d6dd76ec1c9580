package dev.commission.core.order;

/** Commission credited for the order (net of refunds that came first) and the steward's total after. */
public record SettleResult(String orderNo, long commissionFen, Outcome outcome, long stewardEarnedFen) {
}
