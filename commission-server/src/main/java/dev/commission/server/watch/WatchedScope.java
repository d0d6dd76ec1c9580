package dev.commission.server.watch;

import com.google.protobuf.Timestamp;
import dev.commission.api.v1.RankingSnapshot;
import dev.commission.core.ranking.RankingEntry;
import dev.commission.core.ranking.RankingPage;
import dev.commission.core.ranking.RankingScope;
import dev.commission.server.ranking.RankingMapper;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ranking that at least one stream watches: its watchers and the latest read of its top,
 * shared by all of them. Confined to the hub's loop thread.
 */
final class WatchedScope {
    /** A campaign's scope, named by its events token ({@code STEWARDS_IN_GROUP:g1}). */
    record Key(String campaignId, String token) {
    }

    final Key key;
    final RankingScope scope;
    final Set<WatchStream> streams = new LinkedHashSet<>();

    /** A read is in flight; at most one per scope, so reads land in order. */
    boolean reading;
    /** The last read failed for a reason other than a refusal (logged once until it heals). */
    boolean failing;

    private RankingPage last;
    private int lastN;
    /** The latest read may no longer be what Redis holds: reads fail, events do not arrive, or Redis is unavailable. */
    private boolean stale;
    /** Rises each time a read differs from the one before; the version of every snapshot of this scope. */
    private long version;
    private Instant changedAt;
    private List<dev.commission.api.v1.RankingEntry> protoEntries;
    private final Map<Integer, RankingSnapshot> snapshots = new HashMap<>();

    WatchedScope(Key key, RankingScope scope) {
        this.key = key;
        this.scope = scope;
    }

    /** How many entries a read must fetch: the widest top_n among the watchers. */
    int widestTopN() {
        int n = 1;
        for (WatchStream stream : streams) {
            n = Math.max(n, stream.topN);
        }
        return n;
    }

    /**
     * Records a read of the first {@code n} entries, live or (when the hub cannot vouch for it) stale;
     * true if it differs from the previous read or its staleness changed.
     */
    boolean accept(RankingPage page, int n, Instant readAt, boolean stale) {
        boolean changed = !page.equals(last);
        boolean staleChanged = stale != this.stale;
        last = page;
        lastN = n;
        this.stale = stale;
        if (changed) {
            changedAt = readAt;
            protoEntries = null;
        }
        if (changed || staleChanged) {
            version++;
            snapshots.clear();
        }
        return changed || staleChanged;
    }

    /** Marks the latest read stale; true if that is news (there is a read, and it was live). */
    boolean markStale() {
        if (last == null || stale) {
            return false;
        }
        stale = true;
        version++;
        snapshots.clear();
        return true;
    }

    /** Whether the latest read holds the whole top {@code topN} (it asked for as many, or the scope is shorter). */
    boolean covers(int topN) {
        return last != null && (topN <= lastN || last.entries().size() < lastN);
    }

    /** What a stream of this width sees in the latest read; streams compare these to what they sent. */
    View view(int topN) {
        List<RankingEntry> entries = last.entries();
        return new View(entries.subList(0, Math.min(topN, entries.size())), last.totalMembers(), stale);
    }

    /** The snapshot of the latest read for a width; built once per version and width, shared by its streams. */
    RankingSnapshot snapshot(int topN) {
        return snapshots.computeIfAbsent(topN, n -> {
            if (protoEntries == null) {
                protoEntries = RankingMapper.entries(last.entries());
            }
            return RankingSnapshot.newBuilder()
                    .setVersion(version)
                    .addAllEntries(protoEntries.subList(0, Math.min(n, protoEntries.size())))
                    .setTotalMembers(last.totalMembers())
                    .setStale(stale)
                    .setChangedAt(Timestamp.newBuilder().setSeconds(changedAt.getEpochSecond()).setNanos(changedAt.getNano()))
                    .build();
        });
    }

    /** The part of a ranking one stream shows: its first top_n entries, the member count, and whether it is stale. */
    record View(List<RankingEntry> entries, long totalMembers, boolean stale) {
    }
}
