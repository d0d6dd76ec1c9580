package dev.commission.core.queue;

/**
 * Where one order stands. {@code attempts} counts deliveries to a worker (since the last replay);
 * times are Unix epoch milliseconds, 0 when unknown (an order settled directly was never queued).
 */
public record Settlement(String campaignId, String orderNo, SettlementState state, int attempts, QueueError lastError,
                         long commissionFen, long queuedAtMs, long settledAtMs, String deadLetterId) {
}
