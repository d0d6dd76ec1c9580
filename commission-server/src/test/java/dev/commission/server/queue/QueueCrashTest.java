package dev.commission.server.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.api.v1.GetSettlementRequest;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.Settlement;
import dev.commission.api.v1.SettlementServiceGrpc;
import dev.commission.api.v1.SettlementState;
import dev.commission.api.v1.SubmitSettlementResponse;
import dev.commission.core.CommissionEngine;
import dev.commission.core.campaign.Campaign;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.CreateCampaign;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.ledger.ReconcileReport;
import dev.commission.core.queue.SettlementWorkers;
import dev.commission.core.steward.RegisterSteward;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.CommissionServer;
import dev.commission.server.CommissionServerMain;
import dev.commission.server.redis.RedisConnections;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.api.RedissonClient;

/**
 * Two server instances over one Redis: A in this JVM, B a child JVM killed with SIGKILL and started
 * again every few seconds, while settlements (a fifth of them resubmissions) are submitted to
 * both; a submission that fails is sent again to A. Afterwards every accepted order is SETTLED,
 * each credited once (totals, order count and Reconcile agree), and nothing was dead-lettered.
 *
 * <p>Size: {@code -Dqueue.crash.submissions=20000} (default 4000), spread over
 * {@code -Dqueue.crash.seconds} (default 20) so that the kills fall among them. Seed:
 * {@code -Dqueue.crash.seed}.
 */
@ExtendWith(RedisExtension.class)
class QueueCrashTest {
    private static final int SUBMISSIONS = Integer.getInteger("queue.crash.submissions", 4_000);
    private static final int SECONDS = Integer.getInteger("queue.crash.seconds", 20);
    private static final long SEED = Long.getLong("queue.crash.seed", System.nanoTime());
    private static final int STEWARDS = 50;
    private static final int IN_FLIGHT = 64;
    private static final Duration KILL_EVERY = Duration.ofSeconds(3);

