package dev.commission.core.metrics;

import dev.commission.core.Validator;

/**
 * Whose figures: the whole campaign, a steward, a group or a region. Its token ({@code c},
 * {@code s:<id>}, {@code g:<id>}, {@code r:<id>}) names it in the metrics keys and scripts.
 */
public record MetricsScope(Kind kind, String id) {

    public enum Kind { CAMPAIGN, STEWARD, GROUP, REGION }

    public static final MetricsScope CAMPAIGN = new MetricsScope(Kind.CAMPAIGN, "");

    public MetricsScope {
        id = id == null ? "" : id;
    }

    public static MetricsScope steward(String id) {
        return new MetricsScope(Kind.STEWARD, id);
    }

    public static MetricsScope group(String id) {
        return new MetricsScope(Kind.GROUP, id);
    }

    public static MetricsScope region(String id) {
        return new MetricsScope(Kind.REGION, id);
    }

    public String token() {
        return switch (kind) {
            case CAMPAIGN -> "c";
            case STEWARD -> "s:" + id;
            case GROUP -> "g:" + id;
            case REGION -> "r:" + id;
        };
    }

    public void validate(Validator v) {
        switch (kind) {
            case STEWARD -> v.id("steward_id", id);
            case GROUP -> v.id("group_id", id);
            case REGION -> v.id("region_id", id);
            case CAMPAIGN -> {
            }
        }
    }
}
