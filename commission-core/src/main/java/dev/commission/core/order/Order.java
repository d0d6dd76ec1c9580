package dev.commission.core.order;

/** What was settled and refunded for one order. */
public record Order(String campaignId, String orderNo, String stewardId, State state, long paidFen, long refundedFen,
                    long settledCommissionFen, long reversedCommissionFen, String regionId, String groupId) {

    public enum State { AWAITING_SETTLEMENT, SETTLED, REFUNDED }

    public long commissionFen() {
        return settledCommissionFen - reversedCommissionFen;
    }
}
