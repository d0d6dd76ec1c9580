package dev.commission.core.testing;

import dev.commission.core.CampaignKeys;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysScanOptions;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;

/**
 * Every key of one campaign, byte for byte: the keys {@code SCAN MATCH cms:{c:<id>}:*} finds,
 * each with its {@code DUMP} (type, encoding and contents) and remaining time to live, and the
 * ledger stream's length and last generated id. Two snapshots are equal only when nothing of the
 * campaign changed.
 */
public record CampaignSnapshot(Map<String, String> keys, String ledger) {

    public static CampaignSnapshot of(RedissonClient redisson, String campaignId) {
        CampaignKeys campaign = new CampaignKeys(campaignId);
        Map<String, String> keys = new TreeMap<>();
        Iterable<String> names = redisson.getKeys().getKeys(KeysScanOptions.defaults().pattern(campaign.prefix() + "*"));
        for (String name : names) {
            byte[] dump = redisson.getBucket(name, ByteArrayCodec.INSTANCE).dump();
            long ttl = redisson.getBucket(name, ByteArrayCodec.INSTANCE).remainTimeToLive();
            keys.put(name, (dump == null ? "(gone)" : HexFormat.of().formatHex(dump)) + " ttl " + ttl);
        }
        String ledger = "absent";
        if (redisson.getKeys().countExists(campaign.ledger()) > 0) {
            var info = redisson.getStream(campaign.ledger(), StringCodec.INSTANCE).getInfo();
            ledger = "length " + info.getLength() + " last " + info.getLastGeneratedId();
        }
        return new CampaignSnapshot(keys, ledger);
    }

    /** What differs from {@code later}: each key added, removed or changed, and the ledger. */
    public List<String> differences(CampaignSnapshot later) {
        List<String> differences = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(keys.keySet());
        names.addAll(later.keys.keySet());
        for (String name : names) {
            String before = keys.get(name);
            String after = later.keys.get(name);
            if (before == null) {
                differences.add("added " + name);
            } else if (after == null) {
                differences.add("removed " + name);
            } else if (!before.equals(after)) {
                differences.add("changed " + name);
            }
        }
        if (!ledger.equals(later.ledger)) {
            differences.add("ledger " + ledger + " -> " + later.ledger);
        }
        return differences;
    }
}
