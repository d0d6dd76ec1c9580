package dev.commission.core.campaign;

import dev.commission.core.CampaignKeys;
import dev.commission.core.operation.OperationStrategy;
import dev.commission.core.operation.ScriptReply;
import dev.commission.core.order.Outcome;
import java.util.List;

/** {@code lua/close-campaign.lua}: close a campaign to new money, keep it open to refunds. */
public final class CloseCampaignStrategy implements OperationStrategy<String, Outcome> {

    @Override
    public String name() {
        return "close-campaign";
    }

    @Override
    public List<Object> keys(String campaignId) {
        CampaignKeys keys = new CampaignKeys(campaignId);
        return List.of(keys.campaign(), keys.ledger());
    }

    @Override
    public List<Object> args(String campaignId) {
        return List.of();
    }

    @Override
    public Outcome decode(String campaignId, ScriptReply reply) {
        return Outcome.valueOf(reply.status());
    }
}
