package dev.commission.server;

import dev.commission.core.CommissionEngine;
import dev.commission.server.redis.EmbeddedRedis;
import dev.commission.server.redis.RedisConnections;
import dev.commission.server.status.StatusMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one running instance owns, started in order and stopped in reverse: the embedded
 * Redis (when none is configured), the Redis client, the engine and the gRPC server on Netty.
 */
public final class ServerStack implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerStack.class);

    private final EmbeddedRedis embeddedRedis;
    private final RedissonClient redisson;
    private final CommissionServer server;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ServerStack(EmbeddedRedis embeddedRedis, RedissonClient redisson, CommissionServer server) {
        this.embeddedRedis = embeddedRedis;
        this.redisson = redisson;
        this.server = server;
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
                redisson = connect(config);
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
            return new ServerStack(embedded, redisson, server);
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

    /** Stops the gRPC server gracefully, then the Redis client, then the embedded Redis. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
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
