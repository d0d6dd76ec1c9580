package dev.commission.core.campaign;

/** A campaign as stored, with its control totals. */
public record Campaign(String campaignId, String name, CommissionRule rule, TransferPolicy transferPolicy,
                       CampaignStatus status, long earnedFen, long salesFen, long orders) {
}
