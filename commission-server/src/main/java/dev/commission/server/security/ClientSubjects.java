package dev.commission.server.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;

/**
 * Roles by client-certificate subject, for mutual TLS: a certificate the client CA signed, whose
 * subject is listed here, stands for a token with these roles. Written
 * {@code ROLES@SUBJECT; ROLES@SUBJECT}, e.g. {@code settle@CN=order-splitter,O=Shop}; subjects
 * are compared as X.500 names (case and spacing of attribute names do not matter).
 */
public final class ClientSubjects {
    private static final ClientSubjects NONE = new ClientSubjects(Map.of());

    private final Map<X500Principal, Set<Role>> roles;

    private ClientSubjects(Map<X500Principal, Set<Role>> roles) {
        this.roles = Map.copyOf(roles);
    }

    public static ClientSubjects none() {
        return NONE;
    }

    /** Parses {@code ROLES@SUBJECT; ...}; a bad entry is an {@link IllegalArgumentException} saying which. */
    public static ClientSubjects parse(String text) {
        Map<X500Principal, Set<Role>> roles = new LinkedHashMap<>();
        for (String entry : text.split(";")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            int at = e.indexOf('@');
            if (at <= 0 || at == e.length() - 1) {
                throw new IllegalArgumentException("'" + e + "' is not ROLES@SUBJECT, e.g. settle@CN=order-splitter,O=Shop");
            }
            X500Principal subject;
            try {
                subject = new X500Principal(e.substring(at + 1).strip());
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("'" + e.substring(at + 1).strip() + "' is not an X.500 subject");
            }
            roles.put(subject, Role.parseList(e.substring(0, at)));
        }
        return new ClientSubjects(roles);
    }

    public boolean isEmpty() {
        return roles.isEmpty();
    }

    public Optional<Caller> caller(X500Principal subject) {
        Set<Role> found = roles.get(subject);
        return found == null ? Optional.empty() : Optional.of(new Caller(subject.getName(), found));
    }

    /** The form {@link #parse} reads. */
    @Override
    public String toString() {
        return roles.entrySet().stream().map(e -> e.getValue().stream().map(Role::word).sorted()
                .collect(Collectors.joining(",")) + "@" + e.getKey().getName()).collect(Collectors.joining("; "));
    }
}
