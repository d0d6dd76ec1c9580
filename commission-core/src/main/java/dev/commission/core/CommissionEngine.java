package dev.commission.core;

import dev.commission.core.campaign.Campaign;
import dev.commission.core.campaign.CampaignStatus;
import dev.commission.core.campaign.CloseCampaignStrategy;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.CreateCampaign;
import dev.commission.core.campaign.CreateCampaignStrategy;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.ledger.AuditControl;
import dev.commission.core.ledger.LedgerBook;
import dev.commission.core.ledger.LedgerPage;
import dev.commission.core.ledger.RebuildResult;
import dev.commission.core.ledger.ReconcileReport;
import dev.commission.core.metrics.CampaignMetrics;
import dev.commission.core.metrics.MetricsBook;
import dev.commission.core.metrics.MetricsScope;
import dev.commission.core.metrics.RecordSmsSent;
import dev.commission.core.metrics.RecordVisits;
import dev.commission.core.metrics.SetCatalogue;
import dev.commission.core.operation.RedisCallPolicy;
import dev.commission.core.operation.ScriptListener;
import dev.commission.core.operation.ScriptRunner;
import dev.commission.core.operation.StrategyRegistry;
import dev.commission.core.order.AdjustCommission;
import dev.commission.core.order.AdjustResult;
import dev.commission.core.order.AdjustStrategy;
import dev.commission.core.order.Order;
import dev.commission.core.order.ReverseCommission;
import dev.commission.core.order.ReverseResult;
import dev.commission.core.order.ReverseStrategy;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.order.SettleResult;
import dev.commission.core.order.SettleStrategy;
import dev.commission.core.queue.SettlementQueue;
import dev.commission.core.ranking.RankingPage;
import dev.commission.core.ranking.RankingReader;
import dev.commission.core.ranking.RankingScope;
import dev.commission.core.ranking.Standing;
import dev.commission.core.steward.RegisterStrategy;
import dev.commission.core.steward.RegisterSteward;
import dev.commission.core.steward.Steward;
import dev.commission.core.steward.TransferResult;
import dev.commission.core.steward.TransferSteward;
import dev.commission.core.steward.TransferStrategy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.MapOptions;
import org.redisson.client.codec.StringCodec;

/**
 * The commission service's domain API: every operation validates its request, then runs its
 * strategy's script; reads go straight to the campaign's keys. All calls are asynchronous and
 * fail with {@link CommissionException} for business refusals.
 */
public final class CommissionEngine {
    /** Reads an order record through shared.lua's read_order, its one reader. */
    private static final String ORDER_SCRIPT = "order-read";
    private final RedissonClient redisson;
    private final RedisCallPolicy policy;
    private final StrategyRegistry registry;
    private final ScriptRunner runner;
    private final CreateCampaignStrategy createCampaign;
    private final CloseCampaignStrategy closeCampaign;
    private final RegisterStrategy register;
    private final SettleStrategy settle;
    private final ReverseStrategy reverse;
    private final AdjustStrategy adjust;
    private final TransferStrategy transfer;
    private final RankingReader rankings;
    private final LedgerBook ledger;
    private final SettlementQueue settlements;
    private final MetricsBook metrics;

    public CommissionEngine(RedissonClient redisson) {
        this(redisson, RedisCallPolicy.DEFAULT);
    }

    /** Loads every script into Redis; {@code policy} says how long calls wait and which are sent again. */
    public CommissionEngine(RedissonClient redisson, RedisCallPolicy policy) {
        this.redisson = redisson;
        this.policy = policy;
        this.runner = new ScriptRunner(redisson, policy);
        this.registry = new StrategyRegistry(runner);
        this.createCampaign = registry.add(new CreateCampaignStrategy());
        this.closeCampaign = registry.add(new CloseCampaignStrategy());
        this.register = registry.add(new RegisterStrategy());
        this.settle = registry.add(new SettleStrategy());
        this.reverse = registry.add(new ReverseStrategy());
        this.adjust = registry.add(new AdjustStrategy());
        this.transfer = registry.add(new TransferStrategy());
        this.rankings = new RankingReader(runner);
        this.ledger = new LedgerBook(redisson, runner);
        this.settlements = new SettlementQueue(redisson, runner, this);
        this.metrics = new MetricsBook(runner);
        runner.register(ORDER_SCRIPT);
    }

    /** Tells {@code listener} about every script this engine runs (for the server's metrics). */
    public void listen(ScriptListener listener) {
        runner.listen(listener);
    }

