package dev.commission.core.campaign;

import dev.commission.core.CampaignKeys;
import dev.commission.core.operation.Fingerprint;
import dev.commission.core.operation.OperationStrategy;
import dev.commission.core.operation.ScriptReply;
import dev.commission.core.order.Outcome;
import java.util.List;

/** {@code lua/create-campaign.lua}: store a campaign's definition, once. */
public final class CreateCampaignStrategy implements OperationStrategy<CreateCampaign, Outcome> {

    @Override
    public String name() {
        return "create-campaign";
    }

    @Override
    public List<Object> keys(CreateCampaign request) {
        CampaignKeys keys = new CampaignKeys(request.campaignId());
        return List.of(keys.campaign());
    }

    @Override
    public List<Object> args(CreateCampaign request) {
        CommissionRule rule = request.rule();
        String fingerprint = Fingerprint.of(String.join("|", request.name(), rule.kindWord(), rule.valueWord(),
                Long.toString(rule.capFen()), request.transferPolicy().name()));
        return List.of(request.name(), rule.kindWord(), rule.valueWord(), Long.toString(rule.capFen()),
                request.transferPolicy().name(), fingerprint);
    }

    @Override
    public Outcome decode(CreateCampaign request, ScriptReply reply) {
        return Outcome.valueOf(reply.status());
    }
}
