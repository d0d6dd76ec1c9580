package dev.commission.core.order;

/**
 * Commission this refund took back; {@code pendingSettlement} when the order had not settled yet;
 * {@code unrecoveredFen} the part of the commission due back that the steward no longer held.
 */
public record ReverseResult(String orderNo, String refundId, long reversedFen, Outcome outcome,
                            boolean pendingSettlement, long unrecoveredFen) {
}
