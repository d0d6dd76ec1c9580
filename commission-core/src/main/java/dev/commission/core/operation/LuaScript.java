package dev.commission.core.operation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of {@code lua/<name>.lua} with the shared helpers it uses ({@code lua/shared.lua}) in
 * front, and its SHA1 as Redis computes it for EVALSHA. Read once per process. Redis runs a
 * script's top level on every call, so every helper a script carries is built again on every
 * call: a script carries only the helpers its body names, and the helpers those name, in the order
 * shared.lua defines them. The {@code #!lua} line declares a Redis 7 script: over its memory
 * limit Redis refuses it whole, before its first command, instead of letting it run (or stop half
 * way) through writes that may grow memory.
 * A script file may begin with its own such line to declare flags ({@code #!lua flags=no-writes}
 * for a read, which Redis then runs even over its memory limit); it is moved to the very top.
 */
public record LuaScript(String name, String source, String sha) {

    private static final String SHARED = "shared";
    private static final Pattern DEFINITION = Pattern.compile("local (?:function )?([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public static LuaScript load(String name) {
        String body = resource(name);
        String shebang = "#!lua";
        if (body.startsWith("#!lua")) {
            int end = body.indexOf('\n');
            shebang = end < 0 ? body : body.substring(0, end);
            body = end < 0 ? "" : body.substring(end + 1);
        }
        String source = shebang + "\n-- shared.lua, the helpers " + name + ".lua uses\n" + helpers(resource(SHARED), body)
                + "\n-- " + name + ".lua\n" + body;
        return new LuaScript(name, source, sha1(source));
    }

    /**
     * The definitions of {@code shared} that {@code body} needs. A definition starts at a line
     * {@code local NAME} or {@code local function NAME} in the first column and runs to the next
     * one; the comment lines right above it go with it. It is needed when a needed text names it
     * (a name in a comment or a string counts too: one helper too many costs little, one too few
     * fails the script at once). Lines before the first definition are kept.
     */
    static String helpers(String shared, String body) {
        List<String> names = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        StringBuilder head = new StringBuilder();
        StringBuilder pending = new StringBuilder();
        for (String line : shared.split("\n", -1)) {
            Matcher definition = DEFINITION.matcher(line);
            if (definition.lookingAt()) {
                names.add(definition.group(1));
                texts.add(pending + line + "\n");
                pending.setLength(0);
            } else if (texts.isEmpty()) {
                head.append(line).append('\n');
            } else if (line.startsWith("--") || line.isBlank()) {
                pending.append(line).append('\n');
            } else {
                int last = texts.size() - 1;
                texts.set(last, texts.get(last) + pending + line + "\n");
                pending.setLength(0);
            }
        }
        Set<String> needed = new HashSet<>(namesIn(body));
        for (int i = names.size() - 1; i >= 0; i--) {
            if (needed.contains(names.get(i))) {
                needed.addAll(namesIn(texts.get(i)));
            }
        }
        StringBuilder out = new StringBuilder(head);
        for (int i = 0; i < names.size(); i++) {
            if (needed.contains(names.get(i))) {
                out.append(texts.get(i));
            }
        }
        return out.toString();
    }

    private static Set<String> namesIn(String text) {
        Set<String> found = new HashSet<>();
        Matcher name = NAME.matcher(text);
        while (name.find()) {
            found.add(name.group());
        }
        return found;
    }

    /**
     * Whether Redis knows this script cannot write ({@code flags=no-writes} on its {@code #!lua}
     * line): then it can be sent again after a timeout without any effect.
     */
    public boolean readOnly() {
        int end = source.indexOf('\n');
        String shebang = end < 0 ? source : source.substring(0, end);
        for (String word : shebang.split(" ")) {
            if (word.startsWith("flags=") && List.of(word.substring("flags=".length()).split(",")).contains("no-writes")) {
                return true;
            }
        }
        return false;
    }

    private static String resource(String name) {
        String path = "lua/" + name + ".lua";
        try (InputStream in = LuaScript.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private static String sha1(String source) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(digest.digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by the JVM", e);
        }
    }
}
