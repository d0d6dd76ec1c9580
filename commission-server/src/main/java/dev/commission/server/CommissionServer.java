package dev.commission.server;

import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.core.CommissionEngine;
import dev.commission.server.commission.CommissionGrpcService;
import dev.commission.server.queue.SettlementGrpcService;
import dev.commission.server.ranking.RankingGrpcService;
import dev.commission.server.redis.RedisHealthProbe;
import dev.commission.server.watch.RankingWatchHub;
import io.grpc.Server;
import io.grpc.ServerBuilder;
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
 * The gRPC server of one instance: CommissionService, RankingService, SettlementService, gRPC health (SERVING while
 * Redis answers) and server reflection, on whatever transport the given builder makes.
 */
public final class CommissionServer {
    /** How long {@link #shutdown()} lets running calls finish before cancelling them. */
    public static final Duration GRACE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_HEALTH_PROBE_INTERVAL = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(CommissionServer.class);
    private static final List<String> HEALTH_NAMES = List.of(HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
            CommissionServiceGrpc.SERVICE_NAME, RankingServiceGrpc.SERVICE_NAME,
            dev.commission.api.v1.SettlementServiceGrpc.SERVICE_NAME);

    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();
    private final RankingWatchHub watchHub;
    private final RedisHealthProbe redisProbe;

    public CommissionServer(ServerBuilder<?> builder, CommissionEngine engine, RedissonClient redisson) {
        this(builder, engine, redisson, DEFAULT_HEALTH_PROBE_INTERVAL);
    }

    public CommissionServer(ServerBuilder<?> builder, CommissionEngine engine, RedissonClient redisson,
                            Duration healthProbeInterval) {
        this.watchHub = new RankingWatchHub(redisson, engine);
        this.server = builder
                .addService(new CommissionGrpcService(engine))
                .addService(new RankingGrpcService(engine, watchHub))
                .addService(new SettlementGrpcService(engine.settlements()))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(legacyReflection())
                .build();
        this.redisProbe = new RedisHealthProbe(redisson, healthProbeInterval, this::setServing);
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

    public CommissionServer start() throws IOException {
        server.start();
        setServing(true);
        redisProbe.start();
        return this;
    }

    /** The port listened on, or -1 for a transport without ports (in-process). */
    public int port() {
        return server.getPort();
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
        server.shutdown();
        if (!server.awaitTermination(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("calls still running after {} s; cancelling them", GRACE.toSeconds());
            server.shutdownNow();
            server.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    public void blockUntilShutdown() throws InterruptedException {
        server.awaitTermination();
    }

    private void setServing(boolean serving) {
        ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        for (String name : HEALTH_NAMES) {
            health.setStatus(name, status);
        }
    }
}
