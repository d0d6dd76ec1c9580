package dev.commission.server.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.commission.core.CommissionEngine;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.redis.RedisHealthProbe.State;
import dev.commission.server.testing.InProcessServer;
import dev.commission.server.watch.RedisAdmin;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import redis.embedded.RedisServer;

/**
 * Health follows Redis both ways: NOT_SERVING while it is down, too slow, or refusing writes for
 * memory, SERVING again after; each change names what the probe found.
 */
@ExtendWith(RedisExtension.class)
class RedisHealthProbeTest {
    /** Generous for a busy machine; the probe itself notices within about a second. */
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final List<State> changes = new CopyOnWriteArrayList<>();
    private RedissonClient redisson;
    private RedisHealthProbe probe;

    @AfterEach
    void stop() {
        RedisAdmin.command("CLIENT", "UNPAUSE");
        RedisAdmin.command("CONFIG", "SET", "maxmemory", "0");
        if (probe != null) {
            probe.close();
        }
        if (redisson != null) {
            redisson.shutdown();
        }
    }

    @Test
    void healthIsNotServingWhileRedisHoldsWritesBackAndServingAfter() {
        redisson = client(RedisExtension.url());
        InProcessServer server = InProcessServer.start(new CommissionEngine(redisson), redisson);
        try {
            await(() -> health(server) == ServingStatus.SERVING, () -> "SERVING at first");

            RedisAdmin.command("CLIENT", "PAUSE", "60000", "WRITE");
            await(() -> health(server) == ServingStatus.NOT_SERVING, () -> "NOT_SERVING during the pause");

            RedisAdmin.command("CLIENT", "UNPAUSE");
            await(() -> health(server) == ServingStatus.SERVING, () -> "SERVING after the pause");
        } finally {
            server.close();
        }
    }

    @Test
    void aPauseIsSlowNotDown() {
        redisson = client(RedisExtension.url());
        probe = started(redisson);

        RedisAdmin.command("CLIENT", "PAUSE", "60000", "WRITE");
        awaitState(State.SLOW);
        RedisAdmin.command("CLIENT", "UNPAUSE");
        awaitState(State.UP);

        assertEquals(List.of(State.SLOW, State.UP), changes);
    }

    @Test
    void overMaxmemoryIsOutOfMemoryUntilTheLimitIsRaised() {
        redisson = client(RedisExtension.url());
        probe = started(redisson);
        redisson.getBucket("ballast").set("x".repeat(100_000));

        RedisAdmin.command("CONFIG", "SET", "maxmemory", "1"); // far below what it holds already
        awaitState(State.OUT_OF_MEMORY);
        RedisAdmin.command("CONFIG", "SET", "maxmemory", "0");
        awaitState(State.UP);

        assertEquals(List.of(State.OUT_OF_MEMORY, State.UP), changes);
    }

    @Test
    void aStoppedRedisIsDownUntilItIsBack() throws IOException {
        int port = RedisExtension.freePort();
        RedisServer redis = server(port);
        redis.start();
        try {
            redisson = client("redis://127.0.0.1:" + port);
            probe = started(redisson);

            redis.stop();
            awaitState(State.DOWN);
            redis = server(port);
            redis.start();
            awaitState(State.UP);

            assertEquals(List.of(State.DOWN, State.UP), changes);
        } finally {
            redis.stop();
        }
    }

    private RedisHealthProbe started(RedissonClient client) {
        RedisHealthProbe started = new RedisHealthProbe(client, RedisHealthProbe.DEFAULT_INTERVAL, changes::add);
        started.start();
        return started;
    }

    private void awaitState(State wanted) {
        await(() -> probe.state() == wanted, () -> wanted + "; changes so far " + changes);
    }

    private static RedisServer server(int port) throws IOException {
        return RedisServer.builder().port(port).setting("bind 127.0.0.1").setting("save \"\"")
                .setting("appendonly no").build();
    }

    private static RedissonClient client(String url) {
        Config config = new Config();
        config.useSingleServer().setAddress(url).setConnectTimeout(500);
        return RedisConnections.open(config);
    }

    private static ServingStatus health(InProcessServer server) {
        return HealthGrpc.newBlockingStub(server.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus();
    }

    private static void await(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + WAIT.toSeconds() + " s: " + what.get());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
