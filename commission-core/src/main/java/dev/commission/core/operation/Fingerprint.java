package dev.commission.core.operation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * A short digest of a request's canonical text: the first 128 bits of its SHA-256, as 22
 * characters of unpadded base64url. A script stores it with the idempotency key and compares it
 * on a replay: equal means the same request, different means a conflict.
 */
public final class Fingerprint {
    private Fingerprint() {
    }

    public static String of(String canonical) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the JVM", e);
        }
    }
}
