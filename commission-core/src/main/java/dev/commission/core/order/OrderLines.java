package dev.commission.core.order;

import dev.commission.core.Validator;
import java.util.Comparator;
import java.util.List;

/** Validation and fingerprints shared by the requests that carry lines. */
final class OrderLines {
    private OrderLines() {
    }

    static void validate(Validator v, String field, List<OrderLine> lines) {
        v.check(!lines.isEmpty() && lines.size() <= SettleCommission.MAX_LINES, field,
                "must hold 1 to " + SettleCommission.MAX_LINES + " lines");
        long paid = 0;
        for (int i = 0; i < lines.size() && i < SettleCommission.MAX_LINES; i++) {
            OrderLine line = lines.get(i);
            String at = field + "[" + i + "]";
            v.id(at + ".sku_id", line.skuId());
            v.range(at + ".quantity", line.quantity(), 1, 1_000_000);
            v.amount(at + ".paid_fen", line.paidFen());
            paid += Math.max(0, Math.min(line.paidFen(), Validator.MAX_AMOUNT_FEN));
        }
        if (!v.hasViolations()) {
            v.amount(field + " (sum of paid_fen)", paid);
        }
    }

    /**
     * The lines as the scripts keep them: {@code sku*qty*paid,...}, in the canonical order. Ids
     * cannot hold {@code *} or {@code ,}.
     */
    static String encode(List<OrderLine> lines) {
        StringBuilder text = new StringBuilder();
        for (OrderLine line : sorted(lines)) {
            text.append(text.length() == 0 ? "" : ",").append(line.skuId()).append('*').append(line.quantity())
                    .append('*').append(line.paidFen());
        }
        return text.toString();
    }

    private static List<OrderLine> sorted(List<OrderLine> lines) {
        return lines.stream().sorted(Comparator.comparing(OrderLine::skuId)
                .thenComparingLong(OrderLine::quantity).thenComparingLong(OrderLine::paidFen)).toList();
    }

    /** The lines as text, in a fixed order: a retry that lists the same lines differently is the same request. */
    static String canonical(List<OrderLine> lines) {
        StringBuilder text = new StringBuilder();
        for (OrderLine line : sorted(lines)) {
            text.append(line.skuId()).append('*').append(line.quantity()).append('=').append(line.paidFen()).append(';');
        }
        return text.toString();
    }
}
