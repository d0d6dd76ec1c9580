package dev.commission.core.order;

public record AdjustResult(String adjustmentId, Outcome outcome, long stewardEarnedFen) {
}
