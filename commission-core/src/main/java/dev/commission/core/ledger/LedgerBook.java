package dev.commission.core.ledger;

import dev.commission.core.CampaignKeys;
import dev.commission.core.operation.ScriptRunner;
import java.util.concurrent.CompletionStage;
import org.redisson.api.RedissonClient;

/** The campaign journal: paging through it, reconciling against it, rebuilding from it. */
public final class LedgerBook {
    private final RedissonClient redisson;
    private final ScriptRunner runner;

    public LedgerBook(RedissonClient redisson, ScriptRunner runner) {
        this.redisson = redisson;
        this.runner = runner;
    }

    public CompletionStage<LedgerPage> list(CampaignKeys keys, String after, int limit) {
        throw new UnsupportedOperationException("TODO");
    }

    public CompletionStage<ReconcileReport> reconcile(CampaignKeys keys) {
        throw new UnsupportedOperationException("TODO");
    }

    public CompletionStage<RebuildResult> rebuild(CampaignKeys keys) {
        throw new UnsupportedOperationException("TODO");
    }
}
