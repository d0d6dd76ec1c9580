package dev.commission.core.operation;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.campaign;
import static dev.commission.core.EngineFixture.engine;
import static dev.commission.core.EngineFixture.lines;
import static dev.commission.core.EngineFixture.settle;
import static dev.commission.core.EngineFixture.steward;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.commission.core.CampaignKeys;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.CreateCampaign;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.metrics.MetricsScope;
import dev.commission.core.order.AdjustCommission;
import dev.commission.core.order.ReverseCommission;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.ranking.RankingScope;
import dev.commission.core.ranking.RankingScope.Kind;
import dev.commission.core.steward.RegisterSteward;
import dev.commission.core.steward.TransferSteward;
import dev.commission.core.testing.CampaignSnapshot;
import dev.commission.core.testing.EmbeddedCluster.Connection;
import dev.commission.core.testing.LuaSources;
import dev.commission.core.testing.RedisExtension;
import dev.commission.core.testing.ScriptCallMonitor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.client.RedisOutOfMemoryException;

/**
 * Redis over its memory limit refuses writes that may grow memory but still runs deletions. A
 * script that did both could be cut in half; the scripts are declared with a {@code #!lua} line,
 * so Redis refuses them whole before their first command. The read scripts declare
 * {@code flags=no-writes}, so reads keep answering while writes are refused.
 */
@ExtendWith(RedisExtension.class)
class OutOfMemoryTest {

    @AfterEach
    void lift() {
        config("maxmemory", "0");
    }

