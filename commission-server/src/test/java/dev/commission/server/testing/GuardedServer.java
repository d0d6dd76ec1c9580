package dev.commission.server.testing;

import dev.commission.core.CommissionEngine;
import dev.commission.server.CallPipeline;
import dev.commission.server.CommissionServer;
import dev.commission.server.metrics.ServerMetrics;
import dev.commission.server.security.AccessInterceptor;
import dev.commission.server.security.ClientSubjects;
import dev.commission.server.security.TokenStore;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.redisson.api.RedissonClient;

/**
 * A {@link CommissionServer} over real Netty on a loopback port, with the call pipeline the
 * stack installs (request ids, metrics, access checks); close after each test.
 */
public final class GuardedServer implements AutoCloseable {
    private final CommissionServer server;
    private final ServerMetrics metrics;

    private GuardedServer(CommissionServer server, ServerMetrics metrics) {
        this.server = server;
        this.metrics = metrics;
    }

    public static GuardedServer start(CommissionEngine engine, RedissonClient redisson, TokenStore tokens,
                                      ClientSubjects subjects, ServerCredentials credentials) throws IOException {
        ServerMetrics metrics = new ServerMetrics();
        NettyServerBuilder builder = CommissionServer.netty(new InetSocketAddress("127.0.0.1", 0),
                credentials == null ? InsecureServerCredentials.create() : credentials);
        boolean authenticated = !tokens.isEmpty() || !subjects.isEmpty();
        CallPipeline.install(builder, metrics, authenticated ? new AccessInterceptor(tokens, subjects) : null);
        CommissionServer server = new CommissionServer(builder, engine, redisson).start();
        metrics.timeScripts(engine);
        metrics.watch(server::watchStats);
        return new GuardedServer(server, metrics);
    }

    public int port() {
        return server.port();
    }

    public CommissionServer server() {
        return server;
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdown();
        metrics.close();
    }
}
