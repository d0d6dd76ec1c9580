package dev.commission.server;

import static dev.commission.server.testing.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.GetCampaignRequest;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.core.CommissionEngine;
import dev.commission.server.redis.EmbeddedRedis;
import dev.commission.server.redis.RedisConnections;
import dev.commission.server.testing.InProcessServer;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/** With its own redis-server, stopped half way: callers get UNAVAILABLE and health says NOT_SERVING. */
class RedisOutageTest {

    @Test
    void callsAreUnavailableAndHealthIsNotServingWhileRedisIsDown(@TempDir Path dataDir) throws Exception {
        EmbeddedRedis redis = EmbeddedRedis.start(dataDir);
        Config config = new Config();
        config.useSingleServer().setAddress(redis.url()).setTimeout(300).setConnectTimeout(300).setRetryAttempts(1)
                .setConnectionMinimumIdleSize(1).setConnectionPoolSize(2)
                .setSubscriptionConnectionMinimumIdleSize(0);
        RedissonClient redisson = RedisConnections.open(config);
        InProcessServer server = InProcessServer.start(new CommissionEngine(redisson), redisson, Duration.ofMillis(100));
        try {
            server.commission().createCampaign(CreateCampaignRequest.newBuilder().setCampaignId("c1").setName("n")
                    .setRule(CommissionRule.newBuilder().setFixedFen(100)).build());
            assertEquals(ServingStatus.SERVING, health(server));

            redis.close();

            StatusRuntimeException read = refused(Code.UNAVAILABLE, "REDIS_UNAVAILABLE", () -> server.commission()
                    .getCampaign(GetCampaignRequest.newBuilder().setCampaignId("c1").build()));
            refused(Code.UNAVAILABLE, "REDIS_UNAVAILABLE", () -> server.commission().settleCommission(
                    SettleCommissionRequest.newBuilder().setCampaignId("c1").setOrderNo("o1").setStewardId("s1")
                            .addLines(OrderLine.newBuilder().setSkuId("k").setQuantity(1).setPaidFen(10)).build()));
            assertFalse(read.getStatus().getDescription().contains(Integer.toString(redis.port())));
            assertEquals(ServingStatus.NOT_SERVING, awaitHealth(server, ServingStatus.NOT_SERVING));
        } finally {
            server.close();
            redisson.shutdown();
            redis.close();
        }
    }

    private static ServingStatus awaitHealth(InProcessServer server, ServingStatus wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        ServingStatus status = health(server);
        while (status != wanted && System.nanoTime() < deadline) {
            Thread.sleep(50);
            status = health(server);
        }
        return status;
    }

    private static ServingStatus health(InProcessServer server) {
        return HealthGrpc.newBlockingStub(server.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus();
    }
}
