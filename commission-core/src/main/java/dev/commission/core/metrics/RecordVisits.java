package dev.commission.core.metrics;

import dev.commission.core.Validator;
import java.util.List;

/** A batch of visits; idempotent (a visitor counts once per scope). */
public record RecordVisits(String campaignId, List<Visit> visits) {
    public static final int MAX_VISITS = 1_000;

    public RecordVisits {
        visits = visits == null ? List.of() : List.copyOf(visits);
    }

    public void validate() {
        Validator v = new Validator().id("campaign_id", campaignId)
                .range("visits", visits.size(), 1, MAX_VISITS);
        if (visits.size() <= MAX_VISITS) {
            for (int i = 0; i < visits.size(); i++) {
                Visit visit = visits.get(i);
                String at = "visits[" + i + "].";
                v.id(at + "visitor_id", visit.visitorId());
                if (!visit.stewardId().isEmpty()) {
                    v.id(at + "steward_id", visit.stewardId());
                }
                v.range(at + "at_ms", visit.atMs(), 1, Long.MAX_VALUE);
            }
        }
        v.throwIfInvalid();
    }
}
