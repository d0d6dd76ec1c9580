package dev.commission.server.watch;

import dev.commission.api.v1.RankingSnapshot;
import dev.commission.api.v1.WatchRankingRequest;
import dev.commission.core.CampaignKeys;
import dev.commission.core.CommissionEngine;
import dev.commission.core.CommissionException;
import dev.commission.core.ranking.RankingPage;
import dev.commission.server.status.StatusMapper;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.api.RPatternTopic;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.BasePatternStatusListener;
import org.redisson.api.options.PlainOptions;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves WatchRanking streams: one pub/sub subscription per instance, one Redis read per dirty
 * watched scope per tick, shared by every watcher of that scope.
 *
 * <p>Threads. All watch state (scopes, streams, pending snapshots) belongs to one loop thread;
 * it runs the ticks, the read completions and every call on a stream's observer, so no state is
 * locked and no observer is called concurrently. gRPC callbacks (new call, ready, cancel) and
 * Redis replies only post tasks to the loop. The pub/sub thread only adds to {@link #dirty}
 * (a concurrent set) after checking {@link #scopes} (a concurrent map written by the loop).
 *
 * <p>Versions. A snapshot's version is its scope's read counter on this instance: it rises on
 * every change, so it rises strictly on every stream; a client that watches again (perhaps on
 * another instance) starts a new sequence.
 *
 * <p>Staleness. When the hub can no longer vouch for what a stream shows (reading its scope
 * fails, the hub's own heartbeats stop coming back through the subscription, or health says
 * Redis is down or slow) every affected stream gets its last entries again marked stale, once;
 * when the data is live again it gets a fresh read with {@code stale = false}.
 */
public final class RankingWatchHub implements AutoCloseable {
    static final Duration TICK = Duration.ofMillis(25);
    /**
     * Safety net: every watched scope is read at least this often even without events, so an
     * event lost in a way we did not foresee costs at most this much staleness. One read per
     * watched scope every few seconds is cheap next to the event-driven reads.
     */
    static final Duration REFRESH = Duration.ofSeconds(5);
    /**
     * The hub publishes a heartbeat this often while it has streams, on a channel its own pattern
     * subscription matches; the campaign id {@code @heartbeat} can never be a real one.
     */
    static final Duration HEARTBEAT = Duration.ofMillis(250);
    /** A heartbeat of its own not back after this long: the subscription counts as down. */
    static final Duration HEARTBEAT_LOST = Duration.ofSeconds(2);
    static final String HEARTBEAT_CHANNEL = "cms:{c:@heartbeat}:events";

    private static final Logger log = LoggerFactory.getLogger(RankingWatchHub.class);

    private final ScopeReader reader;
    private final RPatternTopic events;
    private final RTopic heartbeats;
    /** Tells this hub's heartbeats from other instances'. */
    private final String heartbeatPrefix = UUID.randomUUID() + " ";
    private final List<Integer> listeners = new ArrayList<>();
    private final ScheduledExecutorService loop;
    private final long refreshNanos;

    /** Written by the loop only; read by the pub/sub thread to skip scopes nobody watches. */
    private final Map<WatchedScope.Key, WatchedScope> scopes = new ConcurrentHashMap<>();
    /** Scopes whose ranking may have changed since their last read. */
    private final Set<WatchedScope.Key> dirty = ConcurrentHashMap.newKeySet();
    /** Loop only: streams holding a pending snapshot. */
    private final Set<WatchStream> waiting = new LinkedHashSet<>();
    private long nextRefreshNanos;
    /** Loop only: what health last said about Redis, and whether our heartbeats come back. */
    private boolean redisLive = true;
    private boolean subscriptionLive = true;
    private long nextHeartbeatNanos;
    /** Loop only: when the oldest heartbeat not yet back was sent; meaningful while {@link #awaitingHeartbeat}. */
    private long unansweredSinceNanos;
    private boolean awaitingHeartbeat;
    /** Pub/sub thread writes, loop reads: the send time of the newest heartbeat of ours that came back. */
    private final AtomicLong heartbeatReturned = new AtomicLong(System.nanoTime() - TimeUnit.HOURS.toNanos(1));

    private final AtomicLong scopeReads = new AtomicLong();
    private final AtomicLong snapshotsSent = new AtomicLong();
    private final AtomicLong snapshotsSuperseded = new AtomicLong();
    private final AtomicLong subscriptions = new AtomicLong();
    private volatile int openStreams;
    private volatile int pendingSnapshots;
    private volatile boolean closed;

    /** The production hub: reads pages through the engine, ticks every 25 ms. */
    public RankingWatchHub(RedissonClient redisson, CommissionEngine engine) {
        this(redisson, ScopeReader.of(engine), TICK, REFRESH);
    }

    RankingWatchHub(RedissonClient redisson, ScopeReader reader, Duration tick, Duration refresh) {
        this.reader = reader;
        this.refreshNanos = refresh.toNanos();
        this.nextRefreshNanos = System.nanoTime() + refreshNanos;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "ranking-watch");
            thread.setDaemon(true);
            return thread;
        });
        this.events = redisson.getPatternTopic(CampaignKeys.eventsPattern(), StringCodec.INSTANCE);
        // Sent once: a heartbeat that did not get through is news, not something to repeat.
        this.heartbeats = redisson.getTopic(PlainOptions.name(HEARTBEAT_CHANNEL).codec(StringCodec.INSTANCE)
                .timeout(HEARTBEAT_LOST).retryAttempts(0));
        // Redisson resubscribes by itself after a reconnect and calls onPSubscribe again; whatever
        // was published while the connection was down is lost, so every watched scope is re-read.
        listeners.add(events.addListener(new BasePatternStatusListener() {
            @Override
            public void onPSubscribe(String pattern) {
                subscriptions.incrementAndGet();
                dirty.addAll(scopes.keySet());
            }
        }));
        listeners.add(events.addListener(String.class, (pattern, channel, message) -> onEvent(channel, message)));
        long tickMillis = Math.max(1, tick.toMillis());
        loop.scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts a stream: validates the request, then sends the current top-N at once and a new
     * snapshot whenever it changes. Invalid requests end with INVALID_ARGUMENT, an unknown
     * campaign with NOT_FOUND; an unknown region or group is an empty ranking that fills in later.
     */
    public void watch(WatchRankingRequest request, StreamObserver<RankingSnapshot> responseObserver) {
        WatchRequest watch;
        try {
            watch = WatchRequest.of(request);
        } catch (CommissionException refusal) {
            responseObserver.onError(WatchStatus.refused(refusal));
            return;
        }
        WatchStream stream = new WatchStream(watch, responseObserver);
        stream.onReadyOrCancel(() -> post(() -> flush(stream)), () -> post(() -> forget(stream)));
        if (closed || !post(() -> register(stream))) {
            responseObserver.onError(WatchStatus.shuttingDown());
        }
    }

    /**
     * What the health probe says: false while Redis is down or too slow, so every stream is marked
     * stale; true again, and every watched scope is read afresh. Any thread.
     */
    public void redisLive(boolean live) {
        post(() -> {
            if (live != redisLive) {
                redisLive = live;
                liveChanged();
            }
        });
    }

    public WatchStats stats() {
        return new WatchStats(openStreams, scopes.size(), scopeReads.get(), snapshotsSent.get(),
                snapshotsSuperseded.get(), pendingSnapshots, subscriptions.get());
    }

    /** Stops ticking, unsubscribes, and ends every open stream cleanly (onCompleted). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            events.removeListener(listeners.toArray(new Integer[0]));
        } catch (RuntimeException e) {
            log.warn("could not unsubscribe from ranking events: {}", e.toString());
        }
        // Tasks already queued still run (a late registration sees closed and completes at once);
        // shutdown() cancels the periodic tick and refuses new tasks.
        post(this::completeAll);
        loop.shutdown();
        try {
            if (!loop.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("watch loop did not stop within 10 s");
                loop.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            loop.shutdownNow();
        }
    }

    /** Pub/sub thread: marks the scopes named by one event, if anybody watches them. */
    private void onEvent(CharSequence channel, String message) {
        if (HEARTBEAT_CHANNEL.contentEquals(channel)) {
            if (message != null && message.startsWith(heartbeatPrefix)) {
                long sentAt = Long.parseLong(message.substring(heartbeatPrefix.length()));
                heartbeatReturned.accumulateAndGet(sentAt, Math::max);
            }
            return;
        }
        String campaignId = CampaignKeys.campaignOfEventsChannel(channel.toString());
        if (campaignId == null || message == null) {
            return;
        }
        for (String token : message.split(" ")) {
            WatchedScope.Key key = new WatchedScope.Key(campaignId, token);
            if (scopes.containsKey(key)) {
                dirty.add(key);
            }
        }
    }

    // ---- everything below runs on the loop thread ----

    private void register(WatchStream stream) {
        if (stream.isCancelled()) {
            return;
        }
        if (closed) { // posted just before close() ended the others
            safely(stream::complete);
            return;
        }
        WatchedScope scope = scopes.computeIfAbsent(stream.key, key -> new WatchedScope(key, stream.request.scope()));
        scope.streams.add(stream);
        openStreams++;
        if (scope.covers(stream.topN)) {
            // The latest read is current unless the scope is dirty, and then a new read follows.
            offer(stream, scope);
        } else if (!scope.reading) {
            read(scope);
        }
        // else: the read in flight serves it, or is followed by a wider one (see onRead).
    }

    private void tick() {
        try {
            long now = System.nanoTime();
            heartbeat(now);
            if (now - nextRefreshNanos >= 0) {
                nextRefreshNanos = now + refreshNanos;
                dirty.addAll(scopes.keySet());
            }
            for (Iterator<WatchedScope.Key> it = dirty.iterator(); it.hasNext(); ) {
                WatchedScope scope = scopes.get(it.next());
                if (scope == null) {
                    it.remove();
                } else if (!scope.reading) {
                    // Cleared before the read starts: an event that arrives from now on marks it again.
                    it.remove();
                    read(scope);
                }
                // else: stays dirty and is read again once the read in flight lands.
            }
            for (Iterator<WatchStream> it = waiting.iterator(); it.hasNext(); ) {
                WatchStream stream = it.next();
                if (trySend(stream, now)) {
                    it.remove();
                }
            }
            pendingSnapshots = waiting.size();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; log and keep ticking.
            log.error("watch tick failed", e);
        }
    }

    /** Sends the next heartbeat when due, and notices when ours stop coming back (or start again). */
    private void heartbeat(long now) {
        if (openStreams == 0) {
            awaitingHeartbeat = false; // nobody to tell; starts again with the next stream
            return;
        }
        if (awaitingHeartbeat && heartbeatReturned.get() - unansweredSinceNanos >= 0) {
            awaitingHeartbeat = false; // it, or one sent after it, came back
        }
        if (now - nextHeartbeatNanos >= 0) {
            nextHeartbeatNanos = now + HEARTBEAT.toNanos();
            if (!awaitingHeartbeat) {
                awaitingHeartbeat = true;
                unansweredSinceNanos = now;
            }
            try {
                heartbeats.publishAsync(heartbeatPrefix + now);
            } catch (RuntimeException e) {
                log.debug("heartbeat not sent: {}", e.toString());
            }
        }
        // Judged by heartbeats sent, not by time since one came back: a stalled loop sends none.
        boolean live = !awaitingHeartbeat || now - unansweredSinceNanos < HEARTBEAT_LOST.toNanos();
        if (live != subscriptionLive) {
            subscriptionLive = live;
            if (live) {
                log.info("ranking events arrive again; re-reading every watched scope");
            } else {
                log.warn("no ranking events for {} ms (own heartbeats lost); watch streams are stale",
                        HEARTBEAT_LOST.toMillis());
            }
            liveChanged();
        }
    }

    /** Whether the hub can vouch that what it reads is current (apart from the read itself failing). */
    private boolean live() {
        return redisLive && subscriptionLive;
    }

    /** Health or the subscription changed: mark every scope stale, or read every scope afresh. */
    private void liveChanged() {
        if (live()) {
            dirty.addAll(scopes.keySet());
        } else {
            scopes.values().forEach(this::markStale);
        }
    }

    private void markStale(WatchedScope scope) {
        if (scope.markStale()) {
            for (WatchStream stream : scope.streams) {
                offer(stream, scope);
            }
            pendingSnapshots = waiting.size();
        }
    }

    private void read(WatchedScope scope) {
        int n = scope.widestTopN();
        scope.reading = true;
        scopeReads.incrementAndGet();
        try {
            reader.top(scope.key.campaignId(), scope.scope, n)
                    .whenComplete((page, failure) -> post(() -> onRead(scope, n, page, failure)));
        } catch (RuntimeException e) {
            onRead(scope, n, null, e);
        }
    }

    private void onRead(WatchedScope scope, int n, RankingPage page, Throwable failure) {
        scope.reading = false;
        if (scopes.get(scope.key) != scope) {
            return; // forgotten while reading
        }
        if (failure != null) {
            Throwable cause = StatusMapper.unwrap(failure);
            if (cause instanceof CommissionException refusal) {
                failAll(scope, refusal);
            } else {
                if (!scope.failing) {
                    log.warn("reading {} of campaign {} failed, retrying: {}", scope.key.token(),
                            scope.key.campaignId(), cause.toString());
                }
                scope.failing = true;
                markStale(scope);
                dirty.add(scope.key);
            }
            return;
        }
        if (scope.failing) {
            log.info("reading {} of campaign {} works again", scope.key.token(), scope.key.campaignId());
        }
        scope.failing = false;
        if (scope.widestTopN() > n) {
            dirty.add(scope.key); // a wider watcher joined during the read
        }
        boolean changed = scope.accept(page, n, Instant.now(), !live());
        for (WatchStream stream : scope.streams) {
            if (changed || stream.lastSent == null && stream.pending == null) {
                offer(stream, scope);
            }
        }
        pendingSnapshots = waiting.size();
    }

    /** Hands the scope's latest read to one stream: a new pending snapshot if its top-N differs from what it sent. */
    private void offer(WatchStream stream, WatchedScope scope) {
        if (!scope.covers(stream.topN)) {
            return; // the wider read that follows serves it
        }
        WatchedScope.View view = scope.view(stream.topN);
        if (view.equals(stream.lastSent)) {
            if (stream.pending != null) { // changed and changed back before it could be sent
                stream.pending = null;
                stream.pendingView = null;
                waiting.remove(stream);
            }
            return;
        }
        if (view.equals(stream.pendingView)) {
            return;
        }
        if (stream.pending != null) {
            snapshotsSuperseded.incrementAndGet();
        }
        stream.pending = scope.snapshot(stream.topN);
        stream.pendingView = view;
        if (!trySend(stream, System.nanoTime())) {
            waiting.add(stream);
        } else {
            waiting.remove(stream);
        }
    }

    /** On ready (the client took what was buffered) or when the interval ends: send what is pending. */
    private void flush(WatchStream stream) {
        if (stream.pending != null && trySend(stream, System.nanoTime())) {
            waiting.remove(stream);
            pendingSnapshots = waiting.size();
        }
    }

    /** Sends the pending snapshot if there is one, the interval has passed and gRPC can take it now. */
    private boolean trySend(WatchStream stream, long now) {
        if (stream.pending == null || stream.ended) {
            return true;
        }
        // Not yet: kept, and replaced by anything newer (latest wins) until it can go.
        if (now - stream.nextSendNanos < 0) {
            wakeWhenDue(stream, now);
            return false;
        }
        if (!stream.isReady()) {
            return false; // the onReady handler flushes it
        }
        RankingSnapshot snapshot = stream.pending;
        stream.lastSent = stream.pendingView;
        stream.pending = null;
        stream.pendingView = null;
        stream.nextSendNanos = now + stream.intervalNanos;
        try {
            stream.send(snapshot);
            snapshotsSent.incrementAndGet();
        } catch (RuntimeException e) {
            log.debug("watch stream closed under us: {}", e.toString());
            post(() -> forget(stream));
        }
        return true;
    }

    /**
     * Sends the pending snapshot the moment its interval ends rather than at the next tick, which
     * would add up to a tick to every interval-bound stream's latency.
     */
    private void wakeWhenDue(WatchStream stream, long now) {
        if (stream.wakeScheduled) {
            return;
        }
        stream.wakeScheduled = true;
        try {
            loop.schedule(() -> {
                stream.wakeScheduled = false;
                flush(stream);
            }, stream.nextSendNanos - now, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            stream.wakeScheduled = false; // shutting down
        }
    }

    private void forget(WatchStream stream) {
        WatchedScope scope = scopes.get(stream.key);
        if (scope == null || !scope.streams.remove(stream)) {
            return;
        }
        openStreams--;
        stream.pending = null;
        stream.pendingView = null;
        waiting.remove(stream);
        pendingSnapshots = waiting.size();
        if (scope.streams.isEmpty()) {
            scopes.remove(scope.key);
            dirty.remove(scope.key);
        }
    }

    private void failAll(WatchedScope scope, CommissionException refusal) {
        for (WatchStream stream : List.copyOf(scope.streams)) {
            forget(stream);
            safely(() -> stream.fail(WatchStatus.refused(refusal)));
        }
    }

    private void completeAll() {
        for (WatchedScope scope : List.copyOf(scopes.values())) {
            for (WatchStream stream : List.copyOf(scope.streams)) {
                forget(stream);
                safely(stream::complete);
            }
        }
        dirty.clear();
    }

    // ---- plumbing ----

    /** Runs the task on the loop; false once the hub is shut down. */
    private boolean post(Runnable task) {
        try {
            loop.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("watch task failed", e);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private static void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.debug("watch stream already closed: {}", e.toString());
        }
    }
}
