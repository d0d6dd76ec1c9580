package dev.commission.core.order;

/** Commission this refund took back; {@code pendingSettlement} when the order had not settled yet. */
public record ReverseResult(String orderNo, String refundId, long reversedFen, Outcome outcome,
                            boolean pendingSettlement) {
}
