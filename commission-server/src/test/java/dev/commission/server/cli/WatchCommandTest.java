package dev.commission.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.core.EngineFixture;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.CommissionServer;
import dev.commission.server.testing.InProcessServer;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code watch}: a table redrawn in place on every snapshot, with the movement since it started. */
@ExtendWith(RedisExtension.class)
class WatchCommandTest {
    private InProcessServer server;

    @BeforeEach
    void start() {
        server = InProcessServer.start(EngineFixture.engine(), RedisExtension.redisson());
        cli("create-campaign", "c1", "Spring sale", "rate=1000");
        cli("register", "c1", "s1", "Wang Fang", "east", "g1");
        cli("register", "c1", "s2", "Li Lei", "east", "g2");
        cli("register", "c1", "s3", "Zhao Min", "west", "g3");
        cli("settle", "c1", "o1", "s1", "sofa:1:20000");
        cli("settle", "c1", "o2", "s2", "lamp:1:10000");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void cli(String... args) {
        Cli.Run run = Cli.run(server.channel(), args);
        assertEquals(0, run.exit(), run.toString());
    }

    @Test
    void theTableIsRedrawnInPlaceWithTheMovementSinceTheStart() throws Exception {
        java.io.StringWriter screen = new java.io.StringWriter();
        CompletableFuture<Integer> watch = CompletableFuture.supplyAsync(() -> dev.commission.client.cli.CommissionCli.run(
                server.channel(), new java.io.PrintWriter(screen, true), new java.io.PrintWriter(new java.io.StringWriter()),
                "watch", "c1", "stewards", "2", "--snapshots", "3"), daemonThread());
        awaitTrue(() -> screen.toString().contains("Li Lei"), "the first frame", screen);

        cli("settle", "c1", "o3", "s2", "bed:1:30000");                     // s2 4000 fen passes s1 2000
        awaitTrue(() -> screen.toString().contains("▲1"), "s2 shown moving up", screen);
        cli("settle", "c1", "o4", "s3", "desk:1:90000");                    // s3 9000 fen enters at the top

        assertEquals(0, watch.get(30, TimeUnit.SECONDS));
        String all = screen.toString();
        // Each frame after the first backs up over the one before (title, header, 2 rows) and overwrites it.
        assertEquals(2, all.split(java.util.regex.Pattern.quote("\r\033[4A"), -1).length - 1, all);
        String last = all.substring(all.lastIndexOf("\r\033[4A")).replaceAll("\033\\[[0-9;]*[A-Za-z]", "");
        assertTrue(last.matches("(?s).*1  new   s3\\s+Zhao Min\\s+90\\.00.*"), last);
        assertTrue(last.matches("(?s).*2        s2\\s+Li Lei\\s+40\\.00\\s+50\\.00.*"), "s2 back at its first rank: " + last);
        assertTrue(last.contains("of 3 ·") && last.contains("live"), last);
        assertTrue(!last.contains("Wang Fang"), "s1 fell out of the top 2");
    }

    @Test
    void aBrokenStreamIsShownAndTheWatchReconnectsByItself() throws Exception {
        String name = InProcessServerBuilder.generateName();
        CommissionServer first = instance(name);
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        java.io.StringWriter screen = new java.io.StringWriter();
        CompletableFuture<Integer> watch = CompletableFuture.supplyAsync(() -> dev.commission.client.cli.CommissionCli.run(
                channel, new java.io.PrintWriter(screen, true), new java.io.PrintWriter(new java.io.StringWriter()),
                "watch", "c1", "STEWARDS", "--snapshots", "2"), daemonThread());
        awaitTrue(() -> screen.toString().contains("Li Lei"), "the first frame", screen);

        first.shutdown();
        awaitTrue(() -> screen.toString().contains("reconnecting in"), "the table to say the stream broke", screen);
        CommissionServer second = instance(name);
        try {
            assertEquals(0, watch.get(30, TimeUnit.SECONDS), "a snapshot from the new stream ends the watch");
        } finally {
            channel.shutdownNow();
            second.shutdown();
        }
        String last = screen.toString().substring(screen.toString().lastIndexOf("\r\033["));
        assertTrue(last.contains("live") && last.contains("Wang Fang") && !last.contains("reconnecting"), last);
    }

    private static CommissionServer instance(String name) throws java.io.IOException {
        return new CommissionServer(InProcessServerBuilder.forName(name).directExecutor(), EngineFixture.engine(),
                RedisExtension.redisson()).start();
    }

    private static java.util.concurrent.Executor daemonThread() {
        return task -> {
            Thread thread = new Thread(task, "cli-watch");
            thread.setDaemon(true);
            thread.start();
        };
    }

    static void awaitTrue(BooleanSupplier condition, String what, Object shown) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited 30 s for " + what + "; saw:\n" + shown);
            Thread.sleep(20);
        }
    }
}
