package dev.commission.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    @Test
    void defaultsListenOnLoopbackWithEmbeddedRedis() throws Exception {
        ServerConfig config = ServerConfig.parse(new String[0], Map.of());

        assertEquals(new ServerConfig("127.0.0.1", 9090, null, null, Path.of("data")), config);
        assertTrue(config.embeddedRedis());
    }

    @Test
    void flagsInBothFormsAreRead() throws Exception {
        ServerConfig config = ServerConfig.parse(new String[] {"--port=7000", "--host", "0.0.0.0",
                "--redis-url", "redis://10.0.0.5:6379", "--data-dir", "/var/lib/commission"}, Map.of());

        assertEquals(new ServerConfig("0.0.0.0", 7000, "redis://10.0.0.5:6379", null, Path.of("/var/lib/commission")),
                config);
    }

    @Test
    void environmentFillsWhatFlagsLeaveOut() throws Exception {
        ServerConfig config = ServerConfig.parse(new String[] {"--port", "7001"}, Map.of(
                "COMMISSION_PORT", "7000", "COMMISSION_HOST", "10.1.2.3", "COMMISSION_DATA_DIR", "/srv/data",
                "COMMISSION_REDIS_URL", "rediss://redis.internal:6380"));

        assertEquals(new ServerConfig("10.1.2.3", 7001, "rediss://redis.internal:6380", null, Path.of("/srv/data")),
                config);
    }

    @Test
    void queueWorkersAreOnByDefaultAndZeroTurnsThemOff() throws Exception {
        assertEquals(ServerConfig.DEFAULT_QUEUE_WORKERS, ServerConfig.parse(new String[0], Map.of()).queueWorkers());
        assertEquals(0, ServerConfig.parse(new String[] {"--queue-workers", "0"}, Map.of()).queueWorkers());
        assertEquals(8, ServerConfig.parse(new String[0], Map.of("COMMISSION_QUEUE_WORKERS", "8")).queueWorkers());
        assertEquals("--queue-workers must be a number from 0 to 16, got '17'", usage("--queue-workers", "17").getMessage());
    }

    @Test
    void redissonConfigFileMustBeReadable(@TempDir Path dir) throws Exception {
        Path yaml = Files.writeString(dir.resolve("redisson.yaml"), "clusterServersConfig: {}\n");

        assertEquals(yaml, ServerConfig.parse(new String[] {"--redis-config", yaml.toString()}, Map.of()).redisConfig());
        assertEquals("--redis-config: cannot read " + dir.resolve("missing.yaml"),
                usage("--redis-config", dir.resolve("missing.yaml").toString()).getMessage());
    }

    @Test
    void urlAndConfigFileTogetherAreRefused(@TempDir Path dir) throws IOException {
        Path yaml = Files.writeString(dir.resolve("redisson.yaml"), "singleServerConfig: {}\n");

        ServerConfig.UsageException e = assertThrows(ServerConfig.UsageException.class, () -> ServerConfig.parse(
                new String[] {"--redis-config", yaml.toString()}, Map.of("COMMISSION_REDIS_URL", "redis://h:1")));

        assertEquals("give a Redis URL (COMMISSION_REDIS_URL) or a Redisson config (--redis-config), not both",
                e.getMessage());
    }

    @Test
    void badCommandLinesSayWhatIsWrongAndExitWith2() {
        assertEquals("unknown option --prot", usage("--prot", "1").getMessage());
        assertEquals("--port needs a value", usage("--port").getMessage());
        assertEquals("--port must be a number from 0 to 65535, got 'http'", usage("--port", "http").getMessage());
        assertEquals("--port must be a number from 0 to 65535, got '70000'", usage("--port=70000").getMessage());
        assertEquals("--redis-url must look like redis://host:port, got 'localhost:6379'",
                usage("--redis-url", "localhost:6379").getMessage());
        assertEquals("unexpected argument 'serve'", usage("serve").getMessage());
        assertEquals(2, usage("--prot").exitCode());
    }

    @Test
    void badEnvironmentNamesTheVariable() {
        ServerConfig.UsageException e = assertThrows(ServerConfig.UsageException.class,
                () -> ServerConfig.parse(new String[0], Map.of("COMMISSION_PORT", "-1")));

        assertEquals("COMMISSION_PORT must be a number from 0 to 65535, got '-1'", e.getMessage());
    }

    @Test
    void helpExitsWith0() {
        assertEquals(0, usage("--help").exitCode());
    }

    @Test
    void redisPasswordStaysOutOfTheLog() throws Exception {
        ServerConfig config = ServerConfig.parse(new String[] {"--redis-url", "redis://:s3cret@redis:6379"}, Map.of());

        assertEquals("redis://***@redis:6379", config.redisDescription());
        assertNull(config.redisConfig());
    }

    private static ServerConfig.UsageException usage(String... args) {
        return assertThrows(ServerConfig.UsageException.class, () -> ServerConfig.parse(args, Map.of()));
    }
}
