package dev.commission.core.ledger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a journal entry as stored in the ledger stream back into its named fields: the one Java
 * reader of the encoding that {@code journal(...)} in {@code lua/shared.lua} writes (docs/design.md,
 * "The ledger"). Each stream entry has one field, {@code e}: the entry's fields in a fixed order
 * per type, separated by single spaces, an empty token for an absent field, free text last. The
 * decoded map holds every field present, plus {@code ts} (the stream id's milliseconds) and, for
 * a settlement, {@code paid} and {@code items} summed from its lines and {@code rule},
 * {@code rate}, {@code cap} spelled out from its rule token.
 */
public final class LedgerEntryDecoder {
    /** The stream field that holds the encoded entry. */
    public static final String FIELD = "e";

    private static final List<String> HEAD = List.of("type", "steward", "delta", "region", "group");
    private static final Map<String, List<String>> TAIL = Map.of(
            "register", List.of("name"),
            "settle", List.of("order", "lines", "rule", "buyer"),
            "reverse", List.of("order", "refund", "amount", "unrecovered", "excess", "lines"),
            "adjust", List.of("adjustment", "reason"),
            "transfer", List.of("transfer", "from_region", "from_group", "moved"),
            "close", List.of());

    private LedgerEntryDecoder() {
    }

    /** One entry from its stream id and its stream fields as XRANGE returns them. */
    public static LedgerEntry decode(String entryId, Map<String, String> streamFields) {
        Map<String, String> fields = fields(streamFields.getOrDefault(FIELD, ""));
        int dash = entryId.indexOf('-');
        fields.put("ts", dash > 0 ? entryId.substring(0, dash) : entryId);
        String delta = fields.getOrDefault("delta", "");
        return new LedgerEntry(entryId, fields.getOrDefault("type", ""), fields.getOrDefault("steward", ""),
                delta.isEmpty() ? 0 : Long.parseLong(delta), fields.getOrDefault("region", ""),
                fields.getOrDefault("group", ""), Collections.unmodifiableMap(fields));
    }

    /** Stream entries as XRANGE returns them: {@code {{id, {field, value, ...}}, ...}}, oldest first. */
    public static List<LedgerEntry> decodeAll(List<Object> raw) {
        List<LedgerEntry> entries = new ArrayList<>(raw.size());
        for (Object item : raw) {
            List<?> pair = (List<?>) item;
            List<?> flat = (List<?>) pair.get(1);
            Map<String, String> streamFields = new LinkedHashMap<>();
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                streamFields.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
            }
            entries.add(decode(String.valueOf(pair.get(0)), streamFields));
        }
        return entries;
    }

    private static Map<String, String> fields(String packed) {
        int space = packed.indexOf(' ');
        String type = space < 0 ? packed : packed.substring(0, space);
        List<String> layout = new ArrayList<>(HEAD);
        layout.addAll(TAIL.getOrDefault(type, List.of()));
        String[] tokens = packed.split(" ", layout.size());
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < tokens.length && i < layout.size(); i++) {
            if (!tokens[i].isEmpty()) {
                fields.put(layout.get(i), tokens[i]);
            }
        }
        if (type.equals("settle")) {
            expandSettlement(fields);
        }
        return fields;
    }

    private static void expandSettlement(Map<String, String> fields) {
        long paid = 0;
        long items = 0;
        String lines = fields.getOrDefault("lines", "");
        for (String line : lines.isEmpty() ? new String[0] : lines.split(",")) {
            String[] parts = line.split("\\*");
            items += parts.length > 1 ? Long.parseLong(parts[1]) : 0;
            paid += parts.length > 2 ? Long.parseLong(parts[2]) : 0;
        }
        fields.put("paid", Long.toString(paid));
        fields.put("items", Long.toString(items));
        String rule = fields.getOrDefault("rule", "");
        int capAt = rule.indexOf('c');
        fields.put("rule", rule.startsWith("f") ? "fixed" : "rate");
        fields.put("rate", rule.length() > 1 ? rule.substring(1, capAt < 0 ? rule.length() : capAt) : "0");
        fields.put("cap", capAt < 0 ? "0" : rule.substring(capAt + 1));
    }
}
