package dev.commission.core.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.core.Reason;
import dev.commission.core.testing.LuaReplyWords;
import dev.commission.core.testing.RedisExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The status words the scripts answer with, read from their text ({@link LuaReplyWords}), against
 * {@link Reason} and the runner's success words: a script that starts answering a new word, or a
 * {@code Reason} marked as a script's that no script answers any more, fails here.
 */
class ReasonWordsContractTest {
    /**
     * Words a script answers only when its Java caller built a wrong call: the runner reports them
     * as bugs (INTERNAL), never as a refusal the caller could cause, so they are no {@link Reason}.
     */
    private static final Set<String> CALLER_BUG_WORDS = Set.of("MALFORMED_PLAN");

    @Test
    void everyWordAScriptAnswersIsASuccessOrAReason() {
        List<String> strangers = new ArrayList<>();
        LuaReplyWords.scriptsByWord(RedisExtension.port()).forEach((word, scripts) -> {
            boolean reason = Arrays.stream(Reason.values())
                    .anyMatch(r -> r.name().equals(word) && r.source() == Reason.Source.SCRIPT);
            if (!reason && !ScriptRunner.OK_WORDS.contains(word) && !CALLER_BUG_WORDS.contains(word)) {
                strangers.add(word + " (" + String.join(", ", scripts) + ")");
            }
        });
        assertEquals(List.of(), strangers, "words answered by scripts that are no Reason a script may answer");
    }

    @Test
    void everyReasonOfAScriptIsAnsweredByOne() {
        Set<String> words = LuaReplyWords.scriptsByWord(RedisExtension.port()).keySet();
        List<String> unanswered = Arrays.stream(Reason.values())
                .filter(r -> r.source() == Reason.Source.SCRIPT)
                .map(Reason::name)
                .filter(name -> !words.contains(name))
                .toList();
        assertEquals(List.of(), unanswered, "Reasons marked SCRIPT that no script answers");
    }

    @Test
    void theReaderFollowsHelpersAndSkipsCommandsAndScopes() {
        Set<String> words = LuaReplyWords.byScript(RedisExtension.port()).get("adjust");

        assertTrue(words.contains("ADJUSTMENT_CONFLICT"), "a word adjust passes to replay(): " + words);
        assertTrue(words.contains("INSUFFICIENT_BALANCE"), "a word of check_credit(), called by adjust: " + words);
        assertTrue(words.contains("APPLIED"), words.toString());
        assertFalse(words.contains("REFUND_CONFLICT") || words.contains("XADD") || words.contains("STEWARDS"), words.toString());
    }
}
