package dev.commission.server.watch;

/**
 * Counters of one hub, for metrics and tests.
 *
 * @param openStreams streams being served
 * @param watchedScopes scopes with at least one stream
 * @param scopeReads Redis reads (one EVALSHA each) made for watching since the hub started
 * @param snapshotsSent snapshots handed to gRPC
 * @param snapshotsSuperseded pending snapshots replaced by a newer one before they could be sent
 * @param pendingSnapshots snapshots waiting (interval or flow control); never more than one per stream
 * @param subscriptions times the events pattern was (re)subscribed
 */
public record WatchStats(int openStreams, int watchedScopes, long scopeReads, long snapshotsSent,
                         long snapshotsSuperseded, int pendingSnapshots, long subscriptions) {
}
