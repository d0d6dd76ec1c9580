package dev.commission.core.order;

import dev.commission.core.CampaignKeys;
import dev.commission.core.operation.Fingerprint;
import dev.commission.core.operation.OperationStrategy;
import dev.commission.core.operation.ScriptReply;
import java.util.List;

/**
 * {@code lua/reverse.lua}: a refund. On a settled order the commission is recomputed on what is
 * still paid, at the rate applied at settlement, and the difference taken back; before the
 * settlement the refund is kept on the order and netted when it settles.
 */
public final class ReverseStrategy implements OperationStrategy<ReverseCommission, ReverseResult> {

    @Override
    public String name() {
        return "reverse";
    }

    @Override
    public List<Object> keys(ReverseCommission request) {
        CampaignKeys keys = new CampaignKeys(request.campaignId());
        return List.of(keys.campaign(), keys.orderBucket(request.orderNo()), keys.totals(), keys.ledger(),
                keys.rankStewards(), keys.rankGroups(), keys.rankRegions(), keys.orderRefunds(request.orderNo()),
                keys.metrics(), keys.smsRecipients());
    }

    @Override
    public List<Object> args(ReverseCommission request) {
        return List.of(request.orderNo(), request.refundId(), Long.toString(request.amountFen()),
                Fingerprint.of(request.canonical()), OrderLines.encode(request.lines()));
    }

    @Override
    public ReverseResult decode(ReverseCommission request, ScriptReply reply) {
        return new ReverseResult(request.orderNo(), request.refundId(), reply.number(1),
                Outcome.valueOf(reply.status()), reply.number(2) == 1, reply.number(3));
    }
}
