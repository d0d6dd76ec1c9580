package dev.commission.core.ledger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reconciliation (核销) report: what a {@link CampaignAudit} finds, worded under the stable
 * name of each invariant. Never writes. A check lists at most {@link #MAX_LINES} differences,
 * then says how many more there were.
 */
final class Reconciliation implements CampaignAudit.Findings {
    static final int MAX_LINES = 1000;

    private final Map<String, List<String>> lines = new LinkedHashMap<>();
    private final Map<String, Long> more = new LinkedHashMap<>();

    private Reconciliation() {
        CampaignAudit.CHECKS.forEach(check -> lines.put(check, new ArrayList<>()));
    }

    static ReconcileReport run(AuditReader reader) {
        Reconciliation r = new Reconciliation();
        MetricsReplay metrics = new MetricsReplay();
        new CampaignAudit(reader, r).follow(metrics::apply).run();
        new MetricsAudit(reader, metrics, r).run();
        LedgerReplay replay = reader.replay();
        List<InvariantCheck> checks = new ArrayList<>();
        r.lines.forEach((check, found) -> {
            List<String> all = new ArrayList<>(found);
            long extra = r.more.getOrDefault(check, 0L);
            if (extra > 0) {
                all.add("... and " + extra + " more");
            }
            checks.add(new InvariantCheck(check, List.copyOf(all)));
        });
        return new ReconcileReport(checks, replay.lastEntryId());
    }

    @Override
    public void line(String check, String text) {
        List<String> found = lines.get(check);
        if (found.size() < MAX_LINES) {
            found.add(text);
        } else {
            more.merge(check, 1L, Long::sum);
        }
    }
}
