package dev.commission.client.cli;

import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.Tier;
import dev.commission.api.v1.Tiers;
import dev.commission.api.v1.TransferPolicy;
import dev.commission.client.CommissionClient;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;

/** The words of the command line that become messages: rules, order lines, ranking scopes. */
final class Arguments {
    private Arguments() {
    }

    /** {@code fixed=FEN}, {@code rate=BPS} or {@code tiers=MIN:BPS,...}, with {@code cap=FEN}; FOLLOW and STAY are skipped. */
    static CommissionRule rule(List<String> words) {
        CommissionRule.Builder rule = CommissionRule.newBuilder();
        for (String word : words) {
            String[] kv = word.split("=", 2);
            String name = kv[0].toLowerCase(Locale.ROOT);
            if (kv.length == 1 && policyWord(word)) {
                continue;
            }
            if (kv.length == 1) {
                throw new IllegalArgumentException("unknown rule word " + word + " (fixed=FEN, rate=BPS, tiers=MIN:BPS,..., cap=FEN, FOLLOW or STAY)");
            }
            switch (name) {
                case "fixed" -> rule.setFixedFen(number(word, kv[1]));
                case "rate" -> rule.setRateBps(Math.toIntExact(number(word, kv[1])));
                case "cap" -> rule.setCapFen(number(word, kv[1]));
                case "tiers" -> {
                    Tiers.Builder tiers = Tiers.newBuilder();
                    for (String tier : kv[1].split(",")) {
                        String[] parts = tier.split(":");
                        if (parts.length != 2) {
                            throw new IllegalArgumentException("a tier is MIN_SALES_FEN:BPS, not " + tier);
                        }
                        tiers.addTiers(Tier.newBuilder().setMinSalesFen(number(tier, parts[0]))
                                .setRateBps(Math.toIntExact(number(tier, parts[1]))));
                    }
                    rule.setTiers(tiers);
                }
                default -> throw new IllegalArgumentException("unknown rule word " + word + " (fixed=FEN, rate=BPS, tiers=MIN:BPS,..., cap=FEN, FOLLOW or STAY)");
            }
        }
        return rule.build();
    }

    /** The transfer policy among the rule words (FOLLOW unless STAY is there), in any case. */
    static TransferPolicy policy(List<String> words) {
        return words.stream().anyMatch(w -> w.equalsIgnoreCase("STAY")) ? TransferPolicy.STAY : TransferPolicy.FOLLOW;
    }

    private static boolean policyWord(String word) {
        return word.equalsIgnoreCase("FOLLOW") || word.equalsIgnoreCase("STAY");
    }

    static long number(String word, String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + digits + "' in " + word + " is not a whole number");
        }
    }

    /** {@code SKU:QTY:PAID_FEN}. */
    static final class Line implements ITypeConverter<OrderLine> {
        @Override
        public OrderLine convert(String word) {
            String[] parts = word.split(":");
            if (parts.length != 3) {
                throw new IllegalArgumentException("a line is SKU:QTY:PAID_FEN, not " + word);
            }
            return CommissionClient.line(parts[0], number(word, parts[1]), number(word, parts[2]));
        }
    }

    /** {@code STEWARDS}, {@code GROUPS}, {@code REGIONS} or {@code KIND:id}, the kind in any case. */
    static final class Scope implements ITypeConverter<RankingScope> {
        private static final List<String> KINDS = Arrays.stream(RankingScope.Kind.values())
                .filter(k -> k != RankingScope.Kind.UNRECOGNIZED && k != RankingScope.Kind.KIND_UNSPECIFIED)
                .map(Enum::name).toList();

        @Override
        public RankingScope convert(String word) {
            int colon = word.indexOf(':');
            String kind = (colon < 0 ? word : word.substring(0, colon)).toUpperCase(Locale.ROOT);
            if (!KINDS.contains(kind)) {
                throw new IllegalArgumentException("no scope " + word + "; one of " + String.join(", ", KINDS)
                        + " (KIND:id for the kinds inside a region or group)");
            }
            return CommissionClient.scope(kind + (colon < 0 ? "" : word.substring(colon)));
        }
    }
}
