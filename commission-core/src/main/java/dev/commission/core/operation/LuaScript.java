package dev.commission.core.operation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The text of {@code lua/<name>.lua} with the shared helpers ({@code lua/shared.lua}) in front,
 * and its SHA1 as Redis computes it for EVALSHA. Read once per process. The {@code #!lua} line
 * declares a Redis 7 script: over its memory limit Redis refuses it whole, before its first
 * command, instead of letting it run (or stop half way) through writes that may grow memory.
 * A script file may begin with its own such line to declare flags ({@code #!lua flags=no-writes}
 * for a read, which Redis then runs even over its memory limit); it is moved to the very top.
 */
public record LuaScript(String name, String source, String sha) {

    private static final String SHARED = "shared";

    public static LuaScript load(String name) {
        String body = resource(name);
        String shebang = "#!lua";
        if (body.startsWith("#!lua")) {
            int end = body.indexOf('\n');
            shebang = end < 0 ? body : body.substring(0, end);
            body = end < 0 ? "" : body.substring(end + 1);
        }
        String source = shebang + "\n-- shared.lua\n" + resource(SHARED) + "\n-- " + name + ".lua\n" + body;
        return new LuaScript(name, source, sha1(source));
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
