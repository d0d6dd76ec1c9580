package dev.commission.core.order;

import dev.commission.core.CampaignKeys;
import dev.commission.core.operation.Fingerprint;
import dev.commission.core.operation.OperationStrategy;
import dev.commission.core.operation.ScriptReply;
import java.util.List;

/**
 * {@code lua/settle.lua}: credit one shipped order's commission to its steward, the steward's
 * region and group, and every ranking, net of refunds that arrived first.
 */
public final class SettleStrategy implements OperationStrategy<SettleCommission, SettleResult> {

    @Override
    public String name() {
        return "settle";
    }

    @Override
    public List<Object> keys(SettleCommission request) {
        CampaignKeys keys = new CampaignKeys(request.campaignId());
        return List.of(keys.campaign(), keys.steward(request.stewardId()), keys.orderBucket(request.orderNo()),
                keys.totals(), keys.ledger(), keys.names(), keys.placements(), keys.transfers(),
                keys.rankStewards(), keys.rankGroups(), keys.rankRegions(), keys.orderRefunds(request.orderNo()),
                keys.metrics(), keys.smsRecipients());
    }

    @Override
    public List<Object> args(SettleCommission request) {
        return List.of(request.orderNo(), request.stewardId(), Long.toString(request.paidFen()),
                OrderLines.encode(request.lines()), fingerprint(request), request.regionId(), request.groupId(),
                request.stewardName().isEmpty() ? request.stewardId() : request.stewardName(),
                Integer.toString(request.lines().size()), request.buyerId());
    }

    /**
     * The settlement's payload as a digest: the settle script and the settlement queue compare it
     * to tell a replay from a conflict. The placement decides which group and region are credited,
     * so it is part of the payload, and so is the buyer, whom the metrics count; the name of a
     * steward registered on the fly moves no money and is not. Without a buyer the digest is what it
     * was before buyers existed, so settlements stored then still replay.
     */
    public static String fingerprint(SettleCommission request) {
        return Fingerprint.of(request.stewardId() + "|" + request.regionId() + "|" + request.groupId()
                + "|" + OrderLines.canonical(request.lines())
                + (request.buyerId().isEmpty() ? "" : "|b:" + request.buyerId()));
    }

    @Override
    public SettleResult decode(SettleCommission request, ScriptReply reply) {
        return new SettleResult(request.orderNo(), reply.number(1), Outcome.valueOf(reply.status()), reply.number(2));
    }
}
