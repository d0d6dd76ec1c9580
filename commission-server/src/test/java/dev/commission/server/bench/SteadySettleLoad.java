package dev.commission.server.bench;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import dev.commission.api.v1.CommissionServiceGrpc.CommissionServiceFutureStub;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.SettleResult;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Settlements on a campaign of their own at a steady rate, at most so many in flight: the
 * traffic of everyone else while something heavy runs. A call's latency is counted from the
 * moment it was due, not from when a free slot let it go, so a stall of Redis counts in full
 * for every settlement it held up (not only for the few that were in flight).
 */
final class SteadySettleLoad {
    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(2);

    private final CommissionServiceFutureStub stub;
    private final String campaign;
    private final int stewards;
    private final int rate;
    private final int inFlight;
    private final Duration callDeadline;
    private final AtomicLong nextOrder = new AtomicLong();

    SteadySettleLoad(CommissionServiceFutureStub stub, String campaign, int stewards, int rate, int inFlight,
                     Duration callDeadline) {
        this.stub = stub;
        this.campaign = campaign;
        this.stewards = stewards;
        this.rate = rate;
        this.inFlight = inFlight;
        this.callDeadline = callDeadline;
    }

    static String steward(int i) {
        return String.format("side%05d", i);
    }

    static String region(int i) {
        return "sr" + i % 4;
    }

    static String group(int i) {
        return "sg" + i % 40;
    }

    /** What happened to the settlements due while a phase ran. */
    record Measurement(int rate, double seconds, double doneSeconds, Histogram micros, Outcomes outcomes) {
        long due() {
            return micros.getTotalCount();
        }

        /** Settlements answered per second, from the start of the phase to the last answer. */
        double achievedRate() {
            return due() / doneSeconds;
        }

        /** False when the server answered much slower than they fell due: the figures then show a backlog. */
        boolean keptUp() {
            return achievedRate() >= 0.9 * rate;
        }

        double p50Millis() {
            return micros.getValueAtPercentile(50) / 1000.0;
        }

        double p99Millis() {
            return micros.getValueAtPercentile(99) / 1000.0;
        }

        double maxMillis() {
            return micros.getMaxValue() / 1000.0;
        }

        String line() {
            return String.format("%,d settlements due in %.1f s, answered at %.0f/s: p50 %.2f ms, p99 %.2f ms,"
                            + " max %.1f ms; %s%s", due(), seconds, achievedRate(), p50Millis(), p99Millis(), maxMillis(),
                    outcomes, keptUp() ? "" : " (FELL BEHIND the offered " + rate + "/s: a backlog, not a latency)")
                    + (outcomes.count("DUPLICATE") == 0 ? "" : " (each submitted once: a DUPLICATE is a re-send by the"
                    + " Redis client)");
        }
    }

    /** A phase measured under this load; it may fail, and the load still ends cleanly. */
    interface Phase {
        void run() throws Exception;
    }

    /**
     * Starts the load, lets it settle in for {@code warmUp}, runs the phase while measuring every
     * settlement due during it, stops the load and waits for the last calls to end.
     */
    Measurement during(Duration warmUp, Phase phase) throws Exception {
        Semaphore slots = new Semaphore(inFlight);
        Histogram micros = new Histogram(HIGHEST_MICROS, 3);
        Outcomes outcomes = new Outcomes();
        long[] window = {Long.MAX_VALUE, Long.MAX_VALUE};
        AtomicLong lastAnswer = new AtomicLong();
        AtomicLong stopAfter = new AtomicLong(Long.MAX_VALUE);
        Thread pacer = new Thread(() -> {
            long period = TimeUnit.SECONDS.toNanos(1) / rate;
            long due = System.nanoTime();
            // After the phase, the settlements that fell due during it and could not go yet (every
            // slot taken) still go, at once: each of them waited, and that wait is measured.
            while (due + period <= stopAfter.get()) {
                due += period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                try {
                    slots.acquire();
                } catch (InterruptedException e) {
                    return;
                }
                settle(due, slots, micros, outcomes, window, lastAnswer);
            }
        }, "steady-settle-load");
        pacer.setDaemon(true);
        pacer.start();
        Exception failure = null;
        try {
            Thread.sleep(warmUp.toMillis());
            synchronized (window) {
                window[0] = System.nanoTime();
            }
            try {
                phase.run();
            } catch (Exception e) {
                failure = e;
            }
        } finally {
            long end = System.nanoTime();
            synchronized (window) {
                window[1] = end;
            }
            stopAfter.set(end);
            pacer.join();
            slots.tryAcquire(inFlight, callDeadline.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        }
        if (failure != null) {
            throw failure;
        }
        synchronized (micros) {
            return new Measurement(rate, (window[1] - window[0]) / 1e9,
                    (Math.max(lastAnswer.get(), window[1]) - window[0]) / 1e9, micros.copy(), outcomes);
        }
    }

    private void settle(long due, Semaphore slots, Histogram micros, Outcomes outcomes, long[] window,
                        AtomicLong lastAnswer) {
        long n = nextOrder.getAndIncrement();
        int s = (int) (n % stewards);
        ListenableFuture<SettleResult> call = stub.withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS)
                .settleCommission(SettleCommissionRequest.newBuilder().setCampaignId(campaign)
                        .setOrderNo(String.format("side-%012d", n)).setStewardId(steward(s))
                        .setRegionId(region(s)).setGroupId(group(s))
                        .addLines(OrderLine.newBuilder().setSkuId("sku-1").setQuantity(1).setPaidFen(10_000 + n % 5_000))
                        .build());
        call.addListener(() -> {
            long now = System.nanoTime();
            long took = (now - due) / 1_000;
            boolean measured;
            synchronized (window) {
                measured = due >= window[0] && due <= window[1];
            }
            if (measured) {
                try {
                    // Each order is submitted once: DUPLICATE here means a hidden re-send.
                    outcomes.add(call.get().getOutcome().name());
                } catch (ExecutionException e) {
                    outcomes.failed(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (micros) {
                    micros.recordValue(Math.min(took, HIGHEST_MICROS));
                }
                lastAnswer.accumulateAndGet(now, Math::max);
            }
            slots.release();
        }, MoreExecutors.directExecutor());
    }
}
