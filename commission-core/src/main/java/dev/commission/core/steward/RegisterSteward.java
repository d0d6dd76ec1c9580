package dev.commission.core.steward;

import dev.commission.core.Validator;

/** Register a steward in a region and group; idempotent on the steward id. */
public record RegisterSteward(String campaignId, String stewardId, String name, String regionId, String groupId) {

    public void validate() {
        new Validator().id("campaign_id", campaignId).id("steward_id", stewardId).text("name", name, 200)
                .id("region_id", regionId).id("group_id", groupId).throwIfInvalid();
    }
}
