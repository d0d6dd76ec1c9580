package dev.commission.server.watch;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Waits for a condition by polling, with a generous timeout, so tests never assert latencies. */
final class Poll {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Poll() {
    }

    static void until(BooleanSupplier condition, Supplier<String> whatWasExpected) {
        until(condition, TIMEOUT, whatWasExpected);
    }

    static void until(BooleanSupplier condition, Duration timeout, Supplier<String> whatWasExpected) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + timeout.toMillis() + " ms: " + whatWasExpected.get());
            }
            pause(Duration.ofMillis(10));
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
