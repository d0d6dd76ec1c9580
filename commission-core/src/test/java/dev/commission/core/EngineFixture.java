package dev.commission.core;

import dev.commission.core.campaign.Campaign;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.CreateCampaign;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.order.OrderLine;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.order.SettleResult;
import dev.commission.core.steward.RegisterSteward;
import dev.commission.core.steward.Steward;
import dev.commission.core.testing.RedisExtension;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.function.Executable;
import org.redisson.api.options.KeysScanOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Short hands for tests that drive the engine against the test redis-server. */
public final class EngineFixture {
    private static CommissionEngine engine;

    private EngineFixture() {
    }

    public static synchronized CommissionEngine engine() {
        if (engine == null) {
            engine = new CommissionEngine(RedisExtension.redisson());
        }
        return engine;
    }

    /** Every key of a campaign and its DUMP, sorted by key: equal before and after means nothing was written. */
    public static Map<String, String> campaignKeys(String campaignId) {
        Map<String, String> out = new TreeMap<>();
        String pattern = new CampaignKeys(campaignId).prefix() + "*"; // braces are no glob characters
        for (String key : RedisExtension.redisson().getKeys().getKeys(KeysScanOptions.defaults().pattern(pattern))) {
            out.put(key, Base64.getEncoder().encodeToString(RedisExtension.redisson().getBucket(key).dump()));
        }
        return out;
    }

    public static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    public static Campaign campaign(String id, CommissionRule rule, TransferPolicy policy) {
        return await(engine().createCampaign(new CreateCampaign(id, "Campaign " + id, rule, policy)));
    }

    public static Steward steward(String campaignId, String stewardId, String region, String group) {
        return await(engine().registerSteward(new RegisterSteward(campaignId, stewardId, "Name " + stewardId, region, group)));
    }

    public static SettleResult settle(String campaignId, String orderNo, String stewardId, long... paidFen) {
        return await(engine().settle(new SettleCommission(campaignId, orderNo, stewardId, lines(paidFen))));
    }

    public static List<OrderLine> lines(long... paidFen) {
        OrderLine[] lines = new OrderLine[paidFen.length];
        for (int i = 0; i < paidFen.length; i++) {
            lines[i] = new OrderLine("sku-" + i, 1, paidFen[i]);
        }
        return List.of(lines);
    }

    public static CommissionException refused(Reason reason, Executable call) {
        CommissionException e = assertThrows(CommissionException.class, call);
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }

    public static long dbsize() {
        return RedisExtension.redisson().getKeys().count();
    }
}
