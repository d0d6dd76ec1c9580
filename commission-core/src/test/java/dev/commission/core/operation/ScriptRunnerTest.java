package dev.commission.core.operation;

import static dev.commission.core.EngineFixture.campaign;
import static dev.commission.core.EngineFixture.engine;
import static dev.commission.core.EngineFixture.settle;
import static dev.commission.core.EngineFixture.steward;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.testing.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.api.RScript;

@ExtendWith(RedisExtension.class)
class ScriptRunnerTest {

    @Test
    void scriptsForgottenByRedisAreLoadedAgain() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "s1", "r1", "g1");
        RedisExtension.redisson().getScript().scriptFlush();

        assertEquals(100, settle("c1", "o1", "s1", 1_000).commissionFen());
        assertTrue(RedisExtension.redisson().getScript()
                .scriptExists(engine().registry().runner().script("settle").sha()).get(0));
    }

    @Test
    void registryKnowsEveryOperationAndRefusesOthers() {
        StrategyRegistry registry = engine().registry();

        assertTrue(registry.operations().containsAll(
                java.util.List.of("register", "settle", "reverse", "adjust", "transfer")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.get("refund-twice"));
        assertTrue(e.getMessage().contains("refund-twice"));
    }

    @Test
    void shaIsWhatRedisComputes() {
        LuaScript script = engine().registry().runner().script("settle");
        RScript rscript = RedisExtension.redisson().getScript();

        assertEquals(script.sha(), rscript.scriptLoad(script.source()));
    }
}