    /** The durable settlement queue, settled by {@link dev.commission.core.queue.SettlementWorkers}. */
    public SettlementQueue settlements() {
        return settlements;
    }

    public StrategyRegistry registry() {
        return registry;
    }

    public CompletionStage<Campaign> createCampaign(CreateCampaign request) {
        return validated(request::validate, () -> runner.execute(createCampaign, request)
                .thenCompose(outcome -> getCampaign(request.campaignId())));
    }

    public CompletionStage<Campaign> closeCampaign(String campaignId) {
        return validated(() -> new Validator().id("campaign_id", campaignId).throwIfInvalid(),
                () -> runner.execute(closeCampaign, campaignId).thenCompose(outcome -> getCampaign(campaignId)));
    }

    public CompletionStage<Campaign> getCampaign(String campaignId) {
        return validated(() -> new Validator().id("campaign_id", campaignId).throwIfInvalid(), () -> {
            CampaignKeys keys = new CampaignKeys(campaignId);
            CompletableFuture<Map<String, String>> definition = readHash(keys.campaign());
            CompletableFuture<Map<String, String>> totals = readHash(keys.totals());
            return definition.thenCombine(totals, (d, t) -> {
                requireCampaign(d, campaignId);
                CommissionRule rule = CommissionRule.decode(d.get("rule"), d.get("rule_value"), number(d, "cap"));
                return new Campaign(campaignId, d.get("name"), rule, TransferPolicy.valueOf(d.get("policy")),
                        CampaignStatus.valueOf(d.get("status")), number(t, "earned"), number(t, "sales"),
                        number(t, "orders"));
            });
        });
    }

    public CompletionStage<Steward> registerSteward(RegisterSteward request) {
        return validated(request::validate, () -> runner.execute(register, request)
                .thenCompose(outcome -> getSteward(request.campaignId(), request.stewardId())));
    }

    public CompletionStage<Steward> getSteward(String campaignId, String stewardId) {
        return validated(() -> new Validator().id("campaign_id", campaignId).id("steward_id", stewardId).throwIfInvalid(),
                () -> {
                    CampaignKeys keys = new CampaignKeys(campaignId);
                    return readHash(keys.steward(stewardId)).thenCombine(readHash(keys.campaign()), (s, c) -> {
                        requireCampaign(c, campaignId);
                        if (s.isEmpty()) {
                            throw new CommissionException(Reason.STEWARD_NOT_FOUND, "steward " + stewardId + " is not registered");
                        }
                        return new Steward(campaignId, stewardId, s.get("name"), s.get("region"), s.get("group"),
                                number(s, "earned"), number(s, "sales"), number(s, "orders"));
                    });
                });
    }

    public CompletionStage<SettleResult> settle(SettleCommission request) {
        return validated(request::validate, () -> runner.execute(settle, request));
    }

    public CompletionStage<ReverseResult> reverse(ReverseCommission request) {
        return validated(request::validate, () -> runner.execute(reverse, request));
    }

    public CompletionStage<AdjustResult> adjust(AdjustCommission request) {
        return validated(request::validate, () -> runner.execute(adjust, request));
    }

    public CompletionStage<TransferResult> transfer(TransferSteward request) {
        return validated(request::validate, () -> runner.execute(transfer, request));
    }

    public CompletionStage<Order> getOrder(String campaignId, String orderNo) {
        return validated(() -> new Validator().id("campaign_id", campaignId).id("order_no", orderNo).throwIfInvalid(),
                () -> {
                    CampaignKeys keys = new CampaignKeys(campaignId);
                    return runner.run(ORDER_SCRIPT, List.of(keys.campaign(), keys.orderBucket(orderNo), keys.orderRefunds(orderNo),
                            keys.ledger()),
                            List.of(orderNo)).thenApply(reply -> {
                                Map<String, String> o = new HashMap<>();
                                List<?> flat = (List<?>) reply.values().get(1);
                                for (int i = 0; i + 1 < flat.size(); i += 2) {
                                    o.put(String.valueOf(flat.get(i)), String.valueOf(flat.get(i + 1)));
                                }
                                return new Order(campaignId, orderNo, o.getOrDefault("steward", ""),
                                        Order.State.valueOf(o.get("state")), number(o, "paid"), number(o, "refunded"),
                                        number(o, "settled_commission"), number(o, "reversed_commission"),
                                        number(o, "unrecovered_commission"), number(o, "refund_excess"),
                                        o.getOrDefault("region", ""), o.getOrDefault("group", ""));
                            });
                });
    }

