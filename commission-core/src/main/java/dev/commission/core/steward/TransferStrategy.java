package dev.commission.core.steward;

import dev.commission.core.CampaignKeys;
import dev.commission.core.operation.Fingerprint;
import dev.commission.core.operation.OperationStrategy;
import dev.commission.core.operation.ScriptReply;
import dev.commission.core.order.Outcome;
import java.util.List;

/**
 * {@code lua/transfer.lua}: move a steward to another region and group; under FOLLOW its total
 * moves with it, under STAY it stays credited where it was earned. The steward's current
 * placement is read inside the script, so the old region's and group's keys are built there.
 */
public final class TransferStrategy implements OperationStrategy<TransferSteward, TransferResult> {

    @Override
    public String name() {
        return "transfer";
    }

    @Override
    public List<Object> keys(TransferSteward request) {
        CampaignKeys keys = new CampaignKeys(request.campaignId());
        return List.of(keys.campaign(), keys.steward(request.stewardId()), keys.transfers(), keys.placements(),
                keys.ledger(), keys.rankStewards(), keys.rankGroups(), keys.rankRegions(),
                keys.rankStewardsInRegion(request.toRegionId()), keys.rankStewardsInGroup(request.toGroupId()),
                keys.rankGroupsInRegion(request.toRegionId()));
    }

    @Override
    public List<Object> args(TransferSteward request) {
        return List.of(request.stewardId(), request.transferId(), request.toRegionId(), request.toGroupId(),
                Fingerprint.of(request.toRegionId() + "|" + request.toGroupId()));
    }

    @Override
    public TransferResult decode(TransferSteward request, ScriptReply reply) {
        return new TransferResult(request.transferId(), Outcome.valueOf(reply.status()), reply.string(1),
                reply.string(2), reply.string(3), reply.string(4), reply.number(5));
    }
}
