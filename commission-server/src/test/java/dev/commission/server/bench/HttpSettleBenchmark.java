package dev.commission.server.bench;

import static dev.commission.server.bench.QueueBenchmark.intArg;
import static dev.commission.server.bench.QueueBenchmark.run;
import static dev.commission.server.bench.SettleBenchmark.grpcSettle;

import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.RegisterStewardRequest;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.ServerConfig;
import dev.commission.server.ServerStack;
import dev.commission.server.bench.QueueBenchmark.Result;
import dev.commission.server.logging.LogFormat;
import dev.commission.server.security.SecurityConfig;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.concurrent.CompletionStage;

/**
 * Settles through the two doors of one instance, side by side: gRPC over Netty on loopback, and
 * {@code POST /commission.v1.CommissionService/SettleCommission} with a JSON body on the HTTP port
 * (the JDK's HTTP client, HTTP/1.1 keep-alive). The whole stack as main starts it, the same
 * interceptors on both; the two are measured in alternating rounds so a change of load on the
 * shared machine falls on both.
 *
 * <pre>mvn -B -q -Pbench -pl commission-server -am verify -DskipTests \
 *   -Dbench.main=dev.commission.server.bench.HttpSettleBenchmark -Dbench.args="--orders 40000 --concurrency 64"</pre>
 */
public final class HttpSettleBenchmark {
    private static final String CAMPAIGN = "bench-http";

    public static void main(String[] args) throws Exception {
        int orders = intArg(args, "--orders", 40_000);
        int concurrency = intArg(args, "--concurrency", 64);
        int stewards = intArg(args, "--stewards", 500);
        int rounds = 5;
        RedisExtension.redisson().getKeys().flushall();
        ServerStack stack = ServerStack.start(new ServerConfig("127.0.0.1", 0, RedisExtension.url(), null,
                Files.createTempDirectory("bench-http"), SecurityConfig.NONE, null, LogFormat.TEXT, 0, 0));
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", stack.port()).usePlaintext().directExecutor()
                .build();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI settle = URI.create("http://127.0.0.1:" + stack.httpPort() + "/commission.v1.CommissionService/SettleCommission");
        CommissionServiceGrpc.CommissionServiceFutureStub stub = CommissionServiceGrpc.newFutureStub(channel);
        try {
            CommissionServiceGrpc.CommissionServiceBlockingStub setup = CommissionServiceGrpc.newBlockingStub(channel);
            setup.createCampaign(CreateCampaignRequest.newBuilder().setCampaignId(CAMPAIGN).setName(CAMPAIGN)
                    .setRule(CommissionRule.newBuilder().setRateBps(500)).build());
            for (int s = 0; s < stewards; s++) {
                setup.registerSteward(RegisterStewardRequest.newBuilder().setCampaignId(CAMPAIGN).setStewardId("s" + s)
                        .setName("Steward " + s).setRegionId("r" + s % 5).setGroupId("g" + s % 50).build());
            }
            run(5_000, concurrency, i -> grpcSettle(stub, CAMPAIGN, "warm-g-" + i, "s" + i % stewards));
            run(5_000, concurrency, i -> httpSettle(http, settle, "warm-h-" + i, "s" + i % stewards));

            Result grpc = Result.EMPTY;
            Result json = Result.EMPTY;
            int perRound = orders / 2 / rounds;
            for (int round = 0; round < rounds; round++) {
                int base = round * perRound;
                grpc = grpc.plus(run(perRound, concurrency, i -> grpcSettle(stub, CAMPAIGN, "g-" + (base + i), "s" + i % stewards)));
                json = json.plus(run(perRound, concurrency, i -> httpSettle(http, settle, "h-" + (base + i),
                        "s" + i % stewards)));
            }

            System.out.printf("HTTP vs gRPC settle benchmark: %,d orders each way, %d in flight, %d stewards, %d alternating"
                    + " rounds, one embedded redis-server 7.0.15, %d cores%n", perRound * rounds, concurrency, stewards,
                    rounds, Runtime.getRuntime().availableProcessors());
            System.out.println(grpc.line("gRPC over Netty loopback     ", "settles"));
            System.out.println(json.line("HTTP/1.1 + JSON, same server ", "settles"));
            System.out.printf("ratio HTTP/JSON / gRPC: %.2f%n", json.rate() / grpc.rate());
            System.out.println("command: mvn -B -q -Pbench -pl commission-server -am verify -DskipTests "
                    + "-Dbench.main=dev.commission.server.bench.HttpSettleBenchmark -Dbench.args=\"--orders " + orders
                    + " --concurrency " + concurrency + " --stewards " + stewards + "\"");
        } finally {
            channel.shutdownNow();
            stack.close();
            System.exit(0);
        }
    }

    private static CompletionStage<?> httpSettle(HttpClient http, URI settle, String orderNo, String steward) {
        String body = "{\"campaignId\":\"" + CAMPAIGN + "\",\"orderNo\":\"" + orderNo + "\",\"stewardId\":\"" + steward
                + "\",\"lines\":[{\"skuId\":\"sku-1\",\"quantity\":1,\"paidFen\":12345}]}";
        return http.sendAsync(HttpRequest.newBuilder(settle).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException(response.statusCode() + " " + response.body());
                    }
                    return response;
                });
    }
}
