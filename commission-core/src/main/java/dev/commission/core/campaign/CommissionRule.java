package dev.commission.core.campaign;

import dev.commission.core.Validator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How commission is computed for one order, always rounded down to whole fen, with an optional
 * cap per order (0 = none). The Lua scripts compute it; {@link #commission} is the same rule in
 * Java, for reference models and documentation.
 */
public record CommissionRule(Kind kind, long fixedFen, int rateBps, List<Tier> tiers, long capFen) {

    public enum Kind { FIXED, RATE, TIERS }

    /** From this cumulative paid sales (fen, before the order) on, {@code rateBps} applies. */
    public record Tier(long minSalesFen, int rateBps) {
    }

    public CommissionRule {
        tiers = tiers == null ? List.of() : List.copyOf(tiers);
    }

    public static CommissionRule fixed(long fen, long capFen) {
        return new CommissionRule(Kind.FIXED, fen, 0, List.of(), capFen);
    }

    public static CommissionRule rate(int bps, long capFen) {
        return new CommissionRule(Kind.RATE, 0, bps, List.of(), capFen);
    }

    public static CommissionRule tiered(List<Tier> tiers, long capFen) {
        return new CommissionRule(Kind.TIERS, 0, 0, tiers, capFen);
    }

    void validate(Validator v) {
        if (kind == null) {
            v.check(false, "rule", "one of fixed_fen, rate_bps or tiers is required");
            return;
        }
        switch (kind) {
            case FIXED -> v.amount("rule.fixed_fen", fixedFen);
            case RATE -> v.range("rule.rate_bps", rateBps, 1, 10_000);
            case TIERS -> {
                v.check(!tiers.isEmpty() && tiers.size() <= 20, "rule.tiers", "must hold 1 to 20 tiers");
                for (int i = 0; i < tiers.size(); i++) {
                    Tier tier = tiers.get(i);
                    String field = "rule.tiers[" + i + "]";
                    v.range(field + ".rate_bps", tier.rateBps(), 0, 10_000);
                    v.range(field + ".min_sales_fen", tier.minSalesFen(), 0, Validator.MAX_TOTAL_FEN - 1);
                    if (i == 0) {
                        v.check(tier.minSalesFen() == 0, field + ".min_sales_fen", "the first tier must start at 0");
                    } else {
                        v.check(tier.minSalesFen() > tiers.get(i - 1).minSalesFen(), field + ".min_sales_fen",
                                "must be greater than the previous tier's");
                    }
                }
            }
        }
        v.range("rule.cap_fen", capFen, 0, Validator.MAX_AMOUNT_FEN);
    }

    /** The script's encoding: kind word, value, cap. Tiers are {@code min:bps,min:bps,...}. */
    public String kindWord() {
        return kind.name().toLowerCase();
    }

    public String valueWord() {
        return switch (kind) {
            case FIXED -> Long.toString(fixedFen);
            case RATE -> Integer.toString(rateBps);
            case TIERS -> tiers.stream().map(t -> t.minSalesFen() + ":" + t.rateBps()).collect(Collectors.joining(","));
        };
    }

    public static CommissionRule decode(String kindWord, String value, long capFen) {
        return switch (kindWord) {
            case "fixed" -> fixed(Long.parseLong(value), capFen);
            case "rate" -> rate(Integer.parseInt(value), capFen);
            case "tiers" -> tiered(List.of(value.split(",")).stream().map(t -> {
                String[] parts = t.split(":");
                return new Tier(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
            }).toList(), capFen);
            default -> throw new IllegalStateException("unknown rule kind in Redis: " + kindWord);
        };
    }

    /** The basis points this rule applies to a steward with {@code salesBefore} (0 for FIXED). */
    public int bpsFor(long salesBefore) {
        return switch (kind) {
            case FIXED -> 0;
            case RATE -> rateBps;
            case TIERS -> {
                int bps = 0;
                for (Tier tier : tiers) {
                    if (salesBefore >= tier.minSalesFen()) {
                        bps = tier.rateBps();
                    }
                }
                yield bps;
            }
        };
    }

    /** Commission of an order paying {@code paidFen} for a steward with {@code salesBefore}. */
    public long commission(long paidFen, long salesBefore) {
        return kind == Kind.FIXED
                ? applied(true, fixedFen, paidFen, capFen)
                : applied(false, bpsFor(salesBefore), paidFen, capFen);
    }

    /**
     * The commission of {@code paidFen} at a rate already fixed at settlement: a fixed amount
     * while anything is still paid, or basis points rounded down; capped.
     */
    public static long applied(boolean fixed, long value, long paidFen, long capFen) {
        if (paidFen <= 0) {
            return 0;
        }
        long commission = fixed ? value : Math.floorDiv(paidFen * value, 10_000L);
        return capFen > 0 ? Math.min(commission, capFen) : commission;
    }
}
