package dev.commission.core.order;

/** What was settled and refunded for one order. */
public record Order(String campaignId, String orderNo, String stewardId, State state, long paidFen, long refundedFen,
                    long settledCommissionFen, long reversedCommissionFen, long unrecoveredCommissionFen,
                    long refundExcessFen, String regionId, String groupId) {

    public enum State { AWAITING_SETTLEMENT, SETTLED, REFUNDED }

    /**
     * What the steward holds for this order: settled less what refunds took back and less what they
     * should have taken back but the steward no longer held (an operator had debited it).
     */
    public long commissionFen() {
        return settledCommissionFen - reversedCommissionFen - unrecoveredCommissionFen;
    }
}
