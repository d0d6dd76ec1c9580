package dev.commission.server.security;

import java.nio.file.Path;

/**
 * Who may call and over what: the tokens file, TLS files and client-certificate roles.
 *
 * @param tokensFile  where {@code tokens} came from, or null
 * @param tlsCert     PEM certificate chain of the server, or null for plaintext
 * @param tlsKey      PEM private key of the server (PKCS#8), or null
 * @param tlsClientCa PEM CA certificates that sign client certificates (mutual TLS), or null
 * @param clientRoles roles by client-certificate subject (needs {@code tlsClientCa})
 */
public record SecurityConfig(Path tokensFile, TokenStore tokens, Path tlsCert, Path tlsKey, Path tlsClientCa,
                             ClientSubjects clientRoles) {
    /** No credentials, no TLS: loopback only. */
    public static final SecurityConfig NONE = new SecurityConfig(null, TokenStore.empty(), null, null, null,
            ClientSubjects.none());

    /** Whether callers must say who they are (tokens or client-certificate roles are configured). */
    public boolean authenticated() {
        return !tokens.isEmpty() || !clientRoles.isEmpty();
    }

    public boolean tls() {
        return tlsCert != null;
    }

    /** For the start-up log: files, token names and roles, never a hash. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append("tokens=").append(tokensFile == null ? "none" : tokensFile + " [" + tokens.describe() + "]");
        s.append(" tls=").append(tlsCert == null ? "off" : "cert " + tlsCert + ", key " + tlsKey);
        s.append(" client-ca=").append(tlsClientCa == null ? "none" : tlsClientCa.toString());
        if (!clientRoles.isEmpty()) {
            s.append(" client-roles=[").append(clientRoles).append(']');
        }
        return s.toString();
    }
}