    @Test
    void aScriptRefusedForMemoryWritesNothing() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.STAY);
        steward("c1", "s1", "r1", "g1");
        settle("c1", "o1", "s1", 1_000);
        CampaignSnapshot before = CampaignSnapshot.of(RedisExtension.redisson(), "c1");

        config("maxmemory", "1");
        // Under STAY nothing moves, so the transfer's first write is a ZREM, which Redis allows when out of memory.
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> await(engine().transfer(new TransferSteward("c1", "s1", "t1", "r2", "g2"))));
        config("maxmemory", "0");

        assertInstanceOf(RedisOutOfMemoryException.class, e);
        assertEquals(List.of(), before.differences(CampaignSnapshot.of(RedisExtension.redisson(), "c1")));
    }

    @Test
    void everyReadAnswersOverTheMemoryLimit() {
        populate();
        Map<String, Supplier<CompletionStage<?>>> reads = new LinkedHashMap<>();
        for (RankingScope scope : List.of(RankingScope.of(Kind.STEWARDS), RankingScope.of(Kind.STEWARDS_IN_REGION, "r2"),
                RankingScope.of(Kind.STEWARDS_IN_GROUP, "g2"), RankingScope.of(Kind.GROUPS),
                RankingScope.of(Kind.GROUPS_IN_REGION, "r1"), RankingScope.of(Kind.REGIONS))) {
            reads.put("ranking " + scope.token(), () -> engine().rankingPage("c1", scope, 0, 10));
        }
        reads.put("standing", () -> engine().standing("c1", "s1"));
        reads.put("ledger", () -> engine().listLedger("c1", "", 10));
        reads.put("campaign", () -> engine().getCampaign("c1"));
        reads.put("steward", () -> engine().getSteward("c1", "s1"));
        reads.put("order", () -> engine().getOrder("c1", "o1"));
        reads.put("reconcile", () -> engine().reconcile("c1"));
        reads.put("settlement", () -> engine().settlements().get("c1", "o1"));
        reads.put("dead letters", () -> engine().settlements().deadLetters("c1", "", 10));
        reads.put("queue stats", () -> engine().settlements().stats());
        reads.put("metrics", () -> engine().campaignMetrics("c1", MetricsScope.CAMPAIGN));
        Map<String, Object> answers = new LinkedHashMap<>();
        reads.forEach((name, read) -> answers.put(name, await(read.get())));

        Map<String, Object> overLimit = new LinkedHashMap<>();
        Set<String> scriptsRun = new TreeSet<>();
        try (ScriptCallMonitor monitor = new ScriptCallMonitor(RedisExtension.port())) {
            config("maxmemory", "1");
            reads.forEach((name, read) -> overLimit.put(name, await(read.get())));
            Map<String, String> scriptOfSha = new LinkedHashMap<>();
            LuaSources.scripts().forEach(script -> scriptOfSha.put(LuaScript.load(script).sha(), script));
            monitor.calls().forEach(call -> scriptsRun.add(scriptOfSha.get(call.sha())));
        }

        assertEquals(answers, overLimit);
        Set<String> declaredReads = LuaSources.scripts().stream().filter(LuaSources::declaredReadOnly)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(declaredReads, scriptsRun, "the reads ran every script declared no-writes, and only those");
    }

    @Test
    void everyWriteIsRefusedWholeOverTheMemoryLimit() {
        populate();
        Map<String, Supplier<CompletionStage<?>>> writes = new LinkedHashMap<>();
        writes.put("create", () -> engine().createCampaign(new CreateCampaign("c1", "Other", CommissionRule.rate(5, 0),
                TransferPolicy.FOLLOW)));
        writes.put("register", () -> engine().registerSteward(new RegisterSteward("c1", "s9", "Nine", "r1", "g1")));
        writes.put("settle", () -> engine().settle(new SettleCommission("c1", "o9", "s1", lines(1_000))));
        writes.put("settle with a move", () -> engine().settle(new SettleCommission("c1", "o8", "s1", lines(1_000), "r3", "g3", "")));
        writes.put("refund", () -> engine().reverse(new ReverseCommission("c1", "o1", "f2", 100, List.of())));
        writes.put("refund before settling", () -> engine().reverse(new ReverseCommission("c1", "o7", "f3", 100, List.of())));
        writes.put("adjust", () -> engine().adjust(new AdjustCommission("c1", "a1", "s1", -50, "clawback")));
        writes.put("transfer", () -> engine().transfer(new TransferSteward("c1", "s1", "t9", "r3", "g3")));
        writes.put("close", () -> engine().closeCampaign("c1"));
        writes.put("submit", () -> engine().settlements().submit(new SettleCommission("c1", "o6", "s1", lines(1_000))));
        // Every script that does not declare no-writes, whatever it is called with: Redis refuses it
        // before its first command, so its arguments are never read.
        CampaignKeys keys = new CampaignKeys("c1");
        for (String script : LuaSources.scripts()) {
            if (!LuaSources.declaredReadOnly(script)) {
                writes.put("script " + script, () -> engine().registry().runner().run(script, List.of(keys.campaign()), List.of()));
            }
        }
        CampaignSnapshot before = CampaignSnapshot.of(RedisExtension.redisson(), "c1");

        config("maxmemory", "1");
        List<String> problems = new ArrayList<>();
        writes.forEach((name, write) -> {
            try {
                await(write.get());
                problems.add(name + " ran");
            } catch (RedisOutOfMemoryException e) {
                // refused whole, as it should be
            } catch (RuntimeException e) {
                problems.add(name + " failed otherwise: " + e);
            }
        });
        config("maxmemory", "0");

        assertEquals(List.of(), problems);
        assertEquals(List.of(), before.differences(CampaignSnapshot.of(RedisExtension.redisson(), "c1")));
    }

    /** Campaign c1 (STAY): two stewards, settlements, a transfer, a refund. */
    private static void populate() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.STAY);
        steward("c1", "s1", "r1", "g1");
        steward("c1", "s2", "r1", "g2");
        settle("c1", "o1", "s1", 1_000);
        settle("c1", "o2", "s2", 3_000);
        await(engine().transfer(new TransferSteward("c1", "s1", "t1", "r2", "g2")));
        await(engine().reverse(new ReverseCommission("c1", "o1", "f1", 500, List.of())));
    }

    /** CONFIG SET over a plain connection: Redisson has no call for it and scripts may not run it. */
    private static void config(String name, String value) {
        try (Connection redis = Connection.open(RedisExtension.port())) {
            Object reply = redis.call("CONFIG", "SET", name, value);
            if (!"OK".equals(reply)) {
                throw new IllegalStateException("CONFIG SET " + name + " " + value + " answered " + reply);
            }
        }
    }
}
