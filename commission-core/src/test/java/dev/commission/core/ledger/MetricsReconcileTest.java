package dev.commission.core.ledger;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.engine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.core.CampaignKeys;
import dev.commission.core.metrics.CampaignMetricsFixture;
import dev.commission.core.order.OrderLine;
import dev.commission.core.order.ReverseCommission;
import dev.commission.core.testing.RedisExtension;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.client.codec.StringCodec;

/**
 * Reconcile's metrics check: clean on the worked example with refunds of every kind (refunds
 * before and after settling, by amount and by lines, SMS before and after), and each kind of
 * corrupted figure is found.
 */
@ExtendWith(RedisExtension.class)
class MetricsReconcileTest {

    @Test
    void metricsEqualTheirRecomputationFromTheLedger() {
        everyKindOfOrder("c");

        InvariantCheck check = metricsCheck("c");

        assertTrue(check.ok(), check.discrepancies().toString());
    }

    @Test
    void aCorruptedScopeCounterIsFound() {
        everyKindOfOrder("c");
        corrupt("c", keys -> RedisExtension.redisson().getMap(keys.metrics(), StringCodec.INSTANCE).put("s:s1", "1 2 3 4 5"));

        List<String> found = metricsCheck("c").discrepancies();

        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("metrics s:s1 says \"1 2 3 4 5\""), found.toString());
    }

    @Test
    void aCorruptedSkuQuantitySoldSetOrBuyerIsFound() {
        everyKindOfOrder("c");
        corrupt("c", keys -> {
            RedisExtension.redisson().getMap(keys.metrics(), StringCodec.INSTANCE).put("q|c|zz", "7");
            RedisExtension.redisson().getSet(keys.sold("g:g1"), StringCodec.INSTANCE).remove("a");
            RedisExtension.redisson().getMap(keys.metrics(), StringCodec.INSTANCE).remove("b|v1");
        });

        List<String> found = metricsCheck("c").discrepancies();

        assertEquals(3, found.size(), found.toString());
        assertTrue(found.stream().anyMatch(l -> l.startsWith("metrics q|c|zz says \"7\", ledger says nothing")), found.toString());
        assertTrue(found.stream().anyMatch(l -> l.equals("sold:g:g1 lacks a, which the ledger says has a net sale")), found.toString());
        assertTrue(found.stream().anyMatch(l -> l.startsWith("metrics b|v1 says nothing, ledger says")), found.toString());
    }

    /** The worked example, then refunds of every kind, a refund before its settlement, a late SMS. */
    static void everyKindOfOrder(String c) {
        CampaignMetricsFixture.workedExample(c);
        await(engine().reverse(new ReverseCommission(c, "o1", "f1", 500, List.of())));
        await(engine().reverse(new ReverseCommission(c, "o1", "f2", 0, List.of(new OrderLine("b", 1, 1_000)))));
        await(engine().reverse(new ReverseCommission(c, "o2", "f3", 500, List.of())));
        await(engine().reverse(new ReverseCommission(c, "o7", "f7", 0, List.of(new OrderLine("d", 1, 300)))));
        CampaignMetricsFixture.settle(c, "o7", "s2", "v3", new OrderLine("d", 2, 800), new OrderLine("a", 1, 100));
        CampaignMetricsFixture.sms(c, "m2", 2_000, "v1", "v4", "v7");
    }

    private static void corrupt(String c, Consumer<CampaignKeys> change) {
        change.accept(new CampaignKeys(c));
    }

    private static InvariantCheck metricsCheck(String c) {
        ReconcileReport report = await(engine().reconcile(c));
        return report.checks().stream().filter(k -> k.name().equals(CampaignAudit.METRICS_MATCH_LEDGER)).findFirst().orElseThrow();
    }
}
