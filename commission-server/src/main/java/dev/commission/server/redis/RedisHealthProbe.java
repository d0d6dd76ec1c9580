package dev.commission.server.redis;

import dev.commission.server.status.StatusMapper;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.redisson.api.RKeys;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysOptions;
import org.redisson.api.options.OptionalOptions;
import org.redisson.client.RedisOutOfMemoryException;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Redis two cheap questions at a short interval and reports each change of its answer, so
 * the health service can tell load balancers within about a second: a read (DBSIZE on every
 * master) and a script that declares it may write but writes nothing, which Redis refuses while
 * it is over its memory limit and holds back during {@code CLIENT PAUSE WRITE}, as it does every
 * write script of the service. Each question is sent once and waits at most {@link #answerTime()}.
 */
public final class RedisHealthProbe implements AutoCloseable {
    /** What the probe found; only {@link #UP} is SERVING. */
    public enum State {
        /** Redis answers reads and takes writes. */
        UP("Redis answers again"),
        /** Redis cannot be reached or refuses every command (stopped, loading, failing over). */
        DOWN("Redis is down"),
        /** Redis is reachable but did not answer in time: slow, not down (a pause, a long script, a stall). */
        SLOW("Redis is slow"),
        /** Redis answers reads but refuses writes: it is over its memory limit (maxmemory). */
        OUT_OF_MEMORY("Redis refuses writes for memory");

        private final String description;

        State(String description) {
            this.description = description;
        }

        /**
         * Whether what is read from Redis now is current: it answers and takes writes, or (over
         * maxmemory) answers and refuses every write, so nothing it holds can change.
         */
        public boolean live() {
            return this == UP || this == OUT_OF_MEMORY;
        }
    }

    /** Checks four times a second: with {@link #MAX_ANSWER_TIME} a change shows within about 1 s. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);
    /**
     * How long one question may take before Redis counts as slow. Far above a healthy answer
     * (well under a millisecond), short enough that a stall shows within about a second.
     */
    private static final Duration MAX_ANSWER_TIME = Duration.ofMillis(750);
    /** A write-flagged script that writes nothing: refused with OOM over maxmemory. */
    private static final String WRITE_PROBE = "#!lua\nreturn 1";

    private static final Logger log = LoggerFactory.getLogger(RedisHealthProbe.class);

    private final Duration interval;
    private final Duration answerTime;
    private final RKeys keys;
    private final RScript script;
    private final Consumer<State> onChange;
    private final ScheduledExecutorService timer;
    private volatile State state = State.UP;

    /**
     * @param interval how often to ask; one question waits at most this long times three, and at
     *                 most 750 ms
     * @param onChange called with every change of state, on the probe's thread; Redis is
     *                 assumed {@link State#UP} at first
     */
    public RedisHealthProbe(RedissonClient redisson, Duration interval, Consumer<State> onChange) {
        this.interval = interval;
        Duration threeIntervals = interval.multipliedBy(3);
        this.answerTime = threeIntervals.compareTo(MAX_ANSWER_TIME) < 0 ? threeIntervals : MAX_ANSWER_TIME;
        this.keys = redisson.getKeys(KeysOptions.defaults().timeout(answerTime).retryAttempts(0));
        this.script = redisson.getScript(OptionalOptions.defaults().codec(StringCodec.INSTANCE).timeout(answerTime)
                .retryAttempts(0));
        this.onChange = onChange;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "redis-health-probe");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::probe, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public State state() {
        return state;
    }

    public Duration answerTime() {
        return answerTime;
    }

    /** One probe; public so a caller can check at once instead of waiting for the next tick. */
    public void probe() {
        CompletableFuture<Long> read;
        CompletableFuture<Object> write;
        try {
            read = keys.countAsync().toCompletableFuture();
            write = script.evalAsync(RScript.Mode.READ_WRITE, WRITE_PROBE, RScript.ReturnType.LONG)
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            change(State.DOWN, e.toString());
            return;
        }
        // Both are under way; wait a little beyond Redisson's own timeout, which fires first.
        long deadline = System.nanoTime() + answerTime.plusMillis(250).toNanos();
        try {
            Failure failure = failure(read, deadline);
            if (failure == null) {
                failure = failure(write, deadline);
            }
            if (failure == null) {
                change(State.UP, "");
            } else {
                change(failure.state(), failure.why());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Why a question got no answer, and what that says about Redis. */
    private record Failure(State state, String why) {
    }

    /** Null if the question was answered. */
    private Failure failure(CompletableFuture<?> question, long deadline) throws InterruptedException {
        try {
            question.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return null;
        } catch (TimeoutException e) {
            return new Failure(State.SLOW, "no answer within " + answerTime.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = StatusMapper.unwrap(e.getCause());
            if (StatusMapper.isRedisTimeout(cause)) {
                return new Failure(State.SLOW, "no answer within " + answerTime.toMillis() + " ms");
            }
            if (cause instanceof RedisOutOfMemoryException) {
                // Redisson's message goes on with the channel and the command; Redis's own words suffice.
                return new Failure(State.OUT_OF_MEMORY, "used memory > 'maxmemory'");
            }
            return new Failure(State.DOWN, String.valueOf(rootCause(cause)));
        }
    }

    private void change(State now, String why) {
        State before = state;
        if (now == before) {
            return;
        }
        state = now;
        if (now == State.UP) {
            log.info("{}: health is SERVING (it was {})", now.description, before.name().toLowerCase());
        } else {
            log.warn("{} ({}): health is NOT_SERVING", now.description, why);
        }
        onChange.accept(now);
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
