package dev.commission.core.metrics;

import dev.commission.core.Validator;
import java.util.List;

/** An SMS batch sent to {@code recipientIds} at {@code sentAtMs}; idempotent on (campaign, batch id). */
public record RecordSmsSent(String campaignId, String batchId, List<String> recipientIds, long sentAtMs) {
    public static final int MAX_RECIPIENTS = 10_000;

    public RecordSmsSent {
        recipientIds = recipientIds == null ? List.of() : List.copyOf(recipientIds);
    }

    public void validate() {
        Validator v = new Validator().id("campaign_id", campaignId).id("batch_id", batchId)
                .range("recipient_ids", recipientIds.size(), 1, MAX_RECIPIENTS)
                .range("sent_at_ms", sentAtMs, 1, Long.MAX_VALUE);
        Batches.ids(v, "recipient_ids", recipientIds);
        v.throwIfInvalid();
    }
}
