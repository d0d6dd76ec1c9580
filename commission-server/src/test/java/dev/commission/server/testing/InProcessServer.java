package dev.commission.server.testing;

import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.core.CommissionEngine;
import dev.commission.server.CommissionServer;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RedissonClient;

/** A {@link CommissionServer} on an in-process transport and a channel to it; close after each test. */
public final class InProcessServer implements AutoCloseable {
    private final CommissionServer server;
    private final ManagedChannel channel;

    private InProcessServer(CommissionServer server, ManagedChannel channel) {
        this.server = server;
        this.channel = channel;
    }

    public static InProcessServer start(CommissionEngine engine, RedissonClient redisson) {
        return start(engine, redisson, CommissionServer.DEFAULT_HEALTH_PROBE_INTERVAL);
    }

    public static InProcessServer start(CommissionEngine engine, RedissonClient redisson, Duration healthProbeInterval) {
        String name = InProcessServerBuilder.generateName();
        try {
            CommissionServer server = new CommissionServer(InProcessServerBuilder.forName(name).directExecutor(), engine,
                    redisson, healthProbeInterval).start();
            return new InProcessServer(server, InProcessChannelBuilder.forName(name).directExecutor().build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Campaign c1 (10% of the paid amount, FOLLOW) with steward s1 in region r1, group g1: the services' tests' start. */
    public InProcessServer withCampaignC1() {
        commission().createCampaign(dev.commission.api.v1.CreateCampaignRequest.newBuilder().setCampaignId("c1").setName("C1")
                .setRule(dev.commission.api.v1.CommissionRule.newBuilder().setRateBps(1000))
                .setTransferPolicy(dev.commission.api.v1.TransferPolicy.FOLLOW).build());
        commission().registerSteward(dev.commission.api.v1.RegisterStewardRequest.newBuilder().setCampaignId("c1")
                .setStewardId("s1").setName("Ann").setRegionId("r1").setGroupId("g1").build());
        return this;
    }

    public ManagedChannel channel() {
        return channel;
    }

    public CommissionServer server() {
        return server;
    }

    public CommissionServiceGrpc.CommissionServiceBlockingStub commission() {
        return CommissionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    public dev.commission.api.v1.SettlementServiceGrpc.SettlementServiceBlockingStub settlement() {
        return dev.commission.api.v1.SettlementServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    public dev.commission.api.v1.MetricsServiceGrpc.MetricsServiceBlockingStub metrics() {
        return dev.commission.api.v1.MetricsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public RankingServiceGrpc.RankingServiceBlockingStub ranking() {
        return RankingServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        try {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
