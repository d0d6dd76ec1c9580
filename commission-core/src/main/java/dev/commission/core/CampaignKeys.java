package dev.commission.core;

/**
 * The Redis key schema of one campaign. Every key carries the hash tag {@code {c:<campaignId>}}
 * so a campaign lives in one Cluster slot and every script's keys share it. Scripts derive the
 * per-region and per-group keys from {@link #campaign()} with the same names as here.
 */
public final class CampaignKeys {
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

    /** Hash: steward, paid, commission, refunds, rate applied, placement at settle, state. */
    public String order(String orderNo) {
        return prefix + "order:" + orderNo;
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
