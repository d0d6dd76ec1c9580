package dev.commission.core;

/** One invalid request field: its path (e.g. {@code lines[2].paid_fen}) and what is wrong. */
public record FieldViolation(String field, String description) {
}
