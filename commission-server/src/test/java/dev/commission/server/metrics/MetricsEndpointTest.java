package dev.commission.server.metrics;

import static dev.commission.server.testing.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.CommissionServiceGrpc.CommissionServiceBlockingStub;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.api.v1.RankingSnapshot;
import dev.commission.api.v1.RegisterStewardRequest;
import dev.commission.api.v1.ReverseCommissionRequest;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.WatchRankingRequest;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.ServerConfig;
import dev.commission.server.ServerStack;
import dev.commission.server.logging.LogFormat;
import dev.commission.server.security.ClientSubjects;
import dev.commission.server.security.SecurityConfig;
import dev.commission.server.security.TokenStore;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The whole stack with a metrics port: a scripted scenario, then {@code GET /metrics} as Prometheus scrapes it. */
@ExtendWith(RedisExtension.class)
class MetricsEndpointTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aScrapeAfterAScenarioShowsWhatHappened(@TempDir Path dir) throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "orders " + TokenStore.hash("t-settle") + " settle\n"
                + "ops " + TokenStore.hash("t-operate") + " operate\n" + "prometheus " + TokenStore.hash("t-read") + " read\n");
        SecurityConfig security = new SecurityConfig(tokens, TokenStore.read(tokens), null, null, null, ClientSubjects.none());
        ServerConfig config = new ServerConfig("127.0.0.1", 0, RedisExtension.url(), null, dir, security, 0, LogFormat.TEXT,
                0); // no queue workers: a submitted settlement stays queued
        try (ServerStack stack = ServerStack.start(config)) {
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", stack.port(),
                    InsecureChannelCredentials.create()).build();
            Context.CancellableContext watching = Context.current().withCancellation();
            try {
                stub(channel, "t-operate").createCampaign(CreateCampaignRequest.newBuilder().setCampaignId("c1").setName("n")
                        .setRule(CommissionRule.newBuilder().setRateBps(1_000)).build());
                stub(channel, "t-operate").registerSteward(RegisterStewardRequest.newBuilder().setCampaignId("c1").setStewardId("s1")
                        .setName("Wang Fang").setRegionId("r1").setGroupId("g1").build());
                stub(channel, "t-settle").settleCommission(settle("o1", 10_000));                  // 1000 fen
                stub(channel, "t-settle").settleCommission(settle("o2", 5_000));                   // 500 fen
                stub(channel, "t-settle").settleCommission(settle("o1", 10_000));                  // replay: DUPLICATE
                refused(Status.Code.ALREADY_EXISTS, () -> stub(channel, "t-settle").settleCommission(settle("o1", 9_000)));
                stub(channel, "t-settle").reverseCommission(ReverseCommissionRequest.newBuilder().setCampaignId("c1").setOrderNo("o1")
                        .setRefundId("r1").setRefundFen(3_000).build());        // 1000 -> 700: 300 back
                refused(Status.Code.PERMISSION_DENIED, () -> stub(channel, "t-read").settleCommission(settle("o3", 1)));
                dev.commission.api.v1.SettlementServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, token("t-settle")))
                        .withDeadlineAfter(10, TimeUnit.SECONDS).submitSettlement(settle("q1", 2_000)); // queued, not settled
                CountDownLatch firstSnapshot = new CountDownLatch(1);
                watching.run(() -> RankingServiceGrpc.newStub(ClientInterceptors.intercept(channel, token("t-read")))
                        .watchRanking(WatchRankingRequest.newBuilder().setCampaignId("c1").setScope(
                                RankingScope.newBuilder().setKind(RankingScope.Kind.STEWARDS)).setTopN(3).build(),
                                new StreamObserver<RankingSnapshot>() {
                                    @Override
                                    public void onNext(RankingSnapshot snapshot) {
                                        firstSnapshot.countDown();
                                    }

                                    @Override
                                    public void onError(Throwable t) {
                                    }

                                    @Override
                                    public void onCompleted() {
                                    }
                                }));
                assertTrue(firstSnapshot.await(10, TimeUnit.SECONDS), "the watch stream got its first snapshot");

                System.gc(); // meters hold what they read weakly: it must still be there
                Map<String, Double> metrics = parse(scrape(stack, "t-read").body());

                assertEquals(2.0, metrics.get("commission_settles_total{outcome=\"APPLIED\",reason=\"\"}"));
                assertEquals(1.0, metrics.get("commission_settles_total{outcome=\"DUPLICATE\",reason=\"\"}"));
                assertEquals(1.0, metrics.get("commission_settles_total{outcome=\"REFUSED\",reason=\"ORDER_CONFLICT\"}"));
                assertEquals(1.0, metrics.get("commission_reversals_total{outcome=\"APPLIED\",reason=\"\"}"));
                assertEquals(1_500.0, metrics.get("commission_settled_fen_total"));
                assertEquals(1.0, metrics.get("queue_depth"));
                assertEquals(0.0, metrics.get("queue_in_flight"));
                assertEquals(0.0, metrics.get("queue_dead_letters"));
                assertEquals(0.0, metrics.get("queue_deliveries_retried_total"));
                assertEquals(300.0, metrics.get("commission_reversed_fen_total"));
                String settle = "method=\"commission.v1.CommissionService/SettleCommission\"";
                assertEquals(3.0, metrics.get("grpc_server_calls_seconds_count{code=\"OK\"," + settle + "}"));
                assertEquals(1.0, metrics.get("grpc_server_calls_seconds_count{code=\"ALREADY_EXISTS\"," + settle + "}"));
                assertEquals(1.0, metrics.get("grpc_server_calls_seconds_count{code=\"PERMISSION_DENIED\"," + settle + "}"));
                assertEquals(4.0, metrics.get("grpc_server_calls_seconds_bucket{code=\"OK\"," + settle + ",le=\"+Inf\"}")
                        + metrics.get("grpc_server_calls_seconds_bucket{code=\"ALREADY_EXISTS\"," + settle + ",le=\"+Inf\"}"));
                assertEquals(3.0, metrics.get("redis_script_seconds_count{outcome=\"ok\",script=\"settle\"}"),
                        "two applied, one replay");
                assertEquals(1.0, metrics.get("redis_script_seconds_count{outcome=\"refused\",script=\"settle\"}"),
                        "the conflicting payload, refused by the script");
                assertEquals(1.0, metrics.get("watch_streams_open"));
                assertTrue(metrics.get("watch_snapshots_sent_total") >= 1.0);
                assertNotNull(metrics.get("jvm_threads_live_threads"));
                assertTrue(metrics.keySet().stream().noneMatch(k -> k.contains("\"s1\"") || k.contains("\"o1\"") || k.contains("\"c1\"")),
                        "no steward or order is a label");
            } finally {
                watching.cancel(null);
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aScrapeNeedsATokenWithTheReadRole(@TempDir Path dir) throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "orders " + TokenStore.hash("t-settle") + " settle\n"
                + "prometheus " + TokenStore.hash("t-read") + " read\n");
        SecurityConfig security = new SecurityConfig(tokens, TokenStore.read(tokens), null, null, null, ClientSubjects.none());
        ServerConfig config = new ServerConfig("127.0.0.1", 0, RedisExtension.url(), null, dir, security, 0, LogFormat.TEXT);
        try (ServerStack stack = ServerStack.start(config)) {
            assertEquals(401, scrape(stack, null).statusCode());
            assertEquals(401, scrape(stack, "guess").statusCode());
            assertEquals(403, scrape(stack, "t-settle").statusCode());
            HttpResponse<String> ok = scrape(stack, "t-read");
            assertEquals(200, ok.statusCode());
            assertTrue(ok.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        }
    }

    private static SettleCommissionRequest settle(String order, long paidFen) {
        return SettleCommissionRequest.newBuilder().setCampaignId("c1").setOrderNo(order).setStewardId("s1")
                .addLines(OrderLine.newBuilder().setSkuId("sku").setQuantity(1).setPaidFen(paidFen)).build();
    }

    /** A stub whose deadline starts now: one per call, so a slow machine does not eat a later call's time. */
    private static CommissionServiceBlockingStub stub(ManagedChannel channel, String token) {
        return CommissionServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, token(token)))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static io.grpc.ClientInterceptor token(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    private static HttpResponse<String> scrape(ServerStack stack, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.metricsPort() + "/metrics"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sample lines of the text format by series ({@code name{labels}}), comments skipped. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }
}
