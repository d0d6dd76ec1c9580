package dev.commission.server.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code java -jar commission-server.jar hash-token < token}: prints the SHA-256 a tokens-file
 * line needs. The token is read from standard input, not the command line, so it stays out of
 * the shell history and the process list; one trailing newline is ignored.
 */
public final class HashToken {
    private HashToken() {
    }

    /** @return the exit code: 0, or 2 for an empty token */
    public static int run(InputStream in, PrintStream out, PrintStream err) {
        String token;
        try {
            token = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("commission-server hash-token: cannot read standard input: " + e.getMessage());
            return 2;
        }
        if (token.endsWith("\n")) {
            token = token.substring(0, token.length() - (token.endsWith("\r\n") ? 2 : 1));
        }
        if (token.isEmpty()) {
            err.println("commission-server hash-token: no token on standard input");
            return 2;
        }
        out.println(TokenStore.hash(token));
        return 0;
    }
}
