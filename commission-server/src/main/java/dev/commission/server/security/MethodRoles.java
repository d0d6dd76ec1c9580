package dev.commission.server.security;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The role each RPC needs, by full method name. A method missing here is refused to everyone,
 * so a new RPC cannot be served until somebody decides who may call it
 * ({@code MethodRolesTest} checks that every served method is listed). Health and reflection
 * need no role: load balancers and tools must reach them.
 */
public final class MethodRoles {
    private static final String COMMISSION = "commission.v1.CommissionService/";
    private static final String RANKING = "commission.v1.RankingService/";
    private static final String SETTLEMENT = "commission.v1.SettlementService/";
    private static final String METRICS = "commission.v1.MetricsService/";

    private static final Map<String, Role> ROLES = Map.ofEntries(
            Map.entry(COMMISSION + "SettleCommission", Role.SETTLE),
            Map.entry(COMMISSION + "ReverseCommission", Role.SETTLE),

            Map.entry(COMMISSION + "CreateCampaign", Role.OPERATE),
            Map.entry(COMMISSION + "CloseCampaign", Role.OPERATE),
            Map.entry(COMMISSION + "RegisterSteward", Role.OPERATE),
            Map.entry(COMMISSION + "AdjustCommission", Role.OPERATE),
            Map.entry(COMMISSION + "TransferSteward", Role.OPERATE),
            Map.entry(COMMISSION + "RebuildRankings", Role.OPERATE),
            // Rewrites every ranking, like RebuildRankings: an operator's act, whatever it streams back.
            Map.entry(COMMISSION + "RebuildRankingsWithProgress", Role.OPERATE),

            Map.entry(COMMISSION + "GetCampaign", Role.READ),
            Map.entry(COMMISSION + "GetSteward", Role.READ),
            Map.entry(COMMISSION + "GetOrder", Role.READ),
            Map.entry(COMMISSION + "ListLedger", Role.READ),
            Map.entry(COMMISSION + "Reconcile", Role.READ),
            Map.entry(COMMISSION + "ReconcileWithProgress", Role.READ),
            Map.entry(RANKING + "GetRanking", Role.READ),
            Map.entry(RANKING + "GetStanding", Role.READ),
            Map.entry(RANKING + "WatchRanking", Role.READ),
            Map.entry(SETTLEMENT + "SubmitSettlement", Role.SETTLE),
            Map.entry(SETTLEMENT + "SubmitSettlements", Role.SETTLE),
            Map.entry(SETTLEMENT + "ListDeadLetters", Role.OPERATE),
            Map.entry(SETTLEMENT + "ReplayDeadLetter", Role.OPERATE),
            Map.entry(SETTLEMENT + "DiscardDeadLetter", Role.OPERATE),
            Map.entry(SETTLEMENT + "GetSettlement", Role.READ),
            Map.entry(SETTLEMENT + "GetQueueStats", Role.READ),
            // Feeds from the shop's own systems (catalogue, traffic, SMS sender), like the order-splitter's
            // settlements: machine callers holding the settle token, not operators or dashboards.
            Map.entry(METRICS + "SetCatalogue", Role.SETTLE),
            Map.entry(METRICS + "RecordVisits", Role.SETTLE),
            Map.entry(METRICS + "RecordSmsSent", Role.SETTLE),
            Map.entry(METRICS + "GetCampaignMetrics", Role.READ));

    /** Services anyone may call. */
    private static final Set<String> OPEN_SERVICES = Set.of("grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");

    private MethodRoles() {
    }

    /** Whether the method's service is open to callers without credentials. */
    public static boolean open(String serviceName) {
        return OPEN_SERVICES.contains(serviceName);
    }

    /** The role that {@code fullMethodName} needs; empty for a method nobody classified (refused). */
    public static Optional<Role> required(String fullMethodName) {
        return Optional.ofNullable(ROLES.get(fullMethodName));
    }
}
