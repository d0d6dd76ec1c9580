package dev.commission.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Lua scripts as text, found in the {@code lua/} resource folder (so a script added there is
 * seen by every contract test without being named), with what their first lines declare: the
 * {@code #!lua} flags and the {@code -- KEYS[i] name} header.
 */
public final class LuaSources {
    /** The helpers prepended to every script; not a script of its own. */
    public static final String SHARED = "shared";

    private static final Pattern KEYS_ENTRY =
            Pattern.compile("(?:^\\s*|\\s{2,})KEYS\\[(\\d+)(\\s*\\.\\.[^\\]]*)?\\]\\s+(.*?)(?=\\s{2,}(?:KEYS|ARGV)\\[|\\s*$)");
    private static final Pattern PREFIXED_NAME = Pattern.compile("cms:\\{c:<id>\\}:(\\S+)");
    private static final Pattern KEY_NAME = Pattern.compile("[a-z][a-z0-9-]*(:([a-z0-9-]+|<[^>]+>))*");

    private LuaSources() {
    }

    /** Every script's name (its file name without {@code .lua}), sorted; {@code shared} excluded. */
    public static List<String> scripts() {
        URL shared = LuaSources.class.getClassLoader().getResource("lua/" + SHARED + ".lua");
        if (shared == null) {
            throw new IllegalStateException("no lua/shared.lua on the class path");
        }
        try {
            URI uri = shared.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    return names(jar.getPath("/lua"));
                }
            }
            return names(Paths.get(uri).getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".lua"))
                    .map(f -> f.substring(0, f.length() - ".lua".length()))
                    .filter(n -> !n.equals(SHARED))
                    .sorted()
                    .toList();
        }
    }

    /** The text of {@code lua/<name>.lua}, as written (without the shared helpers). */
    public static String text(String name) {
        String path = "lua/" + name + ".lua";
        try (InputStream in = LuaSources.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the script's own {@code #!lua} line declares {@code flags=no-writes}. */
    public static boolean declaredReadOnly(String name) {
        String first = text(name).lines().findFirst().orElse("");
        Matcher flags = Pattern.compile("^#!lua\\b.*\\bflags=(\\S*)").matcher(first);
        return flags.find() && List.of(flags.group(1).split(",")).contains("no-writes");
    }

    /**
     * One {@code KEYS[i] ...} entry of a script's header: the index (the first of a range such as
     * {@code KEYS[5 .. 4+R]}), and the key's name after the campaign prefix as the header writes
     * it ({@code steward:<sid>}), null when the entry only describes its keys in words.
     */
    public record KeyEntry(int index, boolean range, String description, String name) {

        /** Whether {@code key} is this entry's key in the campaign whose prefix is {@code prefix}. */
        public boolean matches(String prefix, String key) {
            if (name == null) {
                return key.startsWith(prefix);
            }
            StringBuilder regex = new StringBuilder(Pattern.quote(prefix));
            Matcher placeholder = Pattern.compile("<[^>]+>").matcher(name);
            int at = 0;
            while (placeholder.find()) {
                regex.append(Pattern.quote(name.substring(at, placeholder.start()))).append(".+");
                at = placeholder.end();
            }
            regex.append(Pattern.quote(name.substring(at)));
            return key.matches(regex.toString());
        }
    }

    /**
     * The {@code KEYS[i]} entries of the comment block that opens the script, in index order: an
     * entry starts a comment line or follows two spaces ({@code KEYS[1] campaign  KEYS[2] ledger}),
     * so prose that mentions {@code KEYS[1]} is not read as one. The
     * name is the word after {@code cms:{c:<id>}:} when the entry spells the whole key, else the
     * entry's first word ({@code KEYS[2] ledger stream} names {@code ledger}); a range's name
     * is not read.
     */
    public static List<KeyEntry> keysHeader(String name) {
        List<KeyEntry> entries = new ArrayList<>();
        for (String line : text(name).lines().toList()) {
            if (line.startsWith("#!")) {
                continue;
            }
            if (!line.startsWith("--")) {
                break;
            }
            Matcher m = KEYS_ENTRY.matcher(line.substring(2));
            while (m.find()) {
                boolean range = m.group(2) != null;
                String description = m.group(3);
                String keyName = null;
                if (!range) {
                    Matcher prefixed = PREFIXED_NAME.matcher(description);
                    String candidate = prefixed.find() ? prefixed.group(1) : description.split("\\s+")[0];
                    keyName = KEY_NAME.matcher(candidate).matches() ? candidate : null;
                }
                entries.add(new KeyEntry(Integer.parseInt(m.group(1)), range, description, keyName));
            }
        }
        entries.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return entries;
    }
}
