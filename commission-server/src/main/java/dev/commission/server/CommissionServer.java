package dev.commission.server;

import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.core.CommissionEngine;
import dev.commission.server.commission.CommissionGrpcService;
import dev.commission.server.campaignmetrics.MetricsGrpcService;
import dev.commission.server.http.HttpGateway;
import dev.commission.server.http.JsonMessages;
import dev.commission.server.queue.SettlementGrpcService;
import dev.commission.server.ranking.RankingGrpcService;
import dev.commission.server.redis.RedisHealthProbe;
import dev.commission.server.status.MalformedRequests;
import dev.commission.server.watch.RankingWatchHub;
import dev.commission.server.watch.WatchStats;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server of one instance: CommissionService, RankingService,
 * SettlementService, MetricsService, gRPC health (SERVING while
 * Redis answers reads and takes writes, probed four times a second) and server reflection, on
 * whatever transport the given builder makes. Every method answers request bytes that do not
 * parse as bad input ({@link MalformedRequests}). With a second (in-process) builder, the same
 * service objects are also served there in their JSON form, for the HTTP port.
 */
public final class CommissionServer {
    /** How long {@link #shutdown()} lets running calls finish before cancelling them. */
    public static final Duration GRACE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEALTH_PROBE_INTERVAL = RedisHealthProbe.DEFAULT_INTERVAL;

    private static final Logger log = LoggerFactory.getLogger(CommissionServer.class);
    private static final List<String> HEALTH_NAMES = List.of(HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
            CommissionServiceGrpc.SERVICE_NAME, RankingServiceGrpc.SERVICE_NAME,
            dev.commission.api.v1.SettlementServiceGrpc.SERVICE_NAME, dev.commission.api.v1.MetricsServiceGrpc.SERVICE_NAME);

    private final Server server;
    /** The same services in their JSON form, for the HTTP port; null without one. */
    private final Server jsonServer;
    private final HealthStatusManager health = new HealthStatusManager();
    private final RankingWatchHub watchHub;
    private final RedisHealthProbe redisProbe;

    public CommissionServer(ServerBuilder<?> builder, CommissionEngine engine, RedissonClient redisson) {
        this(builder, null, engine, redisson, DEFAULT_HEALTH_PROBE_INTERVAL);
    }

    public CommissionServer(ServerBuilder<?> builder, CommissionEngine engine, RedissonClient redisson,
                            Duration healthProbeInterval) {
        this(builder, null, engine, redisson, healthProbeInterval);
    }

    /**
     * @param jsonBuilder null, or a builder (in-process, with the same interceptors as {@code builder})
     *                    on which the same service objects are served in their JSON form, for the
     *                    HTTP port ({@link HttpGateway})
     */
    public CommissionServer(ServerBuilder<?> builder, ServerBuilder<?> jsonBuilder, CommissionEngine engine,
                            RedissonClient redisson, Duration healthProbeInterval) {
        this.watchHub = new RankingWatchHub(redisson, engine);
        List<BindableService> services = List.of(new CommissionGrpcService(engine),
                new RankingGrpcService(engine, watchHub), new SettlementGrpcService(engine.settlements()),
                new MetricsGrpcService(engine), health.getHealthService());
        for (BindableService service : services) {
            builder.addService(MalformedRequests.refused(service));
            if (jsonBuilder != null) {
                jsonBuilder.addService(MalformedRequests.refused(JsonMessages.of(service.bindService())));
            }
        }
        this.server = builder
                .addService(MalformedRequests.refused(ProtoReflectionServiceV1.newInstance()))
                .addService(MalformedRequests.refused(legacyReflection()))
                .build();
        this.jsonServer = jsonBuilder == null ? null : jsonBuilder.build();
        this.redisProbe = new RedisHealthProbe(redisson, healthProbeInterval, this::redisChanged);
    }

    /** Older tools (grpcurl before 1.8.8, some GUIs) only speak the v1alpha reflection protocol. */
    @SuppressWarnings("deprecation")
    private static io.grpc.BindableService legacyReflection() {
        return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
    }

    /**
     * A Netty server builder for this server's services. Calls run on the transport's threads
     * (direct executor): every handler only validates, starts an asynchronous Redis call and
     * returns; the reply is sent from the thread that completes it. That saves a thread hop per
     * call (the settle benchmark measured about 1.4 times the throughput).
     */
    public static NettyServerBuilder netty(InetSocketAddress address) {
        return NettyServerBuilder.forAddress(address).directExecutor();
    }

    /** {@link #netty(InetSocketAddress)} with TLS (or plaintext: {@code InsecureServerCredentials}). */
    public static NettyServerBuilder netty(InetSocketAddress address, ServerCredentials credentials) {
        return NettyServerBuilder.forAddress(address, credentials).directExecutor();
    }

    public CommissionServer start() throws IOException {
        JavaUtilLogging.routeToSlf4j();
        server.start();
        if (jsonServer != null) {
            jsonServer.start();
        }
        setServing(true);
        redisProbe.start();
        return this;
    }

    /** The port listened on, or -1 for a transport without ports (in-process). */
    public int port() {
        return server.getPort();
    }

    /** Every service served, health and reflection included (the access table must cover them). */
    public List<ServerServiceDefinition> services() {
        return server.getServices();
    }

    /** The services in their JSON form, as the HTTP port calls them; empty without one. */
    public List<ServerServiceDefinition> jsonServices() {
        return jsonServer == null ? List.of() : jsonServer.getServices();
    }

    /** The watch hub's counters, for metrics. */
    public WatchStats watchStats() {
        return watchHub.stats();
    }

    public HealthStatusManager health() {
        return health;
    }

    /**
     * Stops gracefully: health goes NOT_SERVING, watch streams end, new calls are refused, running
     * calls get {@link #GRACE} to finish and are cancelled after that.
     */
    public void shutdown() throws InterruptedException {
        health.enterTerminalState();
        redisProbe.close();
        watchHub.close();
        for (Server s : servers()) {
            s.shutdown();
        }
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (Server s : servers()) {
            if (!s.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                log.warn("calls still running after {} s; cancelling them", GRACE.toSeconds());
                s.shutdownNow();
                s.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private List<Server> servers() {
        return jsonServer == null ? List.of(server) : List.of(server, jsonServer);
    }

    public void blockUntilShutdown() throws InterruptedException {
        server.awaitTermination();
    }

    /** SERVING only while Redis answers reads and takes writes; watch streams learn whether their data is live. */
    private void redisChanged(RedisHealthProbe.State state) {
        setServing(state == RedisHealthProbe.State.UP);
        watchHub.redisLive(state.live());
    }

    private void setServing(boolean serving) {
        ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        for (String name : HEALTH_NAMES) {
            health.setStatus(name, status);
        }
    }
}
