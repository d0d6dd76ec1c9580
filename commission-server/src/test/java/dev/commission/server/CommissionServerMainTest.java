package dev.commission.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.CreateCampaignRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisExecProvider;

/** {@code main} in its own JVM, as an operator runs it. */
class CommissionServerMainTest {

    @Test
    void aBadFlagPrintsOneLineAndUsageAndExitsWith2(@TempDir Path dir) throws Exception {
        Process process = main(dir, "--prot", "9090");

        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String stderr = Files.readString(dir.resolve("stderr"));
        assertEquals(2, process.exitValue(), stderr);
        assertTrue(stderr.startsWith("commission-server: unknown option --prot\nusage: "), stderr);
        assertFalse(stderr.contains("Exception") || stderr.contains("\tat "), stderr);
    }

    @Test
    void anUnreachableRedisIsOneLogLineAndExit1(@TempDir Path dir) throws Exception {
        Process process = main(dir, "--port", "0", "--redis-url", "redis://127.0.0.1:" + freePort());

        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String output = Files.readString(dir.resolve("stdout")) + Files.readString(dir.resolve("stderr"));
        assertEquals(1, process.exitValue(), output);
        assertTrue(output.contains("commission-server did not start: "), output);
        assertFalse(output.contains("\tat "), output);
    }

    @Test
    void startsOnEmbeddedRedisAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        int port = freePort();
        Path data = dir.resolve("data");
        Process process = main(dir, "--port", Integer.toString(port), "--data-dir", data.toString());
        try {
            awaitListening(port, process);
            awaitOutput(dir, "commission-server listening on", process);
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port,
                    InsecureChannelCredentials.create()).build();
            try {
                CommissionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .createCampaign(CreateCampaignRequest.newBuilder().setCampaignId("c1").setName("n")
                                .setRule(CommissionRule.newBuilder().setFixedFen(100)).build());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            long redisPid = Long.parseLong(Files.readString(data.resolve("redis.pid")).trim());

            process.destroy(); // SIGTERM

            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            String stdout = Files.readString(dir.resolve("stdout"));
            String stderr = Files.readString(dir.resolve("stderr"));
            assertTrue(stdout.contains("No Redis configured: started embedded redis-server 7.0.15 on 127.0.0.1:"), stdout);
            assertTrue(stdout.contains("append-only persistence in " + data.toAbsolutePath()), stdout);
            assertTrue(stdout.contains("commission-server listening on 127.0.0.1:" + port), stdout);
            assertTrue(stdout.contains("commission-server stopped"), stdout);
            assertTrue(stderr.contains("commission-server: stopped"), stderr);
            assertFalse(ProcessHandle.of(redisPid).map(ProcessHandle::isAlive).orElse(false), "redis-server stopped");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void aRedisPasswordNeverReachesTheOutput(@TempDir Path dir) throws Exception {
        record Run(String url, int exitCode, String shown) {
        }
        List<Run> runs = List.of(
                new Run("redis://:s3cret@[::1:6379", 2, "'redis://***@[::1:6379' (no host)"),
                new Run("redis://:s3cret@[zz]:6379", 1, "the Redis client cannot use the URL redis://***@[zz]:6379"),
                new Run("redis://:s3cret@127.0.0.1:" + freePort(), 1, "Unable to connect to Redis server"));
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            Path runDir = Files.createDirectories(dir.resolve("run" + i));
            Process process = main(runDir, Map.of("COMMISSION_REDIS_URL", run.url()), "--port", "0");

            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            String output = Files.readString(runDir.resolve("stdout")) + Files.readString(runDir.resolve("stderr"));
            assertEquals(run.exitCode(), process.exitValue(), output);
            assertTrue(output.contains(run.shown()), output);
            assertFalse(output.contains("s3cret"), output);
        }
    }

    @Test
    void theListeningLineNamesRedisWithoutItsPassword(@TempDir Path dir) throws Exception {
        int redisPort = freePort();
        Process redis = new ProcessBuilder(List.of(RedisExecProvider.defaultProvider().get().getAbsolutePath(),
                "--port", Integer.toString(redisPort), "--bind", "127.0.0.1", "--requirepass", "s3cret", "--save", "",
                "--dir", Files.createDirectories(dir.resolve("redis")).toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        int port = freePort();
        try {
            Process process = main(dir, "--port", Integer.toString(port), "--redis-url",
                    "redis://:s3cret@127.0.0.1:" + redisPort);
            try {
                awaitListening(port, process);
                // The port opens before the line is logged: stopped in between, the server never logs it.
                awaitOutput(dir, "commission-server listening on", process);
                process.destroy(); // SIGTERM
                assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            } finally {
                process.destroyForcibly();
            }
            String output = Files.readString(dir.resolve("stdout")) + Files.readString(dir.resolve("stderr"));
            assertTrue(output.contains("commission-server listening on 127.0.0.1:" + port + " (plaintext; Redis: redis://***@127.0.0.1:"
                    + redisPort + ")"), output);
            assertFalse(output.contains("s3cret"), output);
        } finally {
            redis.destroyForcibly();
        }
    }

    private static Process main(Path dir, String... args) throws IOException {
        return main(dir, Map.of(), args);
    }

    /** Runs main on the test class path with the production logging config; output goes to dir/stdout and dir/stderr. */
    private static Process main(Path dir, Map<String, String> environment, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String logback = Path.of(CommissionServerMain.class.getResource("/logback.xml").getPath()).toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-Dlogback.configurationFile=" + logback,
                "-cp", System.getProperty("java.class.path"), CommissionServerMain.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("COMMISSION_"));
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static void awaitListening(int port, Process process) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("server did not listen on " + port);
    }

    /** Waits until the process's stdout or stderr holds {@code text}. */
    private static void awaitOutput(Path dir, String text, Process process) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            if ((Files.readString(dir.resolve("stdout")) + Files.readString(dir.resolve("stderr"))).contains(text)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server did not print \"" + text + "\"");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
