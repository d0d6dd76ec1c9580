package dev.commission.core.steward;

import dev.commission.core.CampaignKeys;
import dev.commission.core.operation.OperationStrategy;
import dev.commission.core.operation.ScriptReply;
import dev.commission.core.order.Outcome;
import java.util.List;

/** {@code lua/register.lua}: create a steward with zero totals in every ranking of its placement. */
public final class RegisterStrategy implements OperationStrategy<RegisterSteward, Outcome> {

    @Override
    public String name() {
        return "register";
    }

    @Override
    public List<Object> keys(RegisterSteward request) {
        CampaignKeys keys = new CampaignKeys(request.campaignId());
        return List.of(keys.campaign(), keys.steward(request.stewardId()), keys.names(), keys.placements(),
                keys.ledger(), keys.rankStewards(), keys.rankGroups(), keys.rankRegions(),
                keys.rankStewardsInRegion(request.regionId()), keys.rankStewardsInGroup(request.groupId()),
                keys.rankGroupsInRegion(request.regionId()));
    }

    @Override
    public List<Object> args(RegisterSteward request) {
        return List.of(request.stewardId(), request.name(), request.regionId(), request.groupId());
    }

    @Override
    public Outcome decode(RegisterSteward request, ScriptReply reply) {
        return Outcome.valueOf(reply.status());
    }
}
