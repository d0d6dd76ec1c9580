package dev.commission.server;

import static dev.commission.server.testing.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.CommissionServiceGrpc.CommissionServiceBlockingStub;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.GetCampaignRequest;
import dev.commission.api.v1.GetOrderRequest;
import dev.commission.api.v1.GetStewardRequest;
import dev.commission.api.v1.Order;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.Outcome;
import dev.commission.api.v1.RegisterStewardRequest;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.SettleResult;
import dev.commission.server.testing.AppendOnlyFile;
import dev.commission.server.testing.EmbeddedRedisProcess;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.redisnode.RedisNodes;

/** The whole instance as main starts it: embedded Redis (supervised), client, engine, Netty. */
class ServerStackTest {

    @Test
    void restartOnTheSameDataDirKeepsEveryCommission(@TempDir Path dataDir) throws Exception {
        ServerConfig config = new ServerConfig("127.0.0.1", 0, null, null, dataDir);
        try (ServerStack stack = ServerStack.start(config)) {
            call(stack, commission -> {
                commission.createCampaign(CreateCampaignRequest.newBuilder().setCampaignId("c1").setName("Autumn")
                        .setRule(CommissionRule.newBuilder().setRateBps(1_000)).build());
                commission.registerSteward(RegisterStewardRequest.newBuilder().setCampaignId("c1").setStewardId("s1")
                        .setName("Wang Fang").setRegionId("r1").setGroupId("g1").build());
                commission.settleCommission(settle());
            });
        }
        assertTrue(Files.isDirectory(dataDir.resolve("appendonlydir")), "append-only files in the data dir");

        try (ServerStack stack = ServerStack.start(config)) {
            call(stack, commission -> {
                assertEquals(1_234, commission.getSteward(GetStewardRequest.newBuilder().setCampaignId("c1")
                        .setStewardId("s1").build()).getEarnedFen());
                assertEquals(Order.State.SETTLED, commission.getOrder(GetOrderRequest.newBuilder().setCampaignId("c1")
                        .setOrderNo("o1").build()).getState());
                assertEquals(Outcome.DUPLICATE, commission.settleCommission(settle()).getOutcome());
            });
        }
    }

    @Test
    void aDataDirServesOneInstanceAtATime(@TempDir Path dataDir) throws Exception {
        ServerConfig config = new ServerConfig("127.0.0.1", 0, null, null, dataDir);
        try (ServerStack first = ServerStack.start(config)) {
            IOException e = assertThrows(IOException.class, () -> ServerStack.start(config));

            assertTrue(e.getMessage().contains("is in use by another commission-server"), e.getMessage());
            call(first, commission -> refused(Code.NOT_FOUND, () -> commission.getCampaign(
                    GetCampaignRequest.newBuilder().setCampaignId("c1").build())));
        }
    }

    @Test
    void aKilledEmbeddedRedisIsRestartedAndCallsSucceedAgainOnItsData(@TempDir Path dataDir) throws Exception {
        ServerConfig config = new ServerConfig("127.0.0.1", 0, null, null, dataDir);
        try (ServerStack stack = ServerStack.start(config)) {
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", stack.port(),
                    InsecureChannelCredentials.create()).build();
            try {
                CommissionServiceBlockingStub commission = CommissionServiceGrpc.newBlockingStub(channel);
                deadline(commission).createCampaign(CreateCampaignRequest.newBuilder().setCampaignId("c1")
                        .setName("Autumn").setRule(CommissionRule.newBuilder().setRateBps(1_000)).build());
                deadline(commission).registerSteward(RegisterStewardRequest.newBuilder().setCampaignId("c1")
                        .setStewardId("s1").setName("Wang Fang").setRegionId("r1").setGroupId("g1").build());
                deadline(commission).settleCommission(settle());
                AppendOnlyFile.persist(stack.redisson());
                int redisPort = stack.redisson().getRedisNodes(RedisNodes.SINGLE).getInstance().getAddr().getPort();

                // Killed, and kept down while its port is taken: calls are UNAVAILABLE, health NOT_SERVING.
                try (ServerSocket taken = EmbeddedRedisProcess.killAndTakePort(dataDir, redisPort)) {
                    refused(Code.UNAVAILABLE, () -> commission.withDeadlineAfter(60, TimeUnit.SECONDS)
                            .getSteward(GetStewardRequest.newBuilder().setCampaignId("c1").setStewardId("s1").build()));
                    assertEquals(ServingStatus.NOT_SERVING, awaitHealth(channel, ServingStatus.NOT_SERVING));
                }

                SettleResult second = settleUntilAnswered(commission, settle("o2"));
                assertTrue(second.getOutcome() == Outcome.APPLIED || second.getOutcome() == Outcome.DUPLICATE,
                        second.toString());
                assertEquals(2 * 1_234, deadline(commission).getSteward(GetStewardRequest.newBuilder()
                        .setCampaignId("c1").setStewardId("s1").build()).getEarnedFen(), "o1 kept, o2 paid once");
                assertEquals(Outcome.DUPLICATE, deadline(commission).settleCommission(settle()).getOutcome());
                assertEquals(ServingStatus.SERVING, awaitHealth(channel, ServingStatus.SERVING));
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aUrlTheRedisClientCannotParseIsRefusedWithoutItsPassword(@TempDir Path dataDir) {
        ServerConfig config = new ServerConfig("127.0.0.1", 0, "redis://:s3cret@[zz]:6379", null, dataDir);

        IOException e = assertThrows(IOException.class, () -> ServerStack.start(config));

        assertTrue(e.getMessage().startsWith("the Redis client cannot use the URL redis://***@[zz]:6379"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertEquals(null, e.getCause(), "the client's own exception quotes the URL");
    }

    /**
     * Settles until the server answers; meanwhile the only refusal allowed is UNAVAILABLE (the
     * call's deadline is longer than the Redis client's timeouts and retries).
     */
    private static SettleResult settleUntilAnswered(CommissionServiceBlockingStub commission,
                                                    SettleCommissionRequest request) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                return commission.withDeadlineAfter(60, TimeUnit.SECONDS).settleCommission(request);
            } catch (StatusRuntimeException e) {
                assertEquals(Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("still UNAVAILABLE after 120 s", e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static ServingStatus awaitHealth(ManagedChannel channel, ServingStatus wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        ServingStatus status = null;
        while (status != wanted && System.nanoTime() < deadline) {
            status = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus();
            if (status != wanted) {
                Thread.sleep(100);
            }
        }
        return status;
    }

    private static CommissionServiceBlockingStub deadline(CommissionServiceBlockingStub commission) {
        return commission.withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static SettleCommissionRequest settle() {
        return settle("o1");
    }

    private static SettleCommissionRequest settle(String orderNo) {
        return SettleCommissionRequest.newBuilder().setCampaignId("c1").setOrderNo(orderNo).setStewardId("s1")
                .addLines(OrderLine.newBuilder().setSkuId("sku1").setQuantity(1).setPaidFen(12_345)).build();
    }

    private static void call(ServerStack stack, Consumer<CommissionServiceBlockingStub> calls) throws InterruptedException {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", stack.port(),
                InsecureChannelCredentials.create()).build();
        try {
            calls.accept(CommissionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
