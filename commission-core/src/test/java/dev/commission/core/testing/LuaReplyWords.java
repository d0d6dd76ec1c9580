package dev.commission.core.testing;

import dev.commission.core.ranking.RankingScope;
import dev.commission.core.testing.EmbeddedCluster.Connection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The status words each script can answer, read from its text and from the shared helpers it
 * calls (directly or through other helpers).
 *
 * <p>A status word is the first element of a table literal ({@code {'ORDER_CONFLICT', ...}}) in
 * upper case; when that element is a helper's parameter ({@code {conflict, what}} in
 * {@code replay(record, fp, conflict, what)}), the words are the literals each call passes for
 * it. Tables that start with a Redis command name (an argument list, as Redis itself tells with
 * COMMAND INFO) or a ranking scope kind (the scope lists that are published) are no replies.
 * Comments are not read.
 */
public final class LuaReplyWords {
    private static final Pattern LITERAL_HEAD = Pattern.compile("\\{\\s*(['\"])([A-Z][A-Z0-9_]*)\\1\\s*[,}]");
    private static final Pattern NAME_HEAD = Pattern.compile("\\{\\s*([a-z_][A-Za-z0-9_]*)\\s*[,}]");
    private static final Pattern FUNCTION = Pattern.compile("\\bfunction\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*\\(([^)]*)\\)");
    private static final Pattern UPPER_LITERAL = Pattern.compile("(['\"])([A-Z][A-Z0-9_]*)\\1");

    private LuaReplyWords() {
    }

    /** Script name to the status words it can answer. {@code port}: a redis-server to ask COMMAND INFO. */
    public static Map<String, Set<String>> byScript(int port) {
        Map<String, String> code = new TreeMap<>();
        LuaSources.scripts().forEach(name -> code.put(name, withoutComments(LuaSources.text(name))));
        String shared = withoutComments(LuaSources.text(LuaSources.SHARED));

        // The shared helpers: name -> parameters, and name -> body (up to the next top-level function).
        Map<String, List<String>> parameters = new TreeMap<>();
        Map<String, String> helperBodies = new TreeMap<>();
        Matcher f = FUNCTION.matcher(shared);
        List<Integer> starts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (f.find()) {
            parameters.put(f.group(1), Arrays.stream(f.group(2).split(",")).map(String::trim).toList());
            starts.add(f.start());
            names.add(f.group(1));
        }
        for (int i = 0; i < names.size(); i++) {
            int end = i + 1 < starts.size() ? starts.get(i + 1) : shared.length();
            helperBodies.put(names.get(i), shared.substring(starts.get(i), end));
        }
        code.values().forEach(text -> {
            Matcher m = FUNCTION.matcher(text);
            while (m.find()) {
                parameters.putIfAbsent(m.group(1), Arrays.stream(m.group(2).split(",")).map(String::trim).toList());
            }
        });
        Set<String> parameterHeads = new HashSet<>();
        for (String text : concat(code.values(), shared)) {
            Matcher head = NAME_HEAD.matcher(text);
            while (head.find()) {
                parameterHeads.add(head.group(1));
            }
        }

        Set<String> notReplies = new HashSet<>();
        Arrays.stream(RankingScope.Kind.values()).map(Enum::name).forEach(notReplies::add);
        Map<String, Set<String>> byScript = new TreeMap<>();
        try (Connection redis = Connection.open(port)) {
            code.forEach((script, text) -> {
                Set<String> words = new TreeSet<>();
                // The script's own text, and the body of every helper it reaches.
                Deque<String> texts = new ArrayDeque<>(List.of(text));
                Set<String> reached = new HashSet<>();
                while (!texts.isEmpty()) {
                    String t = texts.pop();
                    words.addAll(literalHeads(t));
                    words.addAll(passedForParameters(t, parameters, parameterHeads));
                    helperBodies.forEach((helper, body) -> {
                        if (!reached.contains(helper) && Pattern.compile("(?<!function )\\b" + helper + "\\s*\\(").matcher(t).find()) {
                            reached.add(helper);
                            texts.push(body);
                        }
                    });
                }
                words.removeIf(word -> notReplies.contains(word) || isCommand(redis, word));
                byScript.put(script, words);
            });
        }
        return byScript;
    }

    /** Each status word with the scripts that can answer it. */
    public static Map<String, Set<String>> scriptsByWord(int port) {
        Map<String, Set<String>> scripts = new TreeMap<>();
        byScript(port).forEach((script, words) -> words.forEach(
                word -> scripts.computeIfAbsent(word, w -> new TreeSet<>()).add(script)));
        return scripts;
    }

    private static List<String> concat(Collection<String> texts, String more) {
        List<String> all = new ArrayList<>(texts);
        all.add(more);
        return all;
    }

    private static boolean isCommand(Connection redis, String word) {
        return redis.call("COMMAND", "INFO", word) instanceof List<?> info && !info.isEmpty() && info.get(0) != null;
    }

    private static Set<String> literalHeads(String text) {
        Set<String> words = new TreeSet<>();
        Matcher literal = LITERAL_HEAD.matcher(text);
        while (literal.find()) {
            words.add(literal.group(2));
        }
        return words;
    }

    /** Upper-case literals that {@code text} passes to a function parameter some table starts with. */
    private static Set<String> passedForParameters(String text, Map<String, List<String>> parameters, Set<String> heads) {
        Set<String> words = new TreeSet<>();
        parameters.forEach((function, params) -> {
            for (int index = 0; index < params.size(); index++) {
                if (!heads.contains(params.get(index))) {
                    continue;
                }
                for (String argument : arguments(text, function, index)) {
                    Matcher word = UPPER_LITERAL.matcher(argument);
                    if (word.matches()) {
                        words.add(word.group(2));
                    }
                }
            }
        });
        return words;
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

    /** The text with every {@code --} comment and the {@code #!} line removed (quotes respected). */
    static String withoutComments(String text) {
        StringBuilder out = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean comment = quote == 0 && (text.startsWith("--", i) || (text.startsWith("#!", i) && (i == 0 || text.charAt(i - 1) == '\n')));
            if (comment) {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
                out.append('\n');
                continue;
            }
            if (quote != 0) {
                if (c == quote && text.charAt(i - 1) != '\\') {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            }
            out.append(c);
        }
        return out.toString();
    }
}
