package dev.commission.server;

import static dev.commission.server.testing.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status.Code;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole instance as main starts it: embedded Redis, client, engine, Netty. */
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

    private static SettleCommissionRequest settle() {
        return SettleCommissionRequest.newBuilder().setCampaignId("c1").setOrderNo("o1").setStewardId("s1")
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
