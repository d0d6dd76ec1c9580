package dev.commission.core.ledger;

import dev.commission.core.CampaignKeys;
import dev.commission.core.CommissionException;
import dev.commission.core.Reason;
import dev.commission.core.operation.ScriptReply;
import dev.commission.core.operation.ScriptRunner;
import dev.commission.core.ranking.RankingScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RebuildRankings: what a {@link CampaignAudit} finds different from the ledger is set right with
 * {@code lua/audit-repair.lua}, a slice at a time, each figure as of the ledger position it was
 * compared at. A figure that moved since (its steward, group or region appears in a later entry)
 * is left as it is by the script and looked at again, until every figure is right: no figure is
 * ever written from a stale replay, and settlements keep flowing throughout.
 */
final class Repair implements CampaignAudit.Findings {
    static final String SCRIPT = "audit-repair";
    /** How often figures that kept moving are looked at again before the rebuild gives up. */
    static final int MAX_ROUNDS = 200;
    /** Figures set per repair call: each a conditional write of one hash field or ranking member. */
    private static final int SLICE = 100;

    private record Figure(String key, String member) {
    }

    private final AuditReader reader;
    private final ScriptRunner runner;
    private final CampaignKeys keys;
    private final Map<Figure, String> fixes = new LinkedHashMap<>();
    private final Set<Figure> again = new LinkedHashSet<>();
    private long repaired;

    private Repair(AuditReader reader, ScriptRunner runner, CampaignKeys keys) {
        this.reader = reader;
        this.runner = runner;
        this.keys = keys;
    }

    static RebuildResult run(AuditReader reader, ScriptRunner runner, CampaignKeys keys) {
        Repair repair = new Repair(reader, runner, keys);
        new CampaignAudit(reader, repair).run();
        repair.settle();
        LedgerReplay replay = reader.replay();
        return new RebuildResult(replay.entriesReplayed(), replay.lastEntryId(), repair.repaired);
    }

    @Override
    public void line(String check, String text) {
        // a rebuild repairs; Reconcile is what words the differences
    }

    @Override
    public void differs(String key, String member, String expected) {
        fixes.put(new Figure(key, member), expected == null ? "" : expected);
    }

    @Override
    public void verify(String key, String member) {
        again.add(new Figure(key, member));
    }

    @Override
    public void sliceDone(String position) {
        List<Map.Entry<Figure, String>> all = new ArrayList<>(fixes.entrySet());
        fixes.clear();
        for (int from = 0; from < all.size(); from += SLICE) {
            List<Map.Entry<Figure, String>> batch = all.subList(from, Math.min(all.size(), from + SLICE));
            List<Object> args = new ArrayList<>(2 + 6 * batch.size());
            args.add(position);
            args.add(Integer.toString(batch.size()));
            for (Map.Entry<Figure, String> fix : batch) {
                Figure f = fix.getKey();
                RankingScope scope = LedgerFigures.scopeOf(f.key());
                args.add(f.key().startsWith("rank:") ? "z" : "h");
                args.add(f.key());
                args.add(f.member());
                args.add(fix.getValue());
                args.add(LedgerFigures.owners(f.key(), f.member()));
                args.add(scope == null ? "" : scope.token());
            }
            ScriptReply reply = AuditReader.await(runner.run(SCRIPT, List.of(keys.campaign(), keys.ledger()), args));
            for (int i = 1; i < reply.size(); i++) {
                again.add(batch.get((int) reply.number(i) - 1).getKey());
            }
            repaired += batch.size() - (reply.size() - 1);
        }
    }

    /** Looks again at every figure that moved before it could be set, until none is left. */
    private void settle() {
        LedgerFigures figures = new LedgerFigures(reader.replay());
        for (int round = 1; !again.isEmpty(); round++) {
            if (round > MAX_ROUNDS) {
                throw new CommissionException(Reason.LEDGER_MOVED, again.size()
                        + " figures kept moving while the rebuild tried to set them; call again");
            }
            Map<String, List<String>> byKey = new LinkedHashMap<>();
            again.forEach(f -> byKey.computeIfAbsent(f.key(), k -> new ArrayList<>()).add(f.member()));
            again.clear();
            byKey.forEach((key, members) -> {
                boolean hash = !key.startsWith("rank:");
                reader.points(hash ? "hvalues" : "zscores", key, members, (member, value) -> {
                    String expected = figures.expected(key, member);
                    if (!CampaignAudit.same(value, expected, hash)) {
                        differs(key, member, expected);
                    }
                }, this::sliceDone);
            });
            reader.progress("repair", repaired, 0);
            if (!again.isEmpty()) {
                pause(round);
            }
        }
    }

    /** Lets the campaign's writes pass before looking again: a little longer each round. */
    private static void pause(int round) {
        try {
            Thread.sleep(Math.min(50, round));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditCancelledException();
        }
    }
}
