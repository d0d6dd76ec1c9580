package dev.commission.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.GetCampaignRequest;
import dev.commission.api.v1.GetStewardRequest;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.Outcome;
import dev.commission.api.v1.RegisterStewardRequest;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.SettleResult;
import dev.commission.core.CommissionEngine;
import dev.commission.core.ledger.ReconcileReport;
import dev.commission.core.operation.RedisCallPolicy;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.testing.InProcessServer;
import dev.commission.server.testing.Refusals;
import dev.commission.server.watch.RedisAdmin;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redis holds every write for longer than the response timeout ({@code CLIENT PAUSE ... WRITE})
 * while first-time settlements are in flight. No settlement submitted once may answer DUPLICATE:
 * each answers APPLIED, UNAVAILABLE (REDIS_TIMEOUT) or, when the caller's deadline is shorter,
 * DEADLINE_EXCEEDED; a retry of each afterwards answers APPLIED or DUPLICATE, and every order's
 * commission is paid exactly once.
 */
@ExtendWith(RedisExtension.class)
class ClientPauseTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);
    /**
     * The pause ends (CLIENT UNPAUSE) once every first submission has answered, or after this
     * long: far beyond the timeout, so a client that re-sends after a timeout (Redisson by default
     * waits 1.5 s, then sends again, up to 3 times) would still have an attempt waiting in Redis
     * when the pause ends, which would then answer DUPLICATE.
     */
    private static final long PAUSE_AT_MOST_MS = 3_000;
    private static final int STEWARDS = 10;
    private static final long FEE = 100;

    private RedissonClient redisson;
    private InProcessServer server;

    @BeforeEach
    void start() throws IOException {
        // An operator's file asking for long timeouts and many attempts: the engine's policy wins.
        Config config = Config.fromYAML("""
                singleServerConfig:
                  address: "%s"
                  timeout: 10000
                  retryAttempts: 4
                """.formatted(RedisExtension.url()));
        redisson = Redisson.create(config);
        RedisCallPolicy policy = new RedisCallPolicy(TIMEOUT, RedisCallPolicy.DEFAULT.readTimeout(), 1,
                RedisCallPolicy.DEFAULT.retryInterval());
        server = InProcessServer.start(new CommissionEngine(redisson, policy), redisson);
    }

    @AfterEach
    void stop() {
        RedisAdmin.command("CLIENT", "UNPAUSE");
        server.close();
        redisson.shutdown();
    }

    @Test
    void aSettlementSubmittedOnceNeverAnswersDuplicateWhileRedisIsPaused() {
        server.commission().createCampaign(CreateCampaignRequest.newBuilder().setCampaignId("c1").setName("Pause")
                .setRule(CommissionRule.newBuilder().setFixedFen(FEE)).build());
        for (int s = 0; s < STEWARDS; s++) {
            server.commission().registerSteward(RegisterStewardRequest.newBuilder().setCampaignId("c1")
                    .setStewardId("s" + s).setName("Steward " + s).setRegionId("r1").setGroupId("g" + s % 3).build());
        }

        Map<String, CompletableFuture<SettleResult>> first = new TreeMap<>();
        settleAll(first, "before-", 50, 10_000);
        assertEquals("OK", RedisAdmin.command("CLIENT", "PAUSE", "60000", "WRITE"));
        settleAll(first, "long-", 150, 10_000);   // Redis's timeout ends these
        settleAll(first, "short-", 50, 150);       // the caller's deadline ends these first
        try {
            CompletableFuture.allOf(first.values().stream().map(c -> c.exceptionally(e -> null))
                    .toArray(CompletableFuture[]::new)).get(PAUSE_AT_MOST_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // some are still waiting: they answer after the pause, and must not say DUPLICATE
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        RedisAdmin.command("CLIENT", "UNPAUSE"); // the held settlements run now, each once

        int timedOut = 0;
        int deadlineExceeded = 0;
        for (Map.Entry<String, CompletableFuture<SettleResult>> call : first.entrySet()) {
            Object answer = answer(call.getValue());
            if (answer instanceof SettleResult result) {
                assertEquals(Outcome.APPLIED, result.getOutcome(), "first submission of " + call.getKey());
            } else if (((StatusRuntimeException) answer).getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED) {
                deadlineExceeded++;
            } else {
                StatusRuntimeException e = (StatusRuntimeException) answer;
                assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), call.getKey() + ": " + e);
                assertEquals("REDIS_TIMEOUT", Refusals.errorInfo(e).getReason(), call.getKey() + ": " + e);
                timedOut++;
            }
        }
        assertTrue(timedOut > 0, "some settlements sent during the pause timed out in Redis");
        assertTrue(deadlineExceeded > 0, "some settlements ran out of their callers' deadline");

        // After the pause, the caller's retry with the same key tells what happened.
        Map<String, CompletableFuture<SettleResult>> retries = new TreeMap<>();
        for (String orderNo : first.keySet()) {
            retries.put(orderNo, settle(orderNo, 10_000));
        }
        for (Map.Entry<String, CompletableFuture<SettleResult>> retry : retries.entrySet()) {
            Object answer = answer(retry.getValue());
            if (!(answer instanceof SettleResult result)) {
                throw new AssertionError("retry of " + retry.getKey() + " after the pause: " + answer);
            }
            if (answer(first.get(retry.getKey())) instanceof SettleResult) {
                assertEquals(Outcome.DUPLICATE, result.getOutcome(), "retry of applied " + retry.getKey());
            } else {
                assertTrue(result.getOutcome() == Outcome.APPLIED || result.getOutcome() == Outcome.DUPLICATE,
                        "retry of " + retry.getKey() + ": " + result);
            }
            assertEquals(FEE, result.getCommissionFen(), retry.getKey());
        }

        // Each order's commission moved exactly once.
        long orders = first.size();
        long[] perSteward = new long[STEWARDS];
        first.keySet().forEach(orderNo -> perSteward[steward(orderNo)] += FEE);
        assertEquals(orders * FEE, server.commission()
                .getCampaign(GetCampaignRequest.newBuilder().setCampaignId("c1").build()).getEarnedFen());
        for (int s = 0; s < STEWARDS; s++) {
            assertEquals(perSteward[s], server.commission().getSteward(GetStewardRequest.newBuilder()
                    .setCampaignId("c1").setStewardId("s" + s).build()).getEarnedFen(), "steward s" + s);
        }
        // Reconcile reads the campaign with one script, longer than this test's 300 ms for scripts.
        ReconcileReport report = new CommissionEngine(redisson).reconcile("c1").toCompletableFuture().join();
        assertTrue(report.clean(), report.toString());
        assertFalse(first.isEmpty());
    }

    private void settleAll(Map<String, CompletableFuture<SettleResult>> calls, String prefix, int count,
                           long deadlineMillis) {
        for (int i = 0; i < count; i++) {
            String orderNo = prefix + i;
            calls.put(orderNo, settle(orderNo, deadlineMillis));
        }
    }

    private CompletableFuture<SettleResult> settle(String orderNo, long deadlineMillis) {
        SettleCommissionRequest request = SettleCommissionRequest.newBuilder().setCampaignId("c1")
                .setOrderNo(orderNo).setStewardId("s" + steward(orderNo))
                .addLines(OrderLine.newBuilder().setSkuId("sofa").setQuantity(1).setPaidFen(10_000)).build();
        CompletableFuture<SettleResult> answer = new CompletableFuture<>();
        CommissionServiceGrpc.newStub(server.channel()).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                .settleCommission(request, new StreamObserver<>() {
                    @Override
                    public void onNext(SettleResult result) {
                        answer.complete(result);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        return answer;
    }

    /** The reply, or the StatusRuntimeException the call failed with. */
    private static Object answer(CompletableFuture<SettleResult> call) {
        try {
            return call.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException status) {
                return status;
            }
            throw new AssertionError(e.getCause());
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer", e);
        }
    }

    private static int steward(String orderNo) {
        return Math.floorMod(orderNo.hashCode(), STEWARDS);
    }
}
