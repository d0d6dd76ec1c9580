package dev.commission.core.ledger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Decodes journal entries as XRANGE returns them into {@link LedgerEntry}s: the one reader of the entry format. */
final class LedgerEntries {
    private LedgerEntries() {
    }

    /** Stream entries as XRANGE returns them: {@code {{id, {field, value, ...}}, ...}}. */
    static List<LedgerEntry> decode(List<Object> raw) {
        List<LedgerEntry> entries = new ArrayList<>(raw.size());
        for (Object item : raw) {
            List<Object> pair = list(item);
            entries.add(entry(text(pair.get(0)), hash(list(pair.get(1)))));
        }
        return entries;
    }

    static LedgerEntry entry(String id, Map<String, String> fields) {
        String delta = fields.getOrDefault("delta", "");
        return new LedgerEntry(id, fields.getOrDefault("type", ""), fields.getOrDefault("steward", ""),
                delta.isEmpty() ? 0 : Long.parseLong(delta), fields.getOrDefault("region", ""),
                fields.getOrDefault("group", ""), Collections.unmodifiableMap(fields));
    }

    private static Map<String, String> hash(List<Object> flat) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            out.put(text(flat.get(i)), text(flat.get(i + 1)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of();
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
