package dev.commission.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.GetRankingRequest;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.RankingPage;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.api.v1.RegisterStewardRequest;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.SettleResult;
import dev.commission.core.EngineFixture;
import dev.commission.core.testing.RedisExtension;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The server over real HTTP/2 on a loopback port: both services, health and reflection. */
@ExtendWith(RedisExtension.class)
class NettyTransportTest {
    private CommissionServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = new CommissionServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
                EngineFixture.engine(), RedisExtension.redisson()).start();
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdown();
    }

    @Test
    void commissionServiceSettlesOverTcp() {
        CommissionServiceGrpc.CommissionServiceBlockingStub commission = CommissionServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS);
        commission.createCampaign(CreateCampaignRequest.newBuilder().setCampaignId("c1").setName("n")
                .setRule(CommissionRule.newBuilder().setRateBps(1_000)).build());
        commission.registerSteward(RegisterStewardRequest.newBuilder().setCampaignId("c1").setStewardId("s1")
                .setName("Han Meimei").setRegionId("r1").setGroupId("g1").build());

        SettleResult result = commission.settleCommission(SettleCommissionRequest.newBuilder().setCampaignId("c1")
                .setOrderNo("o1").setStewardId("s1")
                .addLines(OrderLine.newBuilder().setSkuId("sku1").setQuantity(2).setPaidFen(12_345)).build());

        assertEquals(1_234, result.getCommissionFen());
    }

    @Test
    void rankingServiceAnswersOverTcp() {
        EngineFixture.campaign("c1", dev.commission.core.campaign.CommissionRule.fixed(300, 0),
                dev.commission.core.campaign.TransferPolicy.FOLLOW);
        EngineFixture.steward("c1", "s1", "r1", "g1");
        EngineFixture.settle("c1", "o1", "s1", 1_000);

        RankingPage page = RankingServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getRanking(GetRankingRequest.newBuilder().setCampaignId("c1")
                        .setScope(RankingScope.newBuilder().setKind(RankingScope.Kind.REGIONS)).build());

        assertEquals(1, page.getTotalMembers());
        assertEquals("r1", page.getEntries(0).getMemberId());
        assertEquals(300, page.getEntries(0).getScoreFen());
    }

    @Test
    void healthIsServingForTheServerAndEachService() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);

        for (String service : List.of("", "commission.v1.CommissionService", "commission.v1.RankingService")) {
            assertEquals(ServingStatus.SERVING,
                    health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus(), service);
        }
    }

    @Test
    void reflectionListsTheServices() throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        answer.complete(response);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();

        List<String> services = answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                .map(ServiceResponse::getName).toList();

        assertTrue(services.containsAll(List.of("commission.v1.CommissionService", "commission.v1.RankingService",
                "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection")), services.toString());
    }
}
