package dev.commission.core.order;

import dev.commission.core.Validator;

/** An operator's credit (delta > 0) or debit (delta < 0) with a reason; idempotent on the adjustment id. */
public record AdjustCommission(String campaignId, String adjustmentId, String stewardId, long deltaFen, String reason) {

    public void validate() {
        new Validator().id("campaign_id", campaignId).id("adjustment_id", adjustmentId).id("steward_id", stewardId)
                .check(deltaFen != 0 && deltaFen >= -Validator.MAX_AMOUNT_FEN && deltaFen <= Validator.MAX_AMOUNT_FEN, "delta_fen",
                        "must be non-zero and at most " + Validator.MAX_AMOUNT_FEN + " in size")
                .text("reason", reason, 500)
                .throwIfInvalid();
    }
}
