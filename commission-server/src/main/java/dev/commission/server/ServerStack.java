package dev.commission.server;

import dev.commission.core.CommissionEngine;
import dev.commission.core.queue.SettlementWorkers;
import dev.commission.server.queue.SettlementGrpcService;
import dev.commission.server.redis.EmbeddedRedis;
import dev.commission.server.redis.RedisConnections;
import dev.commission.server.status.StatusMapper;
import dev.commission.server.metrics.MetricsHttpServer;
import dev.commission.server.metrics.ServerMetrics;
import dev.commission.server.security.AccessInterceptor;
import dev.commission.server.security.SecurityConfig;
import dev.commission.server.security.ServerTls;
import dev.commission.server.http.HttpGateway;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.util.concurrent.ExecutorService;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one running instance owns, started in order and stopped in reverse: the embedded
 * Redis (when none is configured), the Redis client, the engine, the gRPC server on Netty (with
 * TLS, access checks, request ids and metrics as configured), the HTTP port (the same services
 * and interceptors, in-process, in JSON), the metrics port and the settlement queue's workers.
 */
public final class ServerStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerStack.class);

    private final EmbeddedRedis embeddedRedis;
    private final RedissonClient redisson;
    private final CommissionServer server;
    private final ServerMetrics metrics;
    private final MetricsHttpServer metricsHttp;
    private final ServerTls tls;
    private final SettlementWorkers workers;
    private final HttpGateway http;
    private final ManagedChannel jsonChannel;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ServerStack(EmbeddedRedis embeddedRedis, RedissonClient redisson, CommissionServer server,
                        ServerMetrics metrics, MetricsHttpServer metricsHttp, ServerTls tls,
                        SettlementWorkers workers, HttpGateway http, ManagedChannel jsonChannel) {
        this.embeddedRedis = embeddedRedis;
        this.redisson = redisson;
        this.server = server;
        this.metrics = metrics;
        this.metricsHttp = metricsHttp;
        this.tls = tls;
        this.workers = workers;
        this.http = http;
        this.jsonChannel = jsonChannel;
    }

    public static ServerStack start(ServerConfig config) throws IOException {
        EmbeddedRedis embedded = null;
        RedissonClient redisson = null;
        ServerTls tls = null;
        ServerMetrics metrics = new ServerMetrics();
        MetricsHttpServer metricsHttp = null;
        CommissionServer commissionServer = null;
        HttpGateway http = null;
        ManagedChannel jsonChannel = null;
        try {
            log.info("starting with {}", config.describe());
            SecurityConfig security = config.security();
            InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
            if (!security.authenticated() && (address.getAddress() == null || !address.getAddress().isLoopbackAddress())) {
                // ServerConfig.parse refuses this already; a config built in code must not slip past.
                throw new IOException("refusing to listen on " + config.host() + " beyond loopback without tokens");
            }
            if (security.tls()) {
                tls = ServerTls.load(security.tlsCert(), security.tlsKey(), security.tlsClientCa());
            }
            if (config.embeddedRedis()) {
                embedded = EmbeddedRedis.start(config.dataDir());
                redisson = RedisConnections.forUrl(embedded.url());
            } else if (config.redisConfig() != null) {
                redisson = RedisConnections.forYaml(config.redisConfig());
            } else {
                redisson = connect(config);
            }
            CommissionEngine engine = new CommissionEngine(redisson);
            metrics.timeScripts(engine);
            NettyServerBuilder builder = tls == null ? CommissionServer.netty(address)
                    : CommissionServer.netty(address, tls.credentials());
            AccessInterceptor access = security.authenticated()
                    ? new AccessInterceptor(security.tokens(), security.clientRoles()) : null;
            CallPipeline.install(builder, metrics, access);
            String jsonName = "http-port-" + InProcessServerBuilder.generateName(); // the peer in access logs
            InProcessServerBuilder jsonBuilder = null;
            if (config.httpPort() != null) {
                // The HTTP port's calls run through the same interceptors, on the same service objects.
                jsonBuilder = InProcessServerBuilder.forName(jsonName).directExecutor();
                CallPipeline.install(jsonBuilder, metrics, access);
            }
            CommissionServer server = new CommissionServer(builder, jsonBuilder, engine, redisson,
                    CommissionServer.DEFAULT_HEALTH_PROBE_INTERVAL).start();
            commissionServer = server;
            metrics.watch(server::watchStats);
            metrics.queue(engine.settlements()::stats);
            log.info("commission-server listening on {}:{} ({}; Redis: {})", config.host(), server.port(),
                    tls == null ? "plaintext" : tls.mutual() ? "TLS, client certificates required" : "TLS",
                    embedded == null ? config.redisDescription() : "embedded, " + embedded.url());
            if (!security.authenticated()) {
                log.warn("unauthenticated: no tokens or client roles configured, so every caller may do everything;"
                        + " serving loopback only");
            }
            if (config.metricsPort() != null) {
                metricsHttp = MetricsHttpServer.start(new InetSocketAddress(config.host(), config.metricsPort()),
                        metrics, security.tokens(), security.clientRoles(), tls == null ? null : tls.sslContext(),
                        tls != null && tls.mutual());
                log.info("metrics on {}://{}:{}/metrics", tls == null ? "http" : "https", config.host(),
                        metricsHttp.port());
            }
            if (config.httpPort() != null) {
                ExecutorService executor = HttpGateway.executor();
                jsonChannel = InProcessChannelBuilder.forName(jsonName).executor(executor).build();
                http = HttpGateway.start(new InetSocketAddress(config.host(), config.httpPort()), jsonChannel,
                        server.jsonServices(), executor, tls == null ? null : tls.sslContext());
                log.info("HTTP/JSON and the dashboard on {}://{}:{}/", tls == null ? "http" : "https", config.host(),
                        http.port());
            }
            SettlementWorkers workers = new SettlementWorkers(engine.settlements(), engine::settle,
                    SettlementGrpcService::describe, SettlementWorkers.Options.defaults(config.queueWorkers()));
            if (config.queueWorkers() > 0) {
                workers.start();
            }
            return new ServerStack(embedded, redisson, server, metrics, metricsHttp, tls, workers, http, jsonChannel);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            if (http != null) {
                http.close();
            }
            if (jsonChannel != null) {
                jsonChannel.shutdownNow();
            }
            if (commissionServer != null) {
                try {
                    commissionServer.shutdown();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            if (metricsHttp != null) {
                metricsHttp.close();
            }
            metrics.close();
            if (tls != null) {
                tls.close();
            }
            if (redisson != null) {
                redisson.shutdown();
            }
            if (embedded != null) {
                embedded.close();
            }
            if (e instanceof GeneralSecurityException) {
                throw new IOException("TLS: " + e.getMessage(), e);
            }
            if (e instanceof IOException io) {
                throw io;
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * The Redis client for the configured URL. The client's messages about a URL it cannot parse
     * quote it, password included and sometimes rewritten (a {@code :} as {@code [:]}), beyond
     * what replacing the password can catch: for a URL with credentials only the fact is passed on.
     */
    private static RedissonClient connect(ServerConfig config) throws IOException {
        try {
            return RedisConnections.forUrl(config.redisUrl());
        } catch (RuntimeException e) {
            if (!config.redisUrlHasCredentials() || StatusMapper.isRedisUnavailable(e) && !config.revealsSecrets(e)) {
                throw e;
            }
            throw new IOException("the Redis client cannot use the URL " + config.redisDescription() + " (its own "
                    + "message is not shown, as it may quote the password); a URL reads "
                    + "redis://[[user]:password@]host:port, with % / ? # @ in the password written %25 %2F %3F %23 %40");
        }
    }

    /** The metrics port, or -1 when there is none. */
    public int metricsPort() {
        return metricsHttp == null ? -1 : metricsHttp.port();
    }

    /** The HTTP port, or -1 when there is none. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** The gRPC port, useful when the config asked for port 0. */
    public int port() {
        return server.port();
    }

    public CommissionServer server() {
        return server;
    }

    public RedissonClient redisson() {
        return redisson;
    }

    public void blockUntilShutdown() throws InterruptedException {
        server.blockUntilShutdown();
    }

    /**
     * Stops the queue's workers (each finishes the entries it holds), the gRPC server gracefully,
     * then the Redis client, then the embedded Redis. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (http != null) {
                http.close();
                jsonChannel.shutdown(); // lets the HTTP port's running calls finish with the server's
            }
            workers.stop(CommissionServer.GRACE);
            server.shutdown();
            if (jsonChannel != null) {
                jsonChannel.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (metricsHttp != null) {
                metricsHttp.close();
            }
            metrics.close();
            if (tls != null) {
                tls.close();
            }
            redisson.shutdown();
            if (embeddedRedis != null) {
                embeddedRedis.close();
            }
        }
        log.info("commission-server stopped");
    }
}
