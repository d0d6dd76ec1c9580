package dev.commission.server.bench;

import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.RegisterStewardRequest;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.core.CommissionEngine;
import dev.commission.core.operation.OperationStrategy;
import dev.commission.core.operation.ScriptRunner;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.CommissionServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.redisson.api.RedissonClient;
import dev.commission.server.redis.RedisConnections;

/**
 * Settles N orders with C callers in flight, twice: end to end through the gRPC API over Netty on
 * loopback, and the same settle script straight through EVALSHA on the same Redis, both with the
 * server's own Redis client configuration. Prints the rates, latencies and their ratio.
 *
 * <pre>mvn -B -q -Pbench -pl commission-server -am verify -DskipTests -Dbench.args="--orders 100000 --concurrency 64"</pre>
 */
public final class SettleBenchmark {

    public static void main(String[] args) throws Exception {
        int orders = QueueBenchmark.intArg(args, "--orders", 100_000);
        int concurrency = QueueBenchmark.intArg(args, "--concurrency", 64);
        int stewards = QueueBenchmark.intArg(args, "--stewards", 500);
        RedisExtension.redisson().getKeys().flushall();
        RedissonClient redisson = RedisConnections.forUrl(RedisExtension.url());
        CommissionEngine engine = new CommissionEngine(redisson);
        CommissionServer server = new CommissionServer(
                CommissionServer.netty(new InetSocketAddress("127.0.0.1", 0)), engine, redisson).start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().directExecutor().build();
        CommissionServiceGrpc.CommissionServiceFutureStub stub = CommissionServiceGrpc.newFutureStub(channel);
        try {
            CommissionServiceGrpc.CommissionServiceBlockingStub setup = CommissionServiceGrpc.newBlockingStub(channel);
            for (String campaign : List.of("bench-grpc", "bench-raw")) {
                setup.createCampaign(CreateCampaignRequest.newBuilder().setCampaignId(campaign).setName(campaign)
                        .setRule(CommissionRule.newBuilder().setRateBps(500)).build());
                for (int s = 0; s < stewards; s++) {
                    setup.registerSteward(RegisterStewardRequest.newBuilder().setCampaignId(campaign)
                            .setStewardId("s" + s).setName("Steward " + s).setRegionId("r" + s % 5)
                            .setGroupId("g" + s % 50).build());
                }
            }
            // Warm both paths (JIT, connections) on orders outside the measured range.
            QueueBenchmark.run(5_000, concurrency, i -> grpcSettle(stub, "bench-grpc", "warm-" + i, "s" + i % stewards));
            QueueBenchmark.run(5_000, concurrency, i -> rawSettle(engine, "bench-raw", "warm-" + i, "s" + i % stewards));

            QueueBenchmark.Result grpc = QueueBenchmark.run(orders, concurrency, i -> grpcSettle(stub, "bench-grpc", "o-" + i, "s" + i % stewards));
            QueueBenchmark.Result raw = QueueBenchmark.run(orders, concurrency, i -> rawSettle(engine, "bench-raw", "o-" + i, "s" + i % stewards));

            System.out.printf("settle benchmark: %,d orders, %d in flight, %d stewards, one embedded redis-server 7.0.15, 2 cores%n",
                    orders, concurrency, stewards);
            System.out.println(grpc.line("end to end (gRPC over Netty loopback)", "settles"));
            System.out.println(raw.line("raw EVALSHA settle.lua (Redisson)  ", "settles"));
            System.out.printf("ratio end-to-end / raw: %.2f%n", grpc.rate() / raw.rate());
            System.out.println("command: mvn -B -q -Pbench -pl commission-server -am verify -DskipTests "
                    + "-Dbench.args=\"--orders " + orders + " --concurrency " + concurrency + "\"");
        } finally {
            channel.shutdownNow();
            server.shutdown();
            System.exit(0);
        }
    }

    static CompletionStage<?> grpcSettle(CommissionServiceGrpc.CommissionServiceFutureStub stub, String campaign,
                                                 String orderNo, String steward) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        com.google.common.util.concurrent.ListenableFuture<?> call = stub.settleCommission(SettleCommissionRequest.newBuilder()
                .setCampaignId(campaign).setOrderNo(orderNo).setStewardId(steward)
                .addLines(OrderLine.newBuilder().setSkuId("sku-1").setQuantity(1).setPaidFen(12_345)).build());
        call.addListener(() -> {
            try {
                done.complete(call.get());
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        }, Runnable::run);
        return done;
    }

    /** The settle strategy's own KEYS/ARGV, evaluated by SHA: what the server does minus gRPC. */
    private static CompletionStage<?> rawSettle(CommissionEngine engine, String campaign, String orderNo, String steward) {
        @SuppressWarnings("unchecked")
        OperationStrategy<SettleCommission, ?> settle = (OperationStrategy<SettleCommission, ?>) engine.registry().get("settle");
        ScriptRunner runner = engine.registry().runner();
        SettleCommission request = new SettleCommission(campaign, orderNo, steward,
                List.of(new dev.commission.core.order.OrderLine("sku-1", 1, 12_345)));
        return runner.run(settle.name(), settle.keys(request), settle.args(request));
    }
}
