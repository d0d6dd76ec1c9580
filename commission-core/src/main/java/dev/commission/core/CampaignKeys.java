package dev.commission.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Redis key schema of one campaign. Every key carries the hash tag {@code {c:<campaignId>}}
 * so a campaign lives in one Cluster slot and every script's keys share it. Scripts derive the
 * per-region and per-group keys from {@link #campaign()} with the same names as here.
 */
public final class CampaignKeys {
    /** How many order buckets a campaign has: the first three hex digits of the order number's SHA-1. */
    public static final int ORDER_BUCKETS = 4096;

    private final String campaignId;
    private final String prefix;

    public CampaignKeys(String campaignId) {
        this.campaignId = campaignId;
        this.prefix = "cms:{c:" + campaignId + "}:";
    }

    public String campaignId() {
        return campaignId;
    }

    public String prefix() {
        return prefix;
    }

    /** Hash: name, rule, transfer policy, status. Always KEYS[1] of a script. */
    public String campaign() {
        return prefix + "campaign";
    }

    /** Hash: name, region, group, earned, sales, orders, version. */
    public String steward(String stewardId) {
        return prefix + "steward:" + stewardId;
    }

    /**
     * Hash, one of {@value #ORDER_BUCKETS} per campaign, chosen by the order number: order number
     * to its settlement. Settled orders share hashes instead of a key each, so Redis keeps no key,
     * object and dictionary entry per order (the layout is shared.lua's {@code read_order}).
     */
    public String orderBucket(String orderNo) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(orderNo.getBytes(StandardCharsets.UTF_8));
            return prefix + "orders:" + HexFormat.of().formatHex(sha1).substring(0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by the JVM", e);
        }
    }

    /** Hash, only for an order that has refunds: their totals, lines and each refund's record. */
    public String orderRefunds(String orderNo) {
        return prefix + "refunds:" + orderNo;
    }

    /** Hash: steward id to name, for ranking pages. */
    public String names() {
        return prefix + "names";
    }

    /** Hash: member counts per group ({@code g:<g>}), region ({@code r:<r>}) and pair ({@code rg:<r>:<g>}). */
    public String placements() {
        return prefix + "placements";
    }

    /** Hash: adjustment id to its fingerprint and result. */
    public String adjustments() {
        return prefix + "adjustments";
    }

    /** Hash: {@code <stewardId>:<transferId>} to its fingerprint and result. */
    public String transfers() {
        return prefix + "transfers";
    }

    /** Hash: control totals earned, sales, orders. */
    public String totals() {
        return prefix + "totals";
    }

    /** Stream: the append-only journal. */
    public String ledger() {
        return prefix + "ledger";
    }

    /** Pub/sub channel: the ranking scopes a script changed. */
    public String events() {
        return prefix + "events";
    }

    public String rankStewards() {
        return prefix + "rank:stewards";
    }

    public String rankStewardsInRegion(String regionId) {
        return prefix + "rank:region:" + regionId;
    }

    public String rankStewardsInGroup(String groupId) {
        return prefix + "rank:group:" + groupId;
    }

    public String rankGroups() {
        return prefix + "rank:groups";
    }

    public String rankGroupsInRegion(String regionId) {
        return prefix + "rank:region-groups:" + regionId;
    }

    public String rankRegions() {
        return prefix + "rank:regions";
    }

    /**
     * Hash of the campaign metrics (docs/design.md, "Campaign metrics"): per scope token
     * ({@code c}, {@code s:<steward>}, {@code g:<group>}, {@code r:<region>}) its counters
     * "paid items orders buyers recalled", per scope and SKU ({@code q|<scope>|<sku>}) the net
     * quantity sold, and per buyer ({@code b|<buyer>}) their orders not refunded in full,
     * "ms/steward/group/region ...". One hash, so a settlement reads and writes its metrics in one
     * HMGET and one HSET.
     */
    public String metrics() {
        return prefix + "metrics";
    }

    /** Hash: SMS recipient id to the time of their first SMS, Unix epoch ms. */
    public String smsRecipients() {
        return prefix + "sms";
    }

    /** Hash: SMS batch id to "fingerprint slices-done slices". */
    public String smsBatches() {
        return prefix + "sms-batches";
    }

    /** Set: the SKUs on sale. */
    public String catalogue() {
        return prefix + "catalogue";
    }

    /** Set: a catalogue being written in slices, named by its digest, before it replaces {@link #catalogue()}. */
    public String catalogueStaging(String digest) {
        return prefix + "catalogue-staging:" + digest;
    }

    /** String: the digest of the catalogue in place, which a SetCatalogue of the same SKUs finds done. */
    public String catalogueDigest() {
        return prefix + "catalogue-digest";
    }

    /** Set: the unique visitors of a scope token. */
    public String visitors(String scope) {
        return prefix + "visitors:" + scope;
    }

    /** Set: the SKUs with a net sale in a scope token. */
    public String sold(String scope) {
        return prefix + "sold:" + scope;
    }

    /** The pattern matching every campaign's events channel, for one subscription per instance. */
    public static String eventsPattern() {
        return "cms:{c:*}:events";
    }

    /** The campaign id named by an events channel, or null if the channel is not one. */
    public static String campaignOfEventsChannel(String channel) {
        String head = "cms:{c:";
        String tail = "}:events";
        if (channel.startsWith(head) && channel.endsWith(tail) && channel.length() > head.length() + tail.length()) {
            return channel.substring(head.length(), channel.length() - tail.length());
        }
        return null;
    }
}
