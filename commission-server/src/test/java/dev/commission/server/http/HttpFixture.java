package dev.commission.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.ServerConfig;
import dev.commission.server.ServerStack;
import dev.commission.server.logging.LogFormat;
import dev.commission.server.security.ClientSubjects;
import dev.commission.server.security.SecurityConfig;
import dev.commission.server.security.TokenStore;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A whole instance with its HTTP port on loopback, tokens {@code t-settle} (settle),
 * {@code t-operate} (operate, read) and {@code t-read} (read), a gRPC channel to it, and campaign
 * {@code c1} (5% of the paid amount) with steward {@code s1} in region {@code east}, group {@code g1},
 * created over HTTP.
 */
final class HttpFixture implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    final ServerStack stack;
    final ManagedChannel grpc;

    private HttpFixture(ServerStack stack, ManagedChannel grpc) {
        this.stack = stack;
        this.grpc = grpc;
    }

    static HttpFixture start(Path dir) throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "orders " + TokenStore.hash("t-settle") + " settle\n"
                + "ops " + TokenStore.hash("t-operate") + " operate,read\n" + "board " + TokenStore.hash("t-read") + " read\n");
        SecurityConfig security = new SecurityConfig(tokens, TokenStore.read(tokens), null, null, null, ClientSubjects.none());
        ServerStack stack = ServerStack.start(new ServerConfig("127.0.0.1", 0, RedisExtension.url(), null, dir, security,
                null, LogFormat.TEXT, 0, 0));
        HttpFixture fixture = new HttpFixture(stack, Grpc.newChannelBuilderForAddress("127.0.0.1", stack.port(),
                InsecureChannelCredentials.create()).build());
        assertEquals(200, fixture.post("/commission.v1.CommissionService/CreateCampaign", "t-operate",
                "{\"campaignId\": \"c1\", \"name\": \"Spring\", \"rule\": {\"rateBps\": 500}}").statusCode());
        fixture.register("s1", "Wang Fang", "east", "g1");
        return fixture;
    }

    void register(String steward, String name, String region, String group) throws Exception {
        HttpResponse<String> response = post("/commission.v1.CommissionService/RegisterSteward", "t-operate",
                "{\"campaign_id\": \"c1\", \"steward_id\": \"" + steward + "\", \"name\": \"" + name + "\", \"region_id\": \""
                        + region + "\", \"group_id\": \"" + group + "\"}");
        assertEquals(200, response.statusCode(), response.body());
    }

    /** Settles over gRPC, as the order-splitter does. */
    void settleOverGrpc(String orderNo, String steward, long paidFen) {
        commission("t-settle").settleCommission(SettleCommissionRequest.newBuilder().setCampaignId("c1").setOrderNo(orderNo)
                .setStewardId(steward).addLines(OrderLine.newBuilder().setSkuId("sofa").setQuantity(1).setPaidFen(paidFen))
                .build());
    }

    HttpResponse<String> post(String path, String token, String json) throws Exception {
        return send(request(path, token, json).build());
    }

    HttpRequest.Builder request(String path, String token, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + stack.httpPort() + path);
    }

    static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    CommissionServiceGrpc.CommissionServiceBlockingStub commission(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return CommissionServiceGrpc.newBlockingStub(ClientInterceptors.intercept(grpc,
                MetadataUtils.newAttachHeadersInterceptor(headers)));
    }

    @Override
    public void close() {
        grpc.shutdownNow();
        stack.close();
    }
}