    @Test
    void everyAcceptedOrderIsSettledExactlyOnceWhileAnInstanceIsKilledAgainAndAgain() throws Exception {
        System.out.println("QueueCrashTest: " + SUBMISSIONS + " submissions over " + SECONDS + " s, seed " + SEED);
        RedissonClient redisson = RedisConnections.forUrl(RedisExtension.url());
        CommissionEngine engine = new CommissionEngine(redisson);
        engine.createCampaign(new CreateCampaign("crash", "Crash", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW))
                .toCompletableFuture().join();
        for (int s = 0; s < STEWARDS; s++) {
            engine.registerSteward(new RegisterSteward("crash", "s" + s, "S" + s, "r" + s % 5, "g" + s % 10))
                    .toCompletableFuture().join();
        }
        CommissionServer serverA = new CommissionServer(CommissionServer.netty(new InetSocketAddress("127.0.0.1", 0)),
                engine, redisson).start();
        SettlementWorkers workersA = new SettlementWorkers(engine.settlements(), engine::settle,
                SettlementGrpcService::describe, SettlementWorkers.Options.defaults(4)
                .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(2))).start();
        int portB = freePort();
        File log = Path.of("target", "queue-crash-instance-b.log").toFile();
        log.delete();
        Instance b = new Instance(portB, log);
        ManagedChannel channelA = channel(serverA.port());
        ManagedChannel channelB = channel(portB);
        AtomicBoolean submitting = new AtomicBoolean(true);
        AtomicInteger kills = new AtomicInteger();
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            b.start();
            awaitServing(channelB);
            Future<?> killer = pool.submit(() -> {
                while (submitting.get() || kills.get() < 2) {
                    Thread.sleep(KILL_EVERY.toMillis());
                    b.kill();
                    kills.incrementAndGet();
                    long restart = System.nanoTime();
                    b.start();
                    awaitServing(channelB);
                    System.out.println("QueueCrashTest: instance B killed and serving again after "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restart) + " ms");
                }
                return null;
            });

            Map<String, Long> accepted = submitAll(channelA, channelB, pool);
            submitting.set(false);
            killer.get(5, TimeUnit.MINUTES);

            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (engine.settlements().stats().toCompletableFuture().join().total().depth() > 0) {
                assertTrue(System.nanoTime() < deadline, "the queue drains");
                Thread.sleep(50);
            }

            SettlementServiceGrpc.SettlementServiceBlockingStub a = SettlementServiceGrpc.newBlockingStub(channelA);
            long expectedEarned = 0;
            for (Map.Entry<String, Long> order : accepted.entrySet()) {
                Settlement s = a.withDeadlineAfter(10, TimeUnit.SECONDS).getSettlement(GetSettlementRequest.newBuilder()
                        .setCampaignId("crash").setOrderNo(order.getKey()).build());
                assertEquals(SettlementState.SETTLED, s.getState(), order.getKey() + ": " + s);
                assertEquals(order.getValue(), s.getCommissionFen(), order.getKey());
                expectedEarned += order.getValue();
            }
            Campaign campaign = engine.getCampaign("crash").toCompletableFuture().join();
            assertEquals(accepted.size(), campaign.orders(), "each accepted order counted once");
            assertEquals(expectedEarned, campaign.earnedFen(), "each accepted order credited once");
            long stewardsEarned = 0;
            for (int s = 0; s < STEWARDS; s++) {
                stewardsEarned += engine.getSteward("crash", "s" + s).toCompletableFuture().join().earnedFen();
            }
            assertEquals(expectedEarned, stewardsEarned, "the stewards' totals add up to the campaign's");
            ReconcileReport report = engine.reconcile("crash").toCompletableFuture().join();
            assertTrue(report.clean(), report.toString());
            assertEquals(0, engine.settlements().stats().toCompletableFuture().join().total().deadLetters());
            assertTrue(kills.get() >= 2, "instance B was killed " + kills.get() + " times");
            System.out.println("QueueCrashTest: " + accepted.size() + " orders settled once each, instance B killed "
                    + kills.get() + " times");
        } finally {
            submitting.set(false);
            b.kill();
            pool.shutdownNow();
            channelA.shutdownNow();
            channelB.shutdownNow();
            workersA.stop(Duration.ofSeconds(10));
            serverA.shutdown();
            redisson.shutdown();
        }
    }

    /**
     * Submits every settlement, each to A or B in turn, at an even pace, at most {@link #IN_FLIGHT}
     * at once; a failed submission is sent again to A until accepted. Answers the accepted orders
     * and the commission each must credit.
     */
    private static Map<String, Long> submitAll(ManagedChannel channelA, ManagedChannel channelB, ExecutorService pool)
            throws Exception {
        Random random = new Random(SEED);
        Map<String, Long> accepted = new ConcurrentHashMap<>();
        List<SettleCommissionRequest> orders = new ArrayList<>();
        List<SettleCommissionRequest> plan = new ArrayList<>();
        for (int i = 0; i < SUBMISSIONS; i++) {
            if (!orders.isEmpty() && random.nextInt(5) == 0) {
                plan.add(orders.get(random.nextInt(orders.size())));
            } else {
                long paid = 1_000 + random.nextInt(1_000) * 10L;
                SettleCommissionRequest order = SettleCommissionRequest.newBuilder().setCampaignId("crash")
                        .setOrderNo("o" + i).setStewardId("s" + random.nextInt(STEWARDS))
                        .addLines(OrderLine.newBuilder().setSkuId("sku").setQuantity(1).setPaidFen(paid)).build();
                orders.add(order);
                plan.add(order);
            }
        }
        SettlementServiceGrpc.SettlementServiceBlockingStub a = SettlementServiceGrpc.newBlockingStub(channelA);
        SettlementServiceGrpc.SettlementServiceBlockingStub b = SettlementServiceGrpc.newBlockingStub(channelB);
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(IN_FLIGHT);
        AtomicLong failedOver = new AtomicLong();
        long start = System.nanoTime();
        long step = TimeUnit.SECONDS.toNanos(SECONDS) / SUBMISSIONS;
        List<Future<?>> calls = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            long due = start + i * step;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            inFlight.acquire();
            SettleCommissionRequest order = plan.get(i);
            SettlementServiceGrpc.SettlementServiceBlockingStub first = i % 2 == 0 ? a : b;
            calls.add(pool.submit(() -> {
                try {
                    SubmitSettlementResponse reply;
                    try {
                        reply = first.withDeadlineAfter(5, TimeUnit.SECONDS).submitSettlement(order);
                    } catch (RuntimeException e) {
                        failedOver.incrementAndGet();
                        reply = submitUntilAccepted(a, order);
                    }
                    accepted.put(reply.getOrderNo(), order.getLines(0).getPaidFen() / 10);
                } finally {
                    inFlight.release();
                }
                return null;
            }));
        }
        for (Future<?> call : calls) {
            call.get(2, TimeUnit.MINUTES);
        }
        System.out.println("QueueCrashTest: " + plan.size() + " submitted in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms, " + failedOver.get()
                + " sent again to A after failing on B");
        return accepted;
    }

    private static SubmitSettlementResponse submitUntilAccepted(SettlementServiceGrpc.SettlementServiceBlockingStub a,
                                                               SettleCommissionRequest order) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return a.withDeadlineAfter(5, TimeUnit.SECONDS).submitSettlement(order);
            } catch (RuntimeException e) {
                if (attempt >= 10) {
                    throw e;
                }
                Thread.sleep(100L * attempt);
            }
        }
    }

    private static ManagedChannel channel(int port) {
        return Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
    }

    private static void awaitServing(ManagedChannel channel) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                if (HealthGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING) {
                    return;
                }
            } catch (RuntimeException e) {
                // not up yet; try to connect now rather than after the channel's back-off
                channel.resetConnectBackoff();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("instance did not serve within 60 s");
            }
            Thread.sleep(50);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Instance B: the server's main in a child JVM on this test's class path, over the test's Redis. */
    private static final class Instance {
        private final int port;
        private final File log;
        private volatile Process process;

        Instance(int port, File log) {
            this.port = port;
            this.log = log;
        }

        void start() throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    CommissionServerMain.class.getName(), "--redis-url", RedisExtension.url(), "--port",
                    Integer.toString(port), "--queue-workers", "4")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
        }

        /** SIGKILL: no shutdown hook runs, nothing is acknowledged or handed back. */
        void kill() throws InterruptedException {
            Process p = process;
            if (p != null && p.isAlive()) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
