package dev.commission.core.campaign;

import dev.commission.core.Validator;

/** Create a campaign; idempotent on the id, a different definition is a conflict. */
public record CreateCampaign(String campaignId, String name, CommissionRule rule, TransferPolicy transferPolicy) {

    public CreateCampaign {
        transferPolicy = transferPolicy == null ? TransferPolicy.FOLLOW : transferPolicy;
    }

    public void validate() {
        Validator v = new Validator().id("campaign_id", campaignId).text("name", name, 200);
        if (rule == null) {
            v.check(false, "rule", "is required");
        } else {
            rule.validate(v);
        }
        v.throwIfInvalid();
    }
}
