package dev.commission.core.metrics;

import java.util.OptionalLong;

/**
 * A ratio with its exact integer parts; its value is numerator / denominator rounded down, scaled
 * by {@code scale} (1 for fen, 10,000 for basis points), and absent when the denominator is 0.
 */
public record Figure(long numerator, long denominator, OptionalLong value) {

    public static Figure of(long numerator, long denominator, long scale) {
        if (denominator == 0) {
            return new Figure(numerator, denominator, OptionalLong.empty());
        }
        // Fen (below 2^53) are scaled by 1, counts of people and SKUs (far below 2^49) by 10,000: the
        // product fits a long.
        return new Figure(numerator, denominator,
                OptionalLong.of(Math.floorDiv(Math.multiplyExact(numerator, scale), denominator)));
    }
}
