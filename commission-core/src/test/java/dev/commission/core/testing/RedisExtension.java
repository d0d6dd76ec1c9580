package dev.commission.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import redis.embedded.RedisServer;

/**
 * A real redis-server (the embedded 7.0.15 binary) for tests: one per test JVM on a free
 * loopback port, flushed before each test. Use with {@code @RegisterExtension} or
 * {@code @ExtendWith} and read {@link #redisson()}.
 */
public final class RedisExtension implements BeforeEachCallback {
    private static RedisServer server;
    private static RedissonClient redisson;
    private static int port;

    public static synchronized RedissonClient redisson() {
        start();
        return redisson;
    }

    public static synchronized int port() {
        start();
        return port;
    }

    public static String url() {
        return "redis://127.0.0.1:" + port();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        redisson().getKeys().flushall();
    }

    private static void start() {
        if (server != null) {
            return;
        }
        port = freePort();
        server = RedisServer.builder().port(port).setting("bind 127.0.0.1").setting("save \"\"")
                .setting("appendonly no").build();
        server.start();
        Config config = new Config();
        config.useSingleServer().setAddress(url()).setConnectionMinimumIdleSize(4).setConnectionPoolSize(64);
        redisson = Redisson.create(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            redisson.shutdown();
            server.stop();
        }));
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
