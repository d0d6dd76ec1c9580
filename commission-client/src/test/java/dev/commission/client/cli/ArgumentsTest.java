package dev.commission.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.TransferPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArgumentsTest {

    @Test
    void ruleWordsBecomeARuleAndAPolicyInAnyCase() {
        CommissionRule rule = Arguments.rule(List.of("tiers=0:100,5000:300", "CAP=900", "stay"));

        assertEquals(2, rule.getTiers().getTiersCount());
        assertEquals(300, rule.getTiers().getTiers(1).getRateBps());
        assertEquals(900, rule.getCapFen());
        assertEquals(TransferPolicy.STAY, Arguments.policy(List.of("rate=5", "Stay")));
        assertEquals(TransferPolicy.FOLLOW, Arguments.policy(List.of("rate=5")));
        assertThrows(IllegalArgumentException.class, () -> Arguments.rule(List.of("rate=five")));
    }

    @Test
    void linesAndScopesAreParsedOrRefusedWithTheirShape() {
        assertEquals(999, new Arguments.Line().convert("a:1:999").getPaidFen());
        assertThrows(IllegalArgumentException.class, () -> new Arguments.Line().convert("a:1"));
        RankingScope scope = new Arguments.Scope().convert("stewards_in_group:G1");

        assertEquals(RankingScope.Kind.STEWARDS_IN_GROUP, scope.getKind());
        assertEquals("G1", scope.getId());
        assertThrows(IllegalArgumentException.class, () -> new Arguments.Scope().convert("KIND_UNSPECIFIED"));
    }
}
