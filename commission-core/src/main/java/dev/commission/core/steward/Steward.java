package dev.commission.core.steward;

/** A steward, where it is placed, and its net totals. */
public record Steward(String campaignId, String stewardId, String name, String regionId, String groupId,
                      long earnedFen, long salesFen, long orders) {
}
