package dev.commission.server.watch;

import dev.commission.api.v1.RankingSnapshot;
import dev.commission.api.v1.WatchRankingRequest;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The client end of one WatchRanking stream: records every snapshot. Either requests messages
 * automatically, or only as many as the test asks for ({@link #manual}), to play a slow client.
 */
final class SnapshotRecorder implements ClientResponseObserver<WatchRankingRequest, RankingSnapshot> {
    private final List<RankingSnapshot> snapshots = new CopyOnWriteArrayList<>();
    private final int initialRequests;
    private volatile ClientCallStreamObserver<WatchRankingRequest> call;
    private volatile Throwable error;
    private volatile boolean completed;

    private SnapshotRecorder(int initialRequests) {
        this.initialRequests = initialRequests;
    }

    static SnapshotRecorder automatic() {
        return new SnapshotRecorder(-1);
    }

    /** Receives only {@code initialRequests} snapshots until {@link #request} asks for more. */
    static SnapshotRecorder manual(int initialRequests) {
        return new SnapshotRecorder(initialRequests);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchRankingRequest> requestStream) {
        this.call = requestStream;
        if (initialRequests >= 0) {
            requestStream.disableAutoRequestWithInitial(initialRequests);
        }
    }

    void request(int count) {
        call.request(count);
    }

    void cancel() {
        call.cancel("test is done watching", null);
    }

    @Override
    public void onNext(RankingSnapshot snapshot) {
        snapshots.add(snapshot);
    }

    @Override
    public void onError(Throwable t) {
        error = t;
    }

    @Override
    public void onCompleted() {
        completed = true;
    }

    List<RankingSnapshot> snapshots() {
        return List.copyOf(snapshots);
    }

    int count() {
        return snapshots.size();
    }

    RankingSnapshot last() {
        return snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1);
    }

    Throwable error() {
        return error;
    }

    boolean completed() {
        return completed;
    }

    RankingSnapshot awaitCount(int count) {
        Poll.until(() -> snapshots.size() >= count || error != null,
                () -> count + " snapshots, got " + snapshots.size());
        if (error != null) {
            throw new AssertionError("stream failed", error);
        }
        return snapshots.get(count - 1);
    }

    RankingSnapshot awaitFirst() {
        return awaitCount(1);
    }

    /** Waits until the latest snapshot matches; returns it. */
    RankingSnapshot awaitLast(Predicate<RankingSnapshot> condition, String description) {
        Poll.until(() -> error != null || last() != null && condition.test(last()),
                () -> description + "; last snapshot: " + last());
        if (error != null) {
            throw new AssertionError("stream failed", error);
        }
        return last();
    }

    Throwable awaitError() {
        Poll.until(() -> error != null, () -> "the stream to fail; it has " + snapshots.size() + " snapshots");
        return error;
    }

    void awaitCompleted() {
        Poll.until(() -> completed, () -> "the stream to complete");
    }
}
