package dev.commission.server.metrics;

import dev.commission.core.CommissionEngine;
import dev.commission.core.queue.QueueStats;
import dev.commission.server.watch.WatchStats;
import io.grpc.netty.shaded.io.netty.util.internal.PlatformDependent;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The meters of one instance, in a Prometheus registry: calls, money, scripts, watch streams,
 * the JVM and Netty's direct memory. Labels are bounded by the API (methods, codes, reasons, script
 * names); no steward, order or campaign ever becomes a label.
 */
public final class ServerMetrics implements AutoCloseable {
    private static final long QUEUE_READ_TIMEOUT_MS = 2_000;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private volatile Supplier<CompletionStage<QueueStats>> queueStats;
    private volatile QueueStats.Partition queueTotal = new QueueStats.Partition(-1, 0, 0, 0, 0, 0);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    /** Held here because meters keep only weak references to what they read. */
    private Supplier<WatchStats> watchStats;

    public ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        // gRPC's (shaded) Netty allocates its buffers off-heap and counts them itself; -1 when it cannot.
        Gauge.builder("netty.direct.memory.used", PlatformDependent::usedDirectMemory).baseUnit("bytes")
                .description("direct memory held by gRPC's Netty buffers").register(registry);
        Gauge.builder("netty.direct.memory.max", PlatformDependent::maxDirectMemory).baseUnit("bytes")
                .description("direct memory Netty may use").register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public CallMetrics calls() {
        return new CallMetrics(registry);
    }

    public SettlementMetrics settlements() {
        return new SettlementMetrics(registry);
    }

    /** Times the engine's scripts from now on. */
    public void timeScripts(CommissionEngine engine) {
        engine.listen(new ScriptTimings(registry));
    }

    /** Watch streams open and snapshots sent, read from the hub's counters at each scrape. */
    public void watch(Supplier<WatchStats> stats) {
        this.watchStats = stats;
        Gauge.builder("watch.streams.open", stats, s -> s.get().openStreams())
                .description("WatchRanking streams being served").register(registry);
        Gauge.builder("watch.scopes", stats, s -> s.get().watchedScopes())
                .description("ranking scopes with at least one stream").register(registry);
        FunctionCounter.builder("watch.snapshots.sent", stats, s -> s.get().snapshotsSent())
                .description("ranking snapshots handed to gRPC").register(registry);
        FunctionCounter.builder("watch.snapshots.superseded", stats, s -> s.get().snapshotsSuperseded())
                .description("pending snapshots replaced by a newer one before a slow stream took them")
                .register(registry);
        FunctionCounter.builder("watch.scope.reads", stats, s -> s.get().scopeReads())
                .description("Redis reads made for watching").register(registry);
    }

    /**
     * The settlement queue's figures over all partitions: depth, in flight, age of the oldest
     * entry not acknowledged, deliveries retried and open dead letters. They are read from Redis
     * once per scrape (one short read-only script), not per meter.
     */
    public void queue(Supplier<CompletionStage<QueueStats>> stats) {
        this.queueStats = stats;
        Gauge.builder("queue.depth", this, m -> m.queueTotal.depth())
                .description("settlements accepted and not acknowledged").register(registry);
        Gauge.builder("queue.in.flight", this, m -> m.queueTotal.inFlight())
                .description("settlements delivered to a worker and not acknowledged").register(registry);
        Gauge.builder("queue.oldest.unacknowledged", this, m -> m.queueTotal.oldestUnacknowledgedMs() / 1000.0)
                .baseUnit("seconds").description("age of the oldest settlement not acknowledged").register(registry);
        FunctionCounter.builder("queue.deliveries.retried", this, m -> m.queueTotal.deliveriesRetried())
                .description("deliveries made again after a failure or a timeout").register(registry);
        Gauge.builder("queue.dead.letters", this, m -> m.queueTotal.deadLetters())
                .description("open dead letters").register(registry);
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        if (queueStats != null) {
            try {
                queueTotal = queueStats.get().toCompletableFuture().get(QUEUE_READ_TIMEOUT_MS, TimeUnit.MILLISECONDS).total();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                // Redis did not answer: the queue's figures stay as last read
            }
        }
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
