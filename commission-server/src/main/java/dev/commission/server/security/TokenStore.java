package dev.commission.server.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The bearer tokens this server accepts, kept only as SHA-256 hashes. A tokens file has one
 * token per line, {@code NAME SHA256_HEX ROLE[,ROLE...]}; blank lines and {@code #} comments are
 * skipped. Lookup hashes the presented token and compares it with every entry in constant time,
 * so neither the time taken nor the log says how close a guess was.
 */
public final class TokenStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private record Entry(String name, byte[] hash, Set<Role> roles) {
    }

    private static final TokenStore EMPTY = new TokenStore(List.of());

    private final List<Entry> entries;

    private TokenStore(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public static TokenStore empty() {
        return EMPTY;
    }

    /** Reads a tokens file; a bad line is an {@link IllegalArgumentException} naming its line number. */
    public static TokenStore read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String where = "line " + (i + 1) + ": ";
            if (parts.length != 3) {
                throw new IllegalArgumentException(where + "expected NAME SHA256_HEX ROLE[,ROLE...]");
            }
            if (!NAME.matcher(parts[0]).matches()) {
                throw new IllegalArgumentException(where + "a token name is 1 to 64 of A-Z a-z 0-9 . _ @ -");
            }
            if (!HEX.matcher(parts[1]).matches()) {
                throw new IllegalArgumentException(where + "the hash of token " + parts[0]
                        + " must be 64 lower-case hex digits (java -jar commission-server.jar hash-token)");
            }
            if (!names.add(parts[0])) {
                throw new IllegalArgumentException(where + "token name " + parts[0] + " is used twice");
            }
            Set<Role> roles;
            try {
                roles = Role.parseList(parts[2]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage());
            }
            entries.add(new Entry(parts[0], HexFormat.of().parseHex(parts[1]), roles));
        }
        return new TokenStore(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The caller a token stands for, or empty for an unknown token. */
    public Optional<Caller> authenticate(String token) {
        byte[] hash = sha256(token);
        Entry found = null;
        for (Entry entry : entries) {
            // Every entry is compared, each in constant time: no early exit on a match.
            if (MessageDigest.isEqual(entry.hash(), hash) && found == null) {
                found = entry;
            }
        }
        return found == null ? Optional.empty() : Optional.of(new Caller(found.name(), found.roles()));
    }

    /** For the start-up log: names and roles, never hashes. */
    public String describe() {
        return entries.stream().map(e -> e.name() + "=" + e.roles().stream().map(Role::word).sorted()
                .collect(Collectors.joining(","))).collect(Collectors.joining(" "));
    }

    /** The lower-case hex SHA-256 of the token's UTF-8 bytes, as the tokens file holds it. */
    public static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
