package dev.commission.core.queue;

import dev.commission.core.CommissionException;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.order.SettleResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers of one instance: each reads new entries of its share of the partitions, settles
 * them in-process, then acknowledges; it also takes over entries whose delivery was not
 * acknowledged within their back-off, whoever read them. A business refusal can never succeed and
 * is dead-lettered at once; any other failure is retried until {@link SettlementQueue#MAX_DELIVERIES}.
 */
public final class SettlementWorkers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SettlementWorkers.class);

    /**
     * @param workers           threads (each owns the partitions p with p mod workers = its index; at most 16 do work)
     * @param visibilityTimeout how long a delivery may stay unacknowledged before another worker takes it; doubled per delivery
     * @param longestBackoff    the longest wait before a delivery is retried
     * @param batch             entries read from a partition at once, settled concurrently
     * @param longestIdlePoll   the longest pause between reads of an idle partition
     * @param forgetConsumers   how long a consumer that holds nothing may go without reading before it
     *                          is deleted from the group (one of an instance that is gone)
     */
    public record Options(int workers, Duration visibilityTimeout, Duration longestBackoff, int batch,
                          Duration longestIdlePoll, Duration forgetConsumers) {
        public static final int DEFAULT_WORKERS = 4;

        public static Options defaults(int workers) {
            return new Options(workers, Duration.ofSeconds(30), Duration.ofMinutes(5), 32, Duration.ofMillis(100),
                    Duration.ofMinutes(10));
        }

        public Options withTimeouts(Duration visibility, Duration longest) {
            return new Options(workers, visibility, longest, batch, longestIdlePoll, forgetConsumers);
        }

        public Options withForgetConsumers(Duration idle) {
            return new Options(workers, visibilityTimeout, longestBackoff, batch, longestIdlePoll, idle);
        }
    }

    private final SettlementQueue queue;
    private final Function<SettleCommission, CompletionStage<SettleResult>> settle;
    private final Function<Throwable, QueueError> describe;
    private final Options options;
    private final String instance = UUID.randomUUID().toString().substring(0, 8) + "-" + ProcessHandle.current().pid();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    /**
     * @param settle   settles one request (the engine's settle; a test may wrap it)
     * @param describe what a failure is called in a settlement's last error
     */
    public SettlementWorkers(SettlementQueue queue, Function<SettleCommission, CompletionStage<SettleResult>> settle,
                             Function<Throwable, QueueError> describe, Options options) {
        this.queue = queue;
        this.settle = settle;
        this.describe = describe;
        this.options = options;
    }

    /** Names a failure by its refusal reason, or its type for anything else. */
    public static QueueError describeInCore(Throwable failure) {
        Throwable e = SettlementQueue.unwrap(failure);
        if (e instanceof CommissionException refusal) {
            return new QueueError(refusal.reason().kind().name(), refusal.reason().name(), refusal.getMessage());
        }
        return new QueueError("UNAVAILABLE", e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
    }

    public synchronized SettlementWorkers start() {
        if (running) {
            return this;
        }
        running = true;
        int count = Math.min(options.workers(), QueueKeys.PARTITIONS);
        for (int i = 0; i < count; i++) {
            List<Integer> mine = new ArrayList<>();
            for (int p = i; p < QueueKeys.PARTITIONS; p += count) {
                mine.add(p);
            }
            String consumer = instance + "-" + i;
            Thread thread = new Thread(() -> loop(consumer, mine), "settlement-worker-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        log.info("{} settlement workers started as consumers {}-*", count, instance);
        return this;
    }

    /** Whether this worker's own threads are running. */
    public boolean running() {
        return running;
    }

    private void loop(String consumer, List<Integer> partitions) {
        long visibility = options.visibilityTimeout().toMillis();
        long claimEvery = Math.max(visibility / 2, 20);
        long forget = options.forgetConsumers().toMillis();
        long[] nextClaim = new long[QueueKeys.PARTITIONS];
        long[] nextPrune = new long[QueueKeys.PARTITIONS];
        String[] cursor = new String[QueueKeys.PARTITIONS];
        java.util.Arrays.fill(cursor, "-");
        long idle = 1;
        while (running) {
            boolean worked = false;
            for (int p : partitions) {
                if (!running) {
                    break;
                }
                try {
                    long now = System.currentTimeMillis();
                    if (now >= nextClaim[p]) {
                        SettlementQueue.Claim claim = queue.claim(p, consumer, visibility,
                                options.longestBackoff().toMillis(), 100, cursor[p]).toCompletableFuture().join();
                        cursor[p] = claim.cursor();
                        nextClaim[p] = claim.cursor().equals("-") ? now + claimEvery : now;
                        worked |= process(claim.entries());
                    }
                    if (now >= nextPrune[p]) {
                        nextPrune[p] = now + Math.max(forget / 2, 10);
                        List<String> gone = queue.prune(p, forget).toCompletableFuture().join();
                        if (!gone.isEmpty()) {
                            log.info("partition {}: forgot consumers {}, idle for {} ms and holding nothing", p, gone,
                                    forget);
                        }
                    }
                    worked |= process(queue.read(p, consumer, options.batch()).toCompletableFuture().join());
                } catch (RuntimeException e) {
                    // Redis unreachable or restarting: what was read stays pending and is claimed later.
                    log.debug("partition {}: {}", p, e.toString());
                    worked = false;
                    idle = options.longestIdlePoll().toMillis();
                }
            }
            if (worked) {
                idle = 1;
                continue;
            }
            pause(idle);
            idle = Math.min(idle * 2, Math.max(1, options.longestIdlePoll().toMillis()));
        }
    }

    /**
     * Settles every entry (all of one partition) concurrently, then acknowledges those settled in
     * one call; a failure is recorded or parked entry by entry. True if there were any.
     */
    private boolean process(List<QueueEntry> entries) {
        if (entries.isEmpty()) {
            return false;
        }
        List<CompletableFuture<SettlementQueue.Settled>> outcomes = new ArrayList<>();
        for (QueueEntry entry : entries) {
            outcomes.add(handle(entry).toCompletableFuture().exceptionally(e -> {
                log.debug("entry {} of partition {} left pending: {}", entry.entryId(), entry.partition(), e.toString());
                return null;
            }));
        }
        CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).join();
        List<SettlementQueue.Settled> settled = outcomes.stream().map(CompletableFuture::join)
                .filter(java.util.Objects::nonNull).toList();
        if (!settled.isEmpty()) {
            try {
                queue.settled(entries.get(0).partition(), settled).toCompletableFuture().join();
            } catch (RuntimeException e) {
                // Settled but not acknowledged: delivered again later, where settling answers DUPLICATE.
                log.debug("partition {}: {} settled entries left unacknowledged: {}", entries.get(0).partition(),
                        settled.size(), e.toString());
            }
        }
        return true;
    }

    /** Settles one entry: the settlement to acknowledge, or null once a failure is recorded or parked. */
    private CompletionStage<SettlementQueue.Settled> handle(QueueEntry entry) {
        if (entry.deliveries() > SettlementQueue.MAX_DELIVERIES) {
            // Its last allowed delivery was never acknowledged (the worker died or hung).
            return queue.dead(entry, entry.deliveries() - 1, new QueueError("DEADLINE_EXCEEDED", "NOT_ACKNOWLEDGED",
                    "delivery " + (entry.deliveries() - 1) + " was not acknowledged within its visibility timeout"))
                    .thenApply(reply -> null);
        }
        CompletionStage<SettleResult> settled;
        try {
            settled = settle.apply(entry.request());
        } catch (RuntimeException e) {
            settled = CompletableFuture.failedFuture(e);
        }
        return settled.handle((result, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(new SettlementQueue.Settled(entry, result.commissionFen()));
            }
            QueueError error = describe.apply(failure);
            boolean permanent = SettlementQueue.unwrap(failure) instanceof CommissionException;
            if (permanent || entry.deliveries() >= SettlementQueue.MAX_DELIVERIES) {
                return queue.dead(entry, entry.deliveries(), error).thenApply(reply -> (SettlementQueue.Settled) null);
            }
            return queue.retry(entry, error).thenApply(reply -> (SettlementQueue.Settled) null);
        }).thenCompose(stage -> stage);
    }

    private synchronized void pause(long millis) {
        try {
            if (running) {
                wait(millis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /**
     * Stops reading; each worker finishes the entries it holds (settles and acknowledges them)
     * within {@code grace}. What is still unacknowledged after that is taken over by a peer once
     * its visibility timeout passes.
     */
    public void stop(Duration grace) {
        synchronized (this) {
            running = false;
            notifyAll();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.clear();
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }
}
