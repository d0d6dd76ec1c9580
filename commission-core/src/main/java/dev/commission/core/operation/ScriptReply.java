package dev.commission.core.operation;

import java.util.List;

/**
 * A script's reply: a flat list whose first element is a status word ({@code APPLIED},
 * {@code DUPLICATE}, {@code OK} or a {@link dev.commission.core.Reason}), read left to right.
 */
public final class ScriptReply {
    private final List<Object> values;
    private int next;

    public ScriptReply(List<Object> values) {
        this.values = values;
    }

    public String status() {
        return string(0);
    }

    public int size() {
        return values.size();
    }

    public String string(int index) {
        Object value = values.get(index);
        return value == null ? "" : value.toString();
    }

    public long number(int index) {
        Object value = values.get(index);
        if (value instanceof Number n) {
            return n.longValue();
        }
        return value == null || value.toString().isEmpty() ? 0 : Long.parseLong(value.toString());
    }

    /** Every element of the reply, status word included. */
    public List<Object> values() {
        return values;
    }

    /** Reads the next element as a string (the status word is element 0; reading starts at 1). */
    public String nextString() {
        return string(++next);
    }

    public long nextNumber() {
        return number(++next);
    }

    public boolean hasNext() {
        return next + 1 < values.size();
    }
}
