package dev.commission.server.redis;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Redis a cheap question (DBSIZE on every master) at a fixed interval and reports each
 * change between reachable and unreachable, so the health service can tell load balancers.
 */
public final class RedisHealthProbe implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisHealthProbe.class);
    private static final Duration MAX_ANSWER_TIME = Duration.ofSeconds(3);

    private final RedissonClient redisson;
    private final Duration interval;
    private final Duration answerTime;
    private final Consumer<Boolean> onChange;
    private final ScheduledExecutorService timer;
    private volatile boolean reachable = true;

    /**
     * @param onChange called with {@code false} when Redis stops answering and {@code true} when it
     *                 answers again; Redis is assumed reachable at first
     */
    public RedisHealthProbe(RedissonClient redisson, Duration interval, Consumer<Boolean> onChange) {
        this.redisson = redisson;
        this.interval = interval;
        this.answerTime = interval.compareTo(MAX_ANSWER_TIME) < 0 ? interval : MAX_ANSWER_TIME;
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

    public boolean reachable() {
        return reachable;
    }

    /** One probe; public so a caller can check at once instead of waiting for the next tick. */
    public void probe() {
        boolean answered;
        String why = "";
        try {
            redisson.getKeys().countAsync().toCompletableFuture().get(answerTime.toMillis(), TimeUnit.MILLISECONDS);
            answered = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException e) {
            answered = false;
            why = String.valueOf(e.getCause());
        } catch (TimeoutException e) {
            answered = false;
            why = "no answer within " + answerTime.toMillis() + " ms";
        } catch (RuntimeException e) {
            answered = false;
            why = e.toString();
        }
        if (answered != reachable) {
            reachable = answered;
            if (answered) {
                log.info("Redis answers again: health is SERVING");
            } else {
                log.warn("Redis does not answer ({}): health is NOT_SERVING", why);
            }
            onChange.accept(answered);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
