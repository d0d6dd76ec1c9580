package dev.commission.core.order;

import dev.commission.core.Validator;
import java.util.List;

/**
 * Credit the commission of one shipped order; idempotent on (campaign, order number). When
 * {@code regionId} and {@code groupId} are both given, the steward is registered on the fly if
 * unknown, or transferred first if placed elsewhere. {@code buyerId} (optional) counts the buyer in
 * the campaign's metrics.
 */
public record SettleCommission(String campaignId, String orderNo, String stewardId, List<OrderLine> lines,
                               String regionId, String groupId, String stewardName, String buyerId) {

    public static final int MAX_LINES = 200;

    public SettleCommission {
        lines = lines == null ? List.of() : List.copyOf(lines);
        regionId = regionId == null ? "" : regionId;
        groupId = groupId == null ? "" : groupId;
        stewardName = stewardName == null ? "" : stewardName;
        buyerId = buyerId == null ? "" : buyerId;
    }

    public SettleCommission(String campaignId, String orderNo, String stewardId, List<OrderLine> lines,
                            String regionId, String groupId, String stewardName) {
        this(campaignId, orderNo, stewardId, lines, regionId, groupId, stewardName, "");
    }

    public SettleCommission(String campaignId, String orderNo, String stewardId, List<OrderLine> lines) {
        this(campaignId, orderNo, stewardId, lines, "", "", "", "");
    }

    public boolean carriesPlacement() {
        return !regionId.isEmpty() || !groupId.isEmpty();
    }

    public long paidFen() {
        long paid = 0;
        for (OrderLine line : lines) {
            paid += line.paidFen();
        }
        return paid;
    }

    public long items() {
        long items = 0;
        for (OrderLine line : lines) {
            items += line.quantity();
        }
        return items;
    }

    public void validate() {
        Validator v = new Validator().id("campaign_id", campaignId).id("order_no", orderNo).id("steward_id", stewardId);
        OrderLines.validate(v, "lines", lines);
        if (carriesPlacement()) {
            v.id("region_id", regionId).id("group_id", groupId);
        }
        if (!stewardName.isEmpty()) {
            v.text("steward_name", stewardName, 200);
        }
        if (!buyerId.isEmpty()) {
            v.id("buyer_id", buyerId);
        }
        v.throwIfInvalid();
    }
}
