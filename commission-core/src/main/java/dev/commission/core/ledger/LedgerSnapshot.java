package dev.commission.core.ledger;

import dev.commission.core.CampaignKeys;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.operation.ScriptReply;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One consistent view of a campaign as {@code lua/ledger-snapshot.lua} read it: the ledger and
 * every figure derived from it. Values are kept as Redis returned them (strings), so a corrupted
 * one can be shown as it is.
 *
 * @param rankings ranking key without the prefix (e.g. {@code rank:group:g1}) to member to raw score,
 *                 for every ranking the script looked at; empty when the key does not exist
 * @param stewards steward id to its hash; empty when the hash does not exist
 * @param orders   every order the ledger names
 */
record LedgerSnapshot(TransferPolicy policy, List<LedgerEntry> entries, Map<String, String> totals,
                      Map<String, String> placements, Map<String, Map<String, String>> rankings,
                      Map<String, Map<String, String>> stewards, Map<String, OrderFigures> orders) {

    static final String SCRIPT = "ledger-snapshot";

    /** The commission figures of one order hash. */
    record OrderFigures(boolean exists, String settledCommission, String reversedCommission, String state) {
    }

    static List<Object> keys(CampaignKeys keys) {
        return List.of(keys.campaign(), keys.ledger(), keys.totals(), keys.placements(), keys.rankStewards(),
                keys.rankGroups(), keys.rankRegions());
    }

    String ledgerLastId() {
        return entries.isEmpty() ? "" : entries.get(entries.size() - 1).entryId();
    }

    /** A ranking's members and raw scores; empty when it does not exist or was not looked at. */
    Map<String, String> ranking(String name) {
        return rankings.getOrDefault(name, Map.of());
    }

    static LedgerSnapshot decode(ScriptReply reply) {
        List<Object> v = reply.values();
        TransferPolicy policy = TransferPolicy.valueOf(reply.string(1));
        List<LedgerEntry> entries = entries(list(v.get(2)));
        Map<String, String> totals = hash(list(v.get(3)));
        Map<String, String> placements = hash(list(v.get(4)));
        Map<String, Map<String, String>> rankings = new LinkedHashMap<>();
        for (Object item : list(v.get(5))) {
            List<Object> pair = list(item);
            rankings.put(text(pair.get(0)), Collections.unmodifiableMap(hash(list(pair.get(1)))));
        }
        Map<String, Map<String, String>> stewards = new LinkedHashMap<>();
        for (Object item : list(v.get(6))) {
            List<Object> pair = list(item);
            stewards.put(text(pair.get(0)), Collections.unmodifiableMap(hash(list(pair.get(1)))));
        }
        Map<String, OrderFigures> orders = new LinkedHashMap<>();
        for (Object item : list(v.get(7))) {
            List<Object> o = list(item);
            orders.put(text(o.get(0)), new OrderFigures("1".equals(text(o.get(1))), text(o.get(2)), text(o.get(3)),
                    text(o.get(4))));
        }
        return new LedgerSnapshot(policy, entries, totals, placements, rankings, stewards, orders);
    }

    /** Stream entries as XRANGE returns them, through the one decoder of the journal's encoding. */
    static List<LedgerEntry> entries(List<Object> raw) {
        return LedgerEntryDecoder.decodeAll(raw);
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
