package dev.commission.core.metrics;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.campaign;
import static dev.commission.core.EngineFixture.engine;
import static dev.commission.core.EngineFixture.steward;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.ledger.ReconcileReport;
import dev.commission.core.order.OrderLine;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.testing.RedisExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Visits, SMS batches and settlements from 16 threads at once, every call sent twice: the counts
 * are exact and Reconcile's metrics check is clean.
 */
@ExtendWith(RedisExtension.class)
class ConcurrentMetricsTest {
    private static final int THREADS = 16;
    private static final int ORDERS = 25;

    /**
     * Thread t (0..15), steward s(t % 4), settles orders t-0..t-24, order i bought by buyer b(i)
     * (25 buyers shared by every thread), one SKU k(i % 5) x 2 for 300 fen; it records visits of
     * v(t*25+i) (400 visitors, each brought by its thread's steward) plus b(i) brought by nobody,
     * and SMS batch m-t to b(0..9) at t=1 ms, each sent twice.
     * Campaign: paid 16 * 25 * 300 = 120,000 fen, items 800, orders 400, buyers 25, visitors
     * 400 + 25 = 425, SMS recipients 10, recalled 10 (every order settles after t=1 ms), SKUs sold 5
     * of the 6 on sale (k0..k5).
     * Steward s0 (threads 0, 4, 8, 12): paid 30,000, items 200, orders 100, buyers 25, visitors 100.
     */
    @Test
    void sixteenThreadsGiveExactCounts() throws Exception {
        campaign("c", CampaignMetricsFixture.TEN_PERCENT, TransferPolicy.FOLLOW);
        for (int s = 0; s < 4; s++) {
            steward("c", "s" + s, "r" + (s % 2), "g" + s);
        }
        await(engine().setCatalogue(new SetCatalogue("c", List.of("k0", "k1", "k2", "k3", "k4", "k5"))));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> work(thread)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        assertEquals(new CampaignMetrics("c", MetricsScope.CAMPAIGN, 120_000, 800, 400, 25, 10, 425, 5, 6, 10),
                await(engine().campaignMetrics("c", MetricsScope.CAMPAIGN)));
        assertEquals(new CampaignMetrics("c", MetricsScope.steward("s0"), 30_000, 200, 100, 25, 10, 100, 5, 6, 10),
                await(engine().campaignMetrics("c", MetricsScope.steward("s0"))));
        ReconcileReport report = await(engine().reconcile("c"));
        assertTrue(report.clean(), report.toString());
    }

    private static void work(int t) {
        String steward = "s" + (t % 4);
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            recipients.add("b" + i);
        }
        for (int repeat = 0; repeat < 2; repeat++) {
            await(engine().recordSmsSent(new RecordSmsSent("c", "m-" + t, recipients, 1)));
        }
        for (int i = 0; i < ORDERS; i++) {
            List<Visit> visits = List.of(new Visit("v" + (t * ORDERS + i), steward, 1), new Visit("b" + i, "", 1));
            SettleCommission order = new SettleCommission("c", t + "-" + i, steward,
                    List.of(new OrderLine("k" + (i % 5), 2, 300)), "", "", "", "b" + i);
            for (int repeat = 0; repeat < 2; repeat++) {
                await(engine().recordVisits(new RecordVisits("c", visits)));
                await(engine().settle(order));
            }
        }
    }
}
