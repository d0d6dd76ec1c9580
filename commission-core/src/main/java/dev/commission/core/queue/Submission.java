package dev.commission.core.queue;

/** The answer to a submission: the order and where it stands. */
public record Submission(String campaignId, String orderNo, SettlementState state) {
}
