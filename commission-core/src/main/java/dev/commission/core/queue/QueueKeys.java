package dev.commission.core.queue;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The Redis keys of the settlement queue. An order belongs to one of {@link #PARTITIONS}
 * partitions by a hash of its campaign and order number; each partition's keys carry their own
 * hash tag {@code {q:<p>}}, so the partitions spread over a Redis Cluster while every queue
 * script touches one slot.
 */
public final class QueueKeys {
    public static final int PARTITIONS = 16;
    /** The one consumer group every worker of every instance reads in. */
    public static final String GROUP = "settlers";

    private final int partition;
    private final String prefix;

    public QueueKeys(int partition) {
        if (partition < 0 || partition >= PARTITIONS) {
            throw new IllegalArgumentException("partition " + partition + " is not in 0.." + (PARTITIONS - 1));
        }
        this.partition = partition;
        this.prefix = "cms:{q:" + partition + "}:";
    }

    public static QueueKeys of(String campaignId, String orderNo) {
        CRC32 crc = new CRC32();
        crc.update((campaignId + "/" + orderNo).getBytes(StandardCharsets.UTF_8));
        return new QueueKeys((int) (crc.getValue() % PARTITIONS));
    }

    public int partition() {
        return partition;
    }

    /** Stream: settlements accepted and not yet acknowledged (acknowledged entries are deleted). */
    public String stream() {
        return prefix + "stream";
    }

    /** Hash: one order's record: payload fingerprint, state, entry, attempts, last error, times. */
    public String settlement(String campaignId, String orderNo) {
        return prefix + "settlement:" + campaignId + ":" + orderNo;
    }

    /** Stream: the dead letters, never trimmed. */
    public String deadLetters() {
        return prefix + "dead-letters";
    }

    /** Hash: dead letter id to OPEN, {@code REPLAYED|<ms>} or {@code DISCARDED|<ms>|<reason>}. */
    public String deadLetterStatus() {
        return prefix + "dead-letter-status";
    }

    /** Hash: counters: deliveries retried, open dead letters. */
    public String stats() {
        return prefix + "stats";
    }
}
