package dev.commission.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Ids are 1-64 characters of [A-Za-z0-9_.-]: the characters the scripts use as separators never get in. */
class ValidatorTest {

    @Test
    void idsOfTheAllowedCharactersUpTo64Pass() {
        Validator v = new Validator().id("a", "Az09_.-").id("b", "x".repeat(64)).id("c", "7");
        assertFalse(v.hasViolations());
    }

    @Test
    void everyOtherIdIsRefusedWithItsField() {
        List<String> bad = List.of("", "x".repeat(65), "a b", "a*b", "a,b", "a|b", "a/b", "a:b", "é", "a\nb", "{c}");
        Validator v = new Validator();
        for (int i = 0; i < bad.size(); i++) {
            v.id("id" + i, bad.get(i));
        }
        v.id("missing", null);
        CommissionException e = assertThrows(CommissionException.class, v::throwIfInvalid);
        assertEquals(Reason.INVALID_ARGUMENT, e.reason());
        assertEquals(bad.size() + 1, e.violations().size());
        for (int i = 0; i < bad.size(); i++) {
            assertEquals("id" + i, e.violations().get(i).field());
        }
        assertEquals("missing", e.violations().get(bad.size()).field());
    }
}
