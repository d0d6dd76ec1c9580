package dev.commission.core.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.core.Reason;
import dev.commission.core.ranking.RankingScope;
import dev.commission.core.testing.EmbeddedCluster.Connection;
import dev.commission.core.testing.LuaSources;
import dev.commission.core.testing.RedisExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The status words the scripts answer with, read from their text, against {@link Reason} and the
 * runner's success words: a script that starts answering a new word, or a {@code Reason} that no
 * script answers any more, fails here.
 *
 * <p>A status word is the first element of a table literal ({@code {'ORDER_CONFLICT', ...}}) in
 * upper case; when that element is a helper's parameter ({@code {conflict, what}} in
 * {@code replay(record, fp, conflict, what)}), the words are the literals every call passes for
 * it. Tables that start with a Redis command name (the argument list of a call, as Redis itself
 * says with COMMAND INFO) or a ranking scope kind (the scope lists that are published) are no
 * replies.
 */
class ReasonWordsContractTest {
    /**
     * Words a script answers only when its Java caller built a wrong call: the runner reports them
     * as bugs (INTERNAL), never as a refusal the caller could cause, so they are no {@link Reason}.
     */
    private static final Set<String> CALLER_BUG_WORDS = Set.of("MALFORMED_PLAN");

    private static final Pattern LITERAL_HEAD = Pattern.compile("\\{\\s*(['\"])([A-Z][A-Z0-9_]*)\\1\\s*[,}]");
    private static final Pattern NAME_HEAD = Pattern.compile("\\{\\s*([a-z_][A-Za-z0-9_]*)\\s*[,}]");
    private static final Pattern FUNCTION = Pattern.compile("\\bfunction\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*\\(([^)]*)\\)");
    private static final Pattern UPPER_LITERAL = Pattern.compile("(['\"])([A-Z][A-Z0-9_]*)\\1");

    @Test
    void everyWordAScriptAnswersIsASuccessOrAReason() {
        Map<String, Set<String>> words = replyWords();
        List<String> strangers = new ArrayList<>();
        words.forEach((word, scripts) -> {
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
        Set<String> words = replyWords().keySet();
        List<String> unanswered = Arrays.stream(Reason.values())
                .filter(r -> r.source() == Reason.Source.SCRIPT)
                .map(Reason::name)
                .filter(name -> !words.contains(name))
                .toList();
        assertEquals(List.of(), unanswered, "Reasons marked SCRIPT that no script answers");
    }

    @Test
    void theReaderFindsWordsThatHelpersAreHandedAndSkipsCommandsAndScopes() {
        Map<String, Set<String>> words = replyWords();

        assertTrue(words.containsKey("ADJUSTMENT_CONFLICT"), "a word passed to replay() " + words.keySet());
        assertTrue(words.get("TOTAL_OVERFLOW").contains("shared"), "a word in a shared helper " + words.keySet());
        assertTrue(words.containsKey("APPLIED"), words.keySet().toString());
        assertTrue(!words.containsKey("XADD") && !words.containsKey("STEWARDS"), words.keySet().toString());
    }

    /** Every status word of every script (shared helpers included), with the scripts it appears in. */
    private static Map<String, Set<String>> replyWords() {
        Map<String, String> code = new TreeMap<>();
        Stream.concat(LuaSources.scripts().stream(), Stream.of(LuaSources.SHARED))
                .forEach(name -> code.put(name, withoutComments(LuaSources.text(name))));

        // Helper parameters: function name -> parameter names.
        Map<String, List<String>> parameters = new TreeMap<>();
        code.values().forEach(text -> {
            Matcher f = FUNCTION.matcher(text);
            while (f.find()) {
                parameters.put(f.group(1), Arrays.stream(f.group(2).split(",")).map(String::trim).toList());
            }
        });

        Map<String, Set<String>> heads = new TreeMap<>();
        code.forEach((script, text) -> {
            Matcher literal = LITERAL_HEAD.matcher(text);
            while (literal.find()) {
                heads.computeIfAbsent(literal.group(2), w -> new TreeSet<>()).add(script);
            }
            Matcher name = NAME_HEAD.matcher(text);
            while (name.find()) {
                String parameter = name.group(1);
                parameters.forEach((function, params) -> {
                    int index = params.indexOf(parameter);
                    if (index >= 0) {
                        code.forEach((caller, callerText) -> {
                            for (String argument : arguments(callerText, function, index)) {
                                Matcher word = UPPER_LITERAL.matcher(argument);
                                if (word.matches()) {
                                    heads.computeIfAbsent(word.group(2), w -> new TreeSet<>()).add(caller);
                                }
                            }
                        });
                    }
                });
            }
        });

        Set<String> scopeKinds = Arrays.stream(RankingScope.Kind.values()).map(Enum::name).collect(Collectors.toSet());
        Map<String, Set<String>> replies = new TreeMap<>();
        try (Connection redis = Connection.open(RedisExtension.port())) {
            heads.forEach((word, scripts) -> {
                boolean command = redis.call("COMMAND", "INFO", word) instanceof List<?> info
                        && !info.isEmpty() && info.get(0) != null;
                if (!command && !scopeKinds.contains(word)) {
                    replies.put(word, scripts);
                }
            });
        }
        return replies;
    }

    /** The argument at {@code index} of every call {@code function(...)} in {@code text}, as written. */
    private static List<String> arguments(String text, String function, int index) {
        List<String> found = new ArrayList<>();
        Matcher call = Pattern.compile("(?<!function )\\b" + Pattern.quote(function) + "\\s*\\(").matcher(text);
        while (call.find()) {
            List<String> args = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            int depth = 0;
            char quote = 0;
            for (int i = call.end(); i < text.length(); i++) {
                char c = text.charAt(i);
                if (quote != 0) {
                    current.append(c);
                    if (c == quote && text.charAt(i - 1) != '\\') {
                        quote = 0;
                    }
                } else if (c == '\'' || c == '"') {
                    quote = c;
                    current.append(c);
                } else if ((c == ',' || c == ')') && depth == 0) {
                    args.add(current.toString().trim());
                    current.setLength(0);
                    if (c == ')') {
                        break;
                    }
                } else {
                    depth += "({[".indexOf(c) >= 0 ? 1 : ")}]".indexOf(c) >= 0 ? -1 : 0;
                    current.append(c);
                }
            }
            if (index < args.size()) {
                found.add(args.get(index));
            }
        }
        return found;
    }

    /** The text with every {@code --} comment removed (quotes respected). */
    private static String withoutComments(String text) {
        StringBuilder out = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote && text.charAt(i - 1) != '\\') {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '-' && i + 1 < text.length() && text.charAt(i + 1) == '-') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
                out.append('\n');
                continue;
            } else if (c == '#' && (i == 0 || text.charAt(i - 1) == '\n') && text.startsWith("#!", i)) {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
                out.append('\n');
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }
}
