package dev.commission.core.metrics;

import dev.commission.core.Validator;
import java.util.List;

/** Validation shared by the metrics' batches. */
final class Batches {
    /** Violations reported per batch at most: a batch of 100,000 bad ids is refused with the first few. */
    private static final int MAX_REPORTED = 20;

    private Batches() {
    }

    /** Every element of {@code ids} must be an id; reports {@code field[i]} for the first few that are not. */
    static void ids(Validator v, String field, List<String> ids) {
        int reported = 0;
        for (int i = 0; i < ids.size() && reported < MAX_REPORTED; i++) {
            Validator one = new Validator().id(field + "[" + i + "]", ids.get(i));
            if (one.hasViolations()) {
                v.id(field + "[" + i + "]", ids.get(i));
                reported++;
            }
        }
    }
}
