package dev.commission.core.queue;

import dev.commission.core.order.SettleCommission;

/**
 * One delivery of a queued settlement to a worker.
 *
 * @param deliveries the deliveries of this entry so far, this one included
 */
public record QueueEntry(int partition, String entryId, int deliveries, SettleCommission request) {
}
