package dev.commission.core.operation;

import java.time.Duration;
import org.redisson.api.options.OptionalOptions;

/**
 * How long a call waits for Redis, and whether it is ever sent twice. Set on each script object,
 * so it holds whatever the Redisson config file says.
 *
 * <p>A script that may write is sent once. After a response timeout it may have run (Redis was
 * only slow), so sending it again would answer {@code DUPLICATE} to a caller who asked once; the
 * caller gets UNAVAILABLE instead and its own retry with the same key finds out. A read has no
 * such effect and is sent again once: that recovers a connection that died without closing.
 *
 * @param writeTimeout  how long a script that may write waits for its reply
 * @param readTimeout   how long a read waits for its reply before it is sent again
 * @param readRetries   how many times a read is sent again after a timeout or a lost connection
 * @param retryInterval the pause before a read is sent again, and how long one attempt of a read
 *                      waits for a connection (a write waits {@code writeTimeout} for one)
 */
public record RedisCallPolicy(Duration writeTimeout, Duration readTimeout, int readRetries, Duration retryInterval) {
    /**
     * Writes wait 5 s: longer than Redis's own routine stalls (a fork for a snapshot, an AOF
     * fsync it waits up to 2 s for, a pause of a few seconds), so a write Redis will answer gets
     * its answer instead of an unknown outcome; health has said NOT_SERVING for 4 s by then.
     * Reads wait 2 s and go once more 1 s later, so a read never waits much longer than a write.
     * The interval is also how long one attempt of a read may wait for a connection from the pool
     * (Redisson's rule); much less fails reads on a busy machine.
     */
    public static final RedisCallPolicy DEFAULT =
            new RedisCallPolicy(Duration.ofSeconds(5), Duration.ofSeconds(2), 1, Duration.ofSeconds(1));

    public RedisCallPolicy {
        if (writeTimeout.isNegative() || writeTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()
                || readRetries < 0 || retryInterval.isNegative()) {
            throw new IllegalArgumentException("timeouts must be positive and retries at least 0");
        }
    }

    /** Options of an {@code RScript} for scripts that may write: one attempt, {@link #writeTimeout}. */
    public OptionalOptions writes() {
        return OptionalOptions.defaults().codec(ScriptCodec.INSTANCE).timeout(writeTimeout).retryAttempts(0)
                .retryInterval(retryInterval);
    }

    /** Options of an {@code RScript} that only reads. */
    public OptionalOptions reads() {
        return OptionalOptions.defaults().codec(ScriptCodec.INSTANCE).timeout(readTimeout).retryAttempts(readRetries)
                .retryInterval(retryInterval);
    }
}
