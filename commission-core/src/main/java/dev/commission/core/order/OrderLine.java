package dev.commission.core.order;

/** One line of an order or a refund: what the customer paid for a quantity of one SKU. */
public record OrderLine(String skuId, long quantity, long paidFen) {
}
