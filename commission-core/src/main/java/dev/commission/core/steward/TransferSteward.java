package dev.commission.core.steward;

import dev.commission.core.Validator;

/** Move a steward to another region and group; idempotent on (steward, transfer id). */
public record TransferSteward(String campaignId, String stewardId, String transferId, String toRegionId,
                              String toGroupId) {

    public void validate() {
        new Validator().id("campaign_id", campaignId).id("steward_id", stewardId).id("transfer_id", transferId)
                .id("to_region_id", toRegionId).id("to_group_id", toGroupId).throwIfInvalid();
    }
}
