package dev.commission.server.watch;

import dev.commission.core.CommissionEngine;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.ranking.RankingGrpcService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * One server instance as production runs it: its own Redisson client, engine and hub, and a
 * Netty server on a loopback port. Several share the test redis-server.
 */
final class WatchInstance implements AutoCloseable {
    final RedissonClient redisson;
    final CommissionEngine engine;
    final RankingWatchHub hub;
    final Server server;

    WatchInstance() {
        Config config = new Config();
        config.useSingleServer().setAddress(RedisExtension.url());
        redisson = Redisson.create(config);
        engine = new CommissionEngine(redisson);
        // No periodic refresh in tests: changes must travel through the events channel.
        hub = new RankingWatchHub(redisson, ScopeReader.of(engine), Duration.ofMillis(25), Duration.ofHours(1));
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(new RankingGrpcService(engine, hub)).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ManagedChannel channel() {
        return channel(UnaryOperator.identity());
    }

    ManagedChannel channel(UnaryOperator<NettyChannelBuilder> tuning) {
        return tuning.apply(NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()).build();
    }

    @Override
    public void close() {
        server.shutdownNow();
        hub.close();
        redisson.shutdown();
    }
}
