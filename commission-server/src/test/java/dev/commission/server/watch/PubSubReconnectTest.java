package dev.commission.server.watch;

import dev.commission.api.v1.RankingScope.Kind;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.api.v1.RankingSnapshot;
import dev.commission.api.v1.WatchRankingRequest;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.operation.LuaScript;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.order.SettleStrategy;
import dev.commission.core.ranking.RankingPage;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.ranking.RankingGrpcService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import static dev.commission.core.EngineFixture.campaign;
import static dev.commission.core.EngineFixture.engine;
import static dev.commission.core.EngineFixture.lines;
import static dev.commission.core.EngineFixture.steward;
import static dev.commission.server.watch.Rankings.page;
import static dev.commission.server.watch.Rankings.request;
import static dev.commission.server.watch.Rankings.shows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hub's pub/sub connection is killed by the server; it resubscribes and re-reads what it watches. */
@ExtendWith(RedisExtension.class)
class PubSubReconnectTest {
    private static final String HUB_CLIENT = "watch-hub-under-test";

    private RedissonClient hubRedisson;
    private RankingWatchHub hub;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        Config config = new Config();
        config.useSingleServer().setAddress(RedisExtension.url()).setClientName(HUB_CLIENT);
        hubRedisson = Redisson.create(config);
        // No periodic refresh: only the resubscription can recover what was published meanwhile.
        hub = new RankingWatchHub(hubRedisson, ScopeReader.of(engine()), Duration.ofMillis(25), Duration.ofHours(1));
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new RankingGrpcService(engine(), hub)).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
        hub.close();
        hubRedisson.shutdown();
    }

    @Test
    void watcherConvergesAfterTheSubscriberConnectionIsKilled() {
        campaign("c1", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW);
        steward("c1", "ann", "north", "g1");
        steward("c1", "bob", "north", "g1");
        WatchRankingRequest request = request("c1", Kind.STEWARDS, "", 10, 50);
        SnapshotRecorder watcher = SnapshotRecorder.automatic();
        RankingServiceGrpc.newStub(channel).watchRanking(request, watcher);
        watcher.awaitFirst();
        long subscriptionsBefore = hub.stats().subscriptions();

        String subscriber = RedisAdmin.clients().stream()
                .filter(c -> HUB_CLIENT.equals(c.get("name")) && !"0".equals(c.get("psub")))
                .map(c -> c.get("id")).findFirst()
                .orElseThrow(() -> new AssertionError("no psubscribe connection in " + RedisAdmin.clients()));

        // In one transaction: the subscriber is gone before the settle publishes, so its event is
        // lost for sure; only the resubscription's re-read can bring the change.
        List<Object> replies = RedisAdmin.transaction(List.of(
                List.of("CLIENT", "KILL", "ID", subscriber),
                evalSha(new SettleCommission("c1", "o1", "bob", lines(7_000)))));
        assertEquals("1", replies.get(0), "killed " + replies);
        assertEquals("APPLIED", ((List<?>) replies.get(1)).get(0), "settled " + replies);

        RankingPage expected = page(engine(), request);
        RankingSnapshot last = watcher.awaitLast(s -> shows(s, expected), "the watcher to show " + expected);
        assertTrue(shows(last, expected));
        Poll.until(() -> hub.stats().subscriptions() > subscriptionsBefore, () -> "a resubscription: " + hub.stats());
        Poll.until(() -> RedisAdmin.clients().stream()
                        .anyMatch(c -> HUB_CLIENT.equals(c.get("name")) && "1".equals(c.get("psub"))),
                () -> "the hub to be subscribed again");
    }

    /** EVALSHA of the settle script for this request, as the engine would send it. */
    private static List<String> evalSha(SettleCommission request) {
        SettleStrategy strategy = new SettleStrategy();
        List<Object> keys = strategy.keys(request);
        List<String> command = new ArrayList<>(List.of("EVALSHA", LuaScript.load(strategy.name()).sha(),
                Integer.toString(keys.size())));
        keys.forEach(k -> command.add(k.toString()));
        strategy.args(request).forEach(a -> command.add(a.toString()));
        return command;
    }
}
