package dev.commission.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        ServerConfig config = ServerConfig.parse(new String[] {"--port=7000", "--host", "::1",
                "--redis-url", "redis://10.0.0.5:6379", "--data-dir", "/var/lib/commission"}, Map.of());

        assertEquals(new ServerConfig("::1", 7000, "redis://10.0.0.5:6379", null, Path.of("/var/lib/commission")),
                config);
    }

    @Test
    void environmentFillsWhatFlagsLeaveOut() throws Exception {
        ServerConfig config = ServerConfig.parse(new String[] {"--port", "7001"}, Map.of(
                "COMMISSION_PORT", "7000", "COMMISSION_HOST", "127.0.1.1", "COMMISSION_DATA_DIR", "/srv/data",
                "COMMISSION_REDIS_URL", "rediss://redis.internal:6380"));

        assertEquals(new ServerConfig("127.0.1.1", 7001, "rediss://redis.internal:6380", null, Path.of("/srv/data")),
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
    void theHttpPortIsOffByDefaultAndAFlagOrTheEnvironmentTurnsItOn() throws Exception {
        assertEquals(null, ServerConfig.parse(new String[0], Map.of()).httpPort());
        assertEquals(0, ServerConfig.parse(new String[] {"--http-port", "0"}, Map.of()).httpPort());
        assertEquals(8080, ServerConfig.parse(new String[0], Map.of("COMMISSION_HTTP_PORT", "8080")).httpPort());
        assertEquals(8082, ServerConfig.parse(new String[] {"--http-port=8082"}, Map.of("COMMISSION_HTTP_PORT", "8080"))
                .httpPort(), "flag over environment");
        assertEquals("--http-port must be a number from 0 to 65535, got 'web'", usage("--http-port", "web").getMessage());
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
        assertFalse(config.toString().contains("s3cret"), config.toString());
    }

    @Test
    void aPasswordHoldingAtSignsOrColonsIsHiddenWhole() {
        Map<String, String> descriptions = Map.of(
                "redis://app:s3:cr@t@redis:6379", "redis://***@redis:6379",
                "rediss://:s3%40cr%2Ft@redis:6380", "rediss://***@redis:6380",
                "redis://app@s3cret@redis:6379", "redis://***@redis:6379");
        for (Map.Entry<String, String> url : descriptions.entrySet()) {
            ServerConfig config = new ServerConfig("127.0.0.1", 9090, url.getKey(), null, Path.of("data"));

            assertEquals(url.getValue(), config.redisDescription());
        }
    }

    @Test
    void aBadRedisUrlIsRefusedWithoutEchoingItsPassword() {
        Map<String, String> refusals = Map.of(
                "redis://:s3cret@[::1:6379", "--redis-url must look like redis://host:port, got 'redis://***@[::1:6379' (no host)",
                "redis://:s3cret@redis", "--redis-url must look like redis://host:port, got 'redis://***@redis' (no port)",
                "redis://:s3cret@redis:99999", "--redis-url must look like redis://host:port, got 'redis://***@redis:99999'"
                        + " (the port must be a number from 1 to 65535)",
                "redis://:s3%cret@redis:6379", "--redis-url must look like redis://host:port, got 'redis://***@redis:6379'"
                        + " (the credentials are not valid percent-encoding; write % as %25)",
                "redis://:s3/cret@redis:6379", "--redis-url must look like redis://host:port, got 'redis://***@redis:6379'"
                        + " (a / ? or # in the password must be written %2F %3F %23)",
                "redis://:s3cret@:@redis:6379", "--redis-url must look like redis://host:port, got 'redis://***@redis:6379'"
                        + " (an @ in the password must be written %40)",
                "http://:s3cret@redis:6379", "--redis-url must look like redis://host:port, got 'http://***@redis:6379'",
                ":s3cret@redis:6379", "--redis-url must look like redis://host:port, got '***@redis:6379'");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            assertEquals(refusal.getValue(), usage("--redis-url", refusal.getKey()).getMessage(), refusal.getKey());
        }
        ServerConfig.UsageException fromEnvironment = assertThrows(ServerConfig.UsageException.class,
                () -> ServerConfig.parse(new String[0], Map.of("COMMISSION_REDIS_URL", "redis://:s3cret@redis")));
        assertEquals("COMMISSION_REDIS_URL must look like redis://host:port, got 'redis://***@redis' (no port)",
                fromEnvironment.getMessage());
    }

    @Test
    void exceptionMessagesLoseEveryFormOfThePassword() throws Exception {
        ServerConfig config = ServerConfig.parse(new String[] {"--redis-url", "redis://app:s3%40cret@redis:6379"}, Map.of());

        assertEquals("Invalid authority field: *** and ***@redis and ***",
                config.withoutSecrets("Invalid authority field: app:s3%40cret and s3%40cret@redis and s3@cret"));
        assertTrue(config.revealsSecrets(new IllegalArgumentException(new RuntimeException("no: s3@cret"))));
        assertFalse(config.revealsSecrets(new IllegalArgumentException("Unable to connect to Redis server: redis:6379")));
    }

    private static ServerConfig.UsageException usage(String... args) {
        return assertThrows(ServerConfig.UsageException.class, () -> ServerConfig.parse(args, Map.of()));
    }
}
