package dev.commission.core.order;

import dev.commission.core.CampaignKeys;
import dev.commission.core.operation.Fingerprint;
import dev.commission.core.operation.OperationStrategy;
import dev.commission.core.operation.ScriptReply;
import java.util.List;

/** {@code lua/adjust.lua}: an operator's credit or debit, never taking a steward below zero. */
public final class AdjustStrategy implements OperationStrategy<AdjustCommission, AdjustResult> {

    @Override
    public String name() {
        return "adjust";
    }

    @Override
    public List<Object> keys(AdjustCommission request) {
        CampaignKeys keys = new CampaignKeys(request.campaignId());
        return List.of(keys.campaign(), keys.steward(request.stewardId()), keys.adjustments(), keys.totals(),
                keys.ledger(), keys.rankStewards(), keys.rankGroups(), keys.rankRegions());
    }

    @Override
    public List<Object> args(AdjustCommission request) {
        return List.of(request.adjustmentId(), request.stewardId(), Long.toString(request.deltaFen()), request.reason(),
                Fingerprint.of(request.stewardId() + "|" + request.deltaFen() + "|" + request.reason()));
    }

    @Override
    public AdjustResult decode(AdjustCommission request, ScriptReply reply) {
        return new AdjustResult(request.adjustmentId(), Outcome.valueOf(reply.status()), reply.number(1));
    }
}
