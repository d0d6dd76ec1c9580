package dev.commission.server.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.commission.server.testing.AppendOnlyFile;
import dev.commission.server.testing.EmbeddedRedisProcess;
import dev.commission.server.testing.LogCapture;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import redis.embedded.RedisExecProvider;

class EmbeddedRedisTest {

    @Test
    void keepsItsDataAcrossARestart(@TempDir Path dataDir) throws Exception {
        try (EmbeddedRedis redis = EmbeddedRedis.start(dataDir)) {
            assertTrue(redis.url().startsWith("redis://127.0.0.1:"), redis.url());
            write(redis, "kept", "yes");
        }
        try (EmbeddedRedis redis = EmbeddedRedis.start(dataDir)) {
            assertEquals("yes", read(redis, "kept"));
        }
    }

    @Test
    void closeStopsTheProcessAndDoesNotRestartIt(@TempDir Path dataDir) throws Exception {
        try (LogCapture log = LogCapture.of(EmbeddedRedis.class, Level.INFO)) {
            EmbeddedRedis redis = EmbeddedRedis.start(dataDir);

            redis.close();

            assertFalse(redis.isRunning());
            assertFalse(Files.exists(dataDir.resolve("redis.pid")), "redis-server removes its pid file on a clean exit");
            assertEquals(List.of(), log.events(Level.ERROR, ""));
            assertEquals(List.of(), log.events(Level.WARN, "restarting"));
        }
    }

    @Test
    void aKilledRedisIsLoggedAndRestartedOnTheSamePortWithItsData(@TempDir Path dataDir) throws Exception {
        try (LogCapture log = LogCapture.of(EmbeddedRedis.class, Level.INFO);
             EmbeddedRedis redis = EmbeddedRedis.start(dataDir)) {
            RedissonClient client = RedisConnections.forUrl(redis.url());
            try {
                client.<String>getBucket("kept", StringCodec.INSTANCE).set("yes");
                AppendOnlyFile.persist(client);

                long pid = EmbeddedRedisProcess.kill(dataDir);

                long restarted = EmbeddedRedisProcess.awaitRestart(dataDir, pid);
                assertEquals("yes", awaitRead(client, "kept"), "the same client, so the same port, and the data kept");
                assertTrue(redis.isRunning());
                ILoggingEvent error = log.events(Level.ERROR, "exited unexpectedly").get(0);
                String message = error.getFormattedMessage();
                assertTrue(message.contains("pid " + pid), message);
                assertTrue(message.contains("killed by SIGKILL (signal 9, exit code 137)"), message);
                assertTrue(message.contains(dataDir.toAbsolutePath().toString()), message);
                assertEquals(1, log.events(Level.INFO, "restarted on 127.0.0.1:" + redis.port() + " (pid " + restarted + ")")
                        .size(), log.events().toString());
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void whileItsPortIsTakenItSaysSoAndKeepsTrying(@TempDir Path dataDir) throws Exception {
        try (LogCapture log = LogCapture.of(EmbeddedRedis.class, Level.INFO);
             EmbeddedRedis redis = EmbeddedRedis.start(dataDir)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);

            try (ServerSocket taken = EmbeddedRedisProcess.killAndTakePort(dataDir, redis.port())) {
                awaitLog(log, Level.WARN, "port " + redis.port() + " on 127.0.0.1 is taken by another process", deadline);
                assertFalse(redis.isRunning());
            }

            long restarted = EmbeddedRedisProcess.awaitRestart(dataDir, -1);
            assertTrue(ProcessHandle.of(restarted).map(ProcessHandle::isAlive).orElse(false));
            awaitLog(log, Level.INFO, "restarted on 127.0.0.1:" + redis.port(), deadline);
            assertTrue(redis.isRunning());
        }
    }

    @Test
    void anExitBySignalIsNamed() {
        assertEquals("killed by SIGKILL (signal 9, exit code 137)", EmbeddedRedis.exitDescription(137));
        assertEquals("killed by signal 7 (exit code 135)", EmbeddedRedis.exitDescription(135));
        assertEquals("exit code 1", EmbeddedRedis.exitDescription(1));
    }

    @Test
    void aRedisLeftOverFromACrashedRunIsStoppedFirst(@TempDir Path dataDir) throws Exception {
        // What a JVM killed with SIGKILL leaves behind: its redis-server, still writing to the folder.
        File binary = RedisExecProvider.defaultProvider().get();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process orphan = new ProcessBuilder(List.of(binary.getAbsolutePath(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--appendonly", "yes", "--dir", dataDir.toString(),
                "--pidfile", dataDir.resolve("redis.pid").toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        try {
            awaitPidFile(dataDir.resolve("redis.pid"), orphan.pid());

            try (EmbeddedRedis redis = EmbeddedRedis.start(dataDir)) {
                assertTrue(orphan.waitFor(30, TimeUnit.SECONDS), "the leftover redis-server was stopped");
                assertTrue(redis.isRunning());
            }
        } finally {
            orphan.destroyForcibly();
        }
    }

    @Test
    void onlyRedisLinesThatReadLikeTroubleAreWarnings() {
        assertTrue(EmbeddedRedis.isTrouble("7:M 25 Nov 2026 15:21:51.139 # WARNING Memory overcommit must be enabled!"));
        assertTrue(EmbeddedRedis.isTrouble("7:M 25 Nov 2026 15:21:51.139 # Error writing to the AOF file: No space left on device"));
        assertTrue(EmbeddedRedis.isTrouble("7:M 25 Nov 2026 15:21:51.139 # Background AOF rewrite terminated with error"));
        assertFalse(EmbeddedRedis.isTrouble("7:C 25 Nov 2026 15:21:51.138 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo"));
        assertFalse(EmbeddedRedis.isTrouble("7:M 25 Nov 2026 15:22:24.001 # Redis is now ready to exit, bye bye..."));
        assertFalse(EmbeddedRedis.isTrouble("7:M 25 Nov 2026 15:21:51.140 * Ready to accept connections tcp"));
    }

    private static String awaitRead(RedissonClient client, String key) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                return client.<String>getBucket(key, StringCodec.INSTANCE).get();
            } catch (RuntimeException e) {
                last = e; // reconnecting
            }
            Thread.sleep(50);
        }
        throw new AssertionError("Redis did not answer again", last);
    }

    private static void awaitLog(LogCapture log, Level level, String text, long deadline) throws InterruptedException {
        while (log.events(level, text).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + level + " line with '" + text + "' in " + log.events());
            }
            Thread.sleep(20);
        }
    }

    /** redis-server creates its pid file, then writes the pid: wait for the pid itself. */
    private static void awaitPidFile(Path pidFile, long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(pidFile) && Files.readString(pidFile).trim().equals(Long.toString(pid))) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("redis-server wrote no pid file " + pidFile);
    }

    private static void write(EmbeddedRedis redis, String key, String value) {
        RedissonClient client = RedisConnections.forUrl(redis.url());
        try {
            client.<String>getBucket(key, StringCodec.INSTANCE).set(value);
        } finally {
            client.shutdown();
        }
    }

    private static String read(EmbeddedRedis redis, String key) {
        RedissonClient client = RedisConnections.forUrl(redis.url());
        try {
            return client.<String>getBucket(key, StringCodec.INSTANCE).get();
        } finally {
            client.shutdown();
        }
    }
}
