package dev.commission.core.metrics;

/**
 * The figures of one scope at one instant (docs/design.md, "Campaign metrics"): average price per
 * item in fen, sell-through, conversion and SMS recall in basis points, and the counts they come
 * from.
 */
public record CampaignMetrics(String campaignId, MetricsScope scope, long paidFen, long items, long orders,
                              long buyers, long recalled, long visitors, long skusSold, long skusOnSale,
                              long smsRecipients) {
    static final long BASIS_POINTS = 10_000;

    public Figure avgPricePerItem() {
        return Figure.of(paidFen, items, 1);
    }

    public Figure sellThrough() {
        return Figure.of(skusSold, skusOnSale, BASIS_POINTS);
    }

    public Figure conversion() {
        return Figure.of(buyers, visitors, BASIS_POINTS);
    }

    public Figure smsRecall() {
        return Figure.of(recalled, smsRecipients, BASIS_POINTS);
    }
}
