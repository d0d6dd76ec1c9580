package dev.commission.core.order;

import dev.commission.core.Validator;
import java.util.List;

/**
 * Take back commission for a refund of {@code refundFen}, or of the given lines; idempotent on
 * (campaign, order number, refund id). It may arrive before the settlement.
 */
public record ReverseCommission(String campaignId, String orderNo, String refundId, long refundFen,
                                List<OrderLine> lines) {

    public ReverseCommission {
        lines = lines == null ? List.of() : List.copyOf(lines);
    }

    public long amountFen() {
        if (lines.isEmpty()) {
            return refundFen;
        }
        long sum = 0;
        for (OrderLine line : lines) {
            sum += line.paidFen();
        }
        return sum;
    }

    public void validate() {
        Validator v = new Validator().id("campaign_id", campaignId).id("order_no", orderNo).id("refund_id", refundId);
        if (lines.isEmpty() && refundFen == 0) {
            v.check(false, "refund_fen", "refund_fen or lines is required");
        } else if (lines.isEmpty()) {
            v.amount("refund_fen", refundFen);
        } else {
            v.check(refundFen == 0, "refund_fen", "give refund_fen or lines, not both");
            OrderLines.validate(v, "lines", lines);
        }
        v.throwIfInvalid();
    }

    String canonical() {
        return lines.isEmpty() ? "fen=" + refundFen : "lines=" + OrderLines.canonical(lines);
    }
}