    public CompletionStage<RankingPage> rankingPage(String campaignId, RankingScope scope, long offset, int limit) {
        return validated(() -> {
            Validator v = new Validator().id("campaign_id", campaignId);
            if (scope == null) {
                v.check(false, "scope", "is required");
            } else {
                scope.validate(v);
            }
            v.range("offset", offset, 0, Integer.MAX_VALUE).range("limit", limit, 1, 1000).throwIfInvalid();
        }, () -> rankings.page(new CampaignKeys(campaignId), scope, offset, limit));
    }

    public CompletionStage<Standing> standing(String campaignId, String stewardId) {
        return validated(() -> new Validator().id("campaign_id", campaignId).id("steward_id", stewardId).throwIfInvalid(),
                () -> rankings.standing(new CampaignKeys(campaignId), stewardId));
    }

    public CompletionStage<LedgerPage> listLedger(String campaignId, String after, int limit) {
        return validated(() -> new Validator().id("campaign_id", campaignId)
                        .check(after == null || after.isEmpty() || after.matches("\\d{1,20}-\\d{1,20}"), "after",
                                "must be an entry_id from an earlier page")
                        .range("limit", limit, 1, 1000).throwIfInvalid(),
                () -> ledger.list(new CampaignKeys(campaignId), after == null ? "" : after, limit));
    }

    public CompletionStage<ReconcileReport> reconcile(String campaignId) {
        return reconcile(campaignId, AuditControl.NONE);
    }

    /** Checks every invariant of a campaign, in slices; {@code control} follows and can stop it. */
    public CompletionStage<ReconcileReport> reconcile(String campaignId, AuditControl control) {
        return validated(() -> new Validator().id("campaign_id", campaignId).throwIfInvalid(),
                () -> ledger.reconcile(new CampaignKeys(campaignId), control));
    }

    public CompletionStage<RebuildResult> rebuildRankings(String campaignId) {
        return rebuildRankings(campaignId, AuditControl.NONE);
    }

    /** Sets every derived figure of a campaign right from its ledger, in slices; {@code control} follows and can stop it. */
    public CompletionStage<RebuildResult> rebuildRankings(String campaignId, AuditControl control) {
        return validated(() -> new Validator().id("campaign_id", campaignId).throwIfInvalid(),
                () -> ledger.rebuild(new CampaignKeys(campaignId), control));
    }

    /** Replaces the campaign's SKUs on sale (docs/design.md, "Campaign metrics"). */
    public CompletionStage<MetricsBook.CatalogueResult> setCatalogue(SetCatalogue request) {
        return validated(request::validate, () -> metrics.setCatalogue(request));
    }

    /** Records visits; answers how many visitors were new to the campaign. */
    public CompletionStage<Long> recordVisits(RecordVisits request) {
        return validated(request::validate, () -> metrics.recordVisits(request));
    }

    /** Records an SMS batch; answers how many recipients were new, or -1 when the batch was recorded before. */
    public CompletionStage<Long> recordSmsSent(RecordSmsSent request) {
        return validated(request::validate, () -> metrics.recordSmsSent(request));
    }

    /** The figures of one scope ({@link MetricsScope#CAMPAIGN} for the whole campaign). */
    public CompletionStage<CampaignMetrics> campaignMetrics(String campaignId, MetricsScope scope) {
        return validated(() -> {
            Validator v = new Validator().id("campaign_id", campaignId);
            scope.validate(v);
            v.throwIfInvalid();
        }, () -> metrics.read(campaignId, scope));
    }

    private CompletableFuture<Map<String, String>> readHash(String key) {
        MapOptions<String, String> options = MapOptions.<String, String>name(key).codec(StringCodec.INSTANCE)
                .timeout(policy.readTimeout()).retryAttempts(policy.readRetries()).retryInterval(policy.retryInterval());
        return redisson.getMap(options).readAllMapAsync().toCompletableFuture();
    }

    private static void requireCampaign(Map<String, String> campaign, String campaignId) {
        if (campaign.isEmpty()) {
            throw new CommissionException(Reason.CAMPAIGN_NOT_FOUND, "campaign " + campaignId + " does not exist");
        }
    }

    private static long number(Map<String, String> hash, String field) {
        String value = hash.get(field);
        return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
    }

    /** Runs the validation first; its exception becomes a failed stage, so callers see one error path. */
    private static <T> CompletionStage<T> validated(Runnable validation, Supplier<CompletionStage<T>> action) {
        try {
            validation.run();
            return action.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
