package dev.commission.core.order;

/** What was settled and refunded for one order. */
public record Order(String campaignId, String orderNo, String stewardId, State state, long paidFen, long refundedFen,
                    long settledCommissionFen, long reversedCommissionFen, long unrecoveredCommissionFen,
                    String regionId, String groupId) {

    public enum State { AWAITING_SETTLEMENT, SETTLED, REFUNDED }

    /** What the steward holds for this order: settled less what refunds took back. */
    public long commissionFen() {
        return settledCommissionFen - reversedCommissionFen;
    }
}
