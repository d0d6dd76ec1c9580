package dev.commission.server.security;

import java.util.Set;

/**
 * Who is calling, once a token or a client certificate has been recognised.
 *
 * @param name  the token's name from the tokens file, or the certificate's subject; safe to log
 * @param roles what it may do
 */
public record Caller(String name, Set<Role> roles) {
    public Caller {
        roles = Set.copyOf(roles);
    }

    public boolean may(Role role) {
        return roles.contains(role);
    }
}
