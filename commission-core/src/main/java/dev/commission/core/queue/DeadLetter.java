package dev.commission.core.queue;

import dev.commission.core.order.SettleCommission;

/**
 * A settlement parked for an operator, with why and after how many deliveries. Its id is
 * {@code <partition>/<entry id in the partition's dead-letter stream>}.
 */
public record DeadLetter(String id, SettleCommission request, int attempts, QueueError lastError, long deadAtMs,
                         Status status, long closedAtMs, String discardReason) {

    public enum Status { OPEN, REPLAYED, DISCARDED }
}
