package dev.commission.server;

import dev.commission.core.CommissionEngine;
import dev.commission.core.queue.SettlementWorkers;
import dev.commission.server.queue.SettlementGrpcService;
import dev.commission.server.redis.EmbeddedRedis;
import dev.commission.server.redis.RedisConnections;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one running instance owns, started in order and stopped in reverse: the embedded
 * Redis (when none is configured), the Redis client, the engine, the gRPC server on Netty and the
 * settlement queue's workers.
 */
public final class ServerStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerStack.class);

    private final EmbeddedRedis embeddedRedis;
    private final RedissonClient redisson;
    private final CommissionServer server;
    private final SettlementWorkers workers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ServerStack(EmbeddedRedis embeddedRedis, RedissonClient redisson, CommissionServer server,
                        SettlementWorkers workers) {
        this.embeddedRedis = embeddedRedis;
        this.redisson = redisson;
        this.server = server;
        this.workers = workers;
    }

    public static ServerStack start(ServerConfig config) throws IOException {
        EmbeddedRedis embedded = null;
        RedissonClient redisson = null;
        try {
            if (config.embeddedRedis()) {
                embedded = EmbeddedRedis.start(config.dataDir());
                redisson = RedisConnections.forUrl(embedded.url());
            } else if (config.redisConfig() != null) {
                redisson = RedisConnections.forYaml(config.redisConfig());
            } else {
                redisson = RedisConnections.forUrl(config.redisUrl());
            }
            CommissionEngine engine = new CommissionEngine(redisson);
            InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
            CommissionServer server = new CommissionServer(CommissionServer.netty(address), engine, redisson).start();
            log.info("commission-server listening on {}:{} (Redis: {})", config.host(), server.port(),
                    embedded == null ? config.redisDescription() : "embedded, " + embedded.url());
            if (address.getAddress() == null || !address.getAddress().isLoopbackAddress()) {
                log.warn("listening beyond loopback without authentication: anyone who reaches {}:{} can move money",
                        config.host(), server.port());
            }
            SettlementWorkers workers = new SettlementWorkers(engine.settlements(), engine::settle,
                    SettlementGrpcService::describe, SettlementWorkers.Options.defaults(config.queueWorkers()));
            if (config.queueWorkers() > 0) {
                workers.start();
            }
            return new ServerStack(embedded, redisson, server, workers);
        } catch (IOException | RuntimeException e) {
            if (redisson != null) {
                redisson.shutdown();
            }
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
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
            workers.stop(CommissionServer.GRACE);
            server.shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            redisson.shutdown();
            if (embeddedRedis != null) {
                embeddedRedis.close();
            }
        }
        log.info("commission-server stopped");
    }
}
