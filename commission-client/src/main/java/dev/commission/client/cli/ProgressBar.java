package dev.commission.client.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A one-line progress bar on stderr, redrawn five times a second: done/total, percent, rate and ETA. */
final class ProgressBar implements AutoCloseable {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final long total;
    private final long startNanos = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "progress");
        thread.setDaemon(true);
        return thread;
    });

    ProgressBar(PrintWriter err, long total) {
        this.err = err;
        this.total = total;
        ticker.scheduleAtFixedRate(this::draw, 0, 200, TimeUnit.MILLISECONDS);
    }

    void advance() {
        done.incrementAndGet();
    }

    private double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Draws the final state and ends the line. */
    @Override
    public void close() {
        ticker.shutdownNow();
        draw();
        synchronized (err) {
            err.println();
            err.flush();
        }
    }

    private void draw() {
        long now = done.get();
        double rate = now / Math.max(seconds(), 1e-3);
        int filled = total == 0 ? WIDTH : (int) (WIDTH * now / total);
        String eta = rate <= 0 ? "--:--" : clock((long) ((total - now) / rate));
        String line = String.format(Locale.ROOT, "\r[%s%s] %,d/%,d %3d%%  %,.0f/s  ETA %s\033[K",
                "█".repeat(filled), "░".repeat(WIDTH - filled), now, total, total == 0 ? 100 : 100 * now / total, rate, eta);
        synchronized (err) {
            err.print(line);
            err.flush();
        }
    }

    private static String clock(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
