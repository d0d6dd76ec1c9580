package dev.commission.core.queue;

import java.util.List;

/** The queue's figures per partition, and their sums (the oldest age is the largest). */
public record QueueStats(List<Partition> partitions, Partition total) {

    /**
     * @param depth                  entries not acknowledged (waiting or in flight)
     * @param inFlight               entries delivered and not acknowledged
     * @param oldestUnacknowledgedMs age of the oldest entry not acknowledged, 0 when none
     * @param deliveriesRetried      deliveries made again since the queue began
     * @param deadLetters            open dead letters
     */
    public record Partition(int partition, long depth, long inFlight, long oldestUnacknowledgedMs,
                            long deliveriesRetried, long deadLetters) {
    }
}
