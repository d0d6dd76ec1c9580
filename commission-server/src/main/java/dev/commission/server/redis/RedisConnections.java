package dev.commission.server.redis;

import java.io.IOException;
import java.nio.file.Path;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * Opens the Redisson client: one server by URL, or anything Redisson supports (Sentinel,
 * Cluster, replicated) through its own YAML config file.
 */
public final class RedisConnections {
    private RedisConnections() {
    }

    /** From a {@code redis://} or {@code rediss://} URL of one server. */
    public static RedissonClient forUrl(String url) {
        Config config = new Config();
        // Redisson's default of 32 I/O threads only adds context switches on a small machine;
        // two per core kept the most settles per second in the settle benchmark.
        config.setNettyThreads(Math.max(2, 2 * Runtime.getRuntime().availableProcessors()));
        // Redisson waits 10 s for a connection by default; a Redis this service can use answers a
        // connect in milliseconds, and a reconnect stuck longer only delays the next attempt.
        // Response timeouts and re-sends are set per call by the engine (RedisCallPolicy), also
        // under a YAML file.
        config.useSingleServer().setAddress(url).setConnectTimeout(2_000);
        return open(config);
    }

    /** From a Redisson YAML config file. */
    public static RedissonClient forYaml(Path file) throws IOException {
        return open(Config.fromYAML(file.toFile()));
    }

    /**
     * Creates the client. Strings are the default codec (the core passes its codecs explicitly;
     * this only keeps anything else readable with redis-cli), unless the config names one. The
     * service passes only strings to Redis, never a Redisson object to store by reference, so
     * Redisson's reference support is off: it looked up annotations on the class of every argument
     * of every call (a queue batch of 100 has 900 arguments).
     */
    public static RedissonClient open(Config config) {
        if (config.getCodec() == null) {
            config.setCodec(StringCodec.INSTANCE);
        }
        config.setReferenceEnabled(false);
        return Redisson.create(config);
    }
}
