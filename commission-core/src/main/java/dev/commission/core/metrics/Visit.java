package dev.commission.core.metrics;

/** One visit: who came, the steward whose link brought them ("" for none), when (epoch ms). */
public record Visit(String visitorId, String stewardId, long atMs) {
    public Visit {
        stewardId = stewardId == null ? "" : stewardId;
    }
}
