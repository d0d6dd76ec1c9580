package dev.commission.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every field violation of one request, then throws them together. Requests validate
 * themselves in their constructors' callers, before anything reaches Redis, so bad input never
 * writes.
 */
public final class Validator {
    /** Largest amount one operation may move, fen. */
    public static final long MAX_AMOUNT_FEN = 10_000_000_000L;
    /** Every total must stay strictly below this (exact range of a double). */
    public static final long MAX_TOTAL_FEN = 1L << 53;
    private static final int MAX_ID_LENGTH = 64;

    private final List<FieldViolation> violations = new ArrayList<>();

    public Validator id(String field, String value) {
        if (value == null || value.isEmpty()) {
            violations.add(new FieldViolation(field, "is required"));
        } else if (!isId(value)) {
            violations.add(new FieldViolation(field, "must be 1-64 characters of [A-Za-z0-9_.-]"));
        }
        return this;
    }

    /** 1-64 characters of [A-Za-z0-9_.-]; checked char by char, as every request checks several ids. */
    private static boolean isId(String value) {
        if (value.length() > MAX_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    public Validator text(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            violations.add(new FieldViolation(field, "is required"));
        } else if (value.length() > maxLength) {
            violations.add(new FieldViolation(field, "must be at most " + maxLength + " characters"));
        }
        return this;
    }

    public Validator range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            violations.add(new FieldViolation(field, "must be between " + min + " and " + max));
        }
        return this;
    }

    public Validator amount(String field, long fen) {
        return range(field, fen, 1, MAX_AMOUNT_FEN);
    }

    public Validator check(boolean ok, String field, String description) {
        if (!ok) {
            violations.add(new FieldViolation(field, description));
        }
        return this;
    }

    public boolean hasViolations() {
        return !violations.isEmpty();
    }

    /** Throws {@link Reason#INVALID_ARGUMENT} with every violation found, if any. */
    public void throwIfInvalid() {
        if (!violations.isEmpty()) {
            throw CommissionException.invalid(violations);
        }
    }
}
