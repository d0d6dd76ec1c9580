package dev.commission.server.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.core.CommissionEngine;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.CreateCampaign;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.order.OrderLine;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.queue.SettlementQueue;
import dev.commission.core.queue.SettlementState;
import dev.commission.core.queue.SettlementWorkers;
import dev.commission.core.steward.RegisterSteward;
import dev.commission.server.redis.EmbeddedRedis;
import dev.commission.server.redis.RedisConnections;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;

/**
 * Settlements accepted and not yet settled survive redis-server being killed (SIGKILL) and started
 * again on its append-only files, those a worker had read but not acknowledged included: then
 * they are settled, each once.
 */
class QueueRedisRestartTest {
    private static final int ORDERS = 200;

    @Test
    void acceptedSettlementsSurviveARedisCrashAndAreSettledOnce(@TempDir Path dataDir) throws Exception {
        EmbeddedRedis redis = EmbeddedRedis.start(dataDir);
        RedissonClient redisson = RedisConnections.forUrl(redis.url());
        try {
            CommissionEngine engine = new CommissionEngine(redisson);
            engine.createCampaign(new CreateCampaign("c1", "C1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW))
                    .toCompletableFuture().join();
            engine.registerSteward(new RegisterSteward("c1", "s1", "Ann", "r1", "g1")).toCompletableFuture().join();
            SettlementQueue queue = engine.settlements();
            List<CompletableFuture<?>> submitted = new java.util.ArrayList<>();
            for (int i = 0; i < ORDERS; i++) {
                submitted.add(queue.submit(order(i)).toCompletableFuture());
            }
            CompletableFuture.allOf(submitted.toArray(CompletableFuture[]::new)).join();
            // A worker that read some entries and died with Redis.
            SettlementWorkers doomed = new SettlementWorkers(queue, request -> new CompletableFuture<>(),
                    SettlementWorkers::describeInCore, SettlementWorkers.Options.defaults(1)).start();
            waitFor(() -> queue.stats().toCompletableFuture().join().total().inFlight() > 0);
            long pid = Long.parseLong(Files.readString(dataDir.resolve("redis.pid")).trim());
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
            doomed.stop(Duration.ofMillis(1));
        } finally {
            redisson.shutdown();
            redis.close();
        }

        redis = EmbeddedRedis.start(dataDir);
        redisson = RedisConnections.forUrl(redis.url());
        SettlementWorkers workers = null;
        try {
            CommissionEngine engine = new CommissionEngine(redisson);
            SettlementQueue queue = engine.settlements();
            assertEquals(ORDERS, queue.stats().toCompletableFuture().join().total().depth(), "every accepted entry is still there");
            assertEquals(0, engine.getSteward("c1", "s1").toCompletableFuture().join().earnedFen());

            workers = new SettlementWorkers(queue, engine::settle, SettlementWorkers::describeInCore,
                    SettlementWorkers.Options.defaults(2).withTimeouts(Duration.ofMillis(200), Duration.ofMillis(400))).start();
            waitFor(() -> queue.stats().toCompletableFuture().join().total().depth() == 0);

            for (int i = 0; i < ORDERS; i++) {
                assertEquals(SettlementState.SETTLED, queue.get("c1", "o" + i).toCompletableFuture().join().state());
            }
            assertEquals(ORDERS * 100L, engine.getSteward("c1", "s1").toCompletableFuture().join().earnedFen());
            assertEquals(ORDERS, engine.getCampaign("c1").toCompletableFuture().join().orders());
            assertTrue(engine.reconcile("c1").toCompletableFuture().join().clean());
            assertEquals(0, queue.stats().toCompletableFuture().join().total().deadLetters());
        } finally {
            if (workers != null) {
                workers.stop(Duration.ofSeconds(10));
            }
            redisson.shutdown();
            redis.close();
        }
    }

    private static SettleCommission order(int i) {
        return new SettleCommission("c1", "o" + i, "s1", List.of(new OrderLine("sku", 1, 1_000)));
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 60 s");
            }
            Thread.sleep(10);
        }
    }
}
