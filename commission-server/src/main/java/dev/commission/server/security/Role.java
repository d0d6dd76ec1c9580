package dev.commission.server.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a caller may do. A caller holds one or more roles; a method needs exactly one. */
public enum Role {
    /** Settle and reverse commission: the order system. */
    SETTLE,
    /** Campaigns, stewards, adjustments, transfers, closing, rebuilding: the operators. */
    OPERATE,
    /** Rankings, standings, watch, every get, the ledger, reconcile and metrics: dashboards, auditors. */
    READ;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Roles written {@code settle,read}; an unknown word is an {@link IllegalArgumentException} naming it. */
    public static Set<Role> parseList(String text) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String word : text.split(",")) {
            String w = word.trim();
            if (w.isEmpty()) {
                continue;
            }
            try {
                roles.add(Role.valueOf(w.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown role '" + w + "' (roles: settle, operate, read)");
            }
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("no role given (roles: settle, operate, read)");
        }
        return roles;
    }
}
