package dev.commission.core;

import static dev.commission.core.EngineFixture.await;
import static dev.commission.core.EngineFixture.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.core.campaign.Campaign;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.CreateCampaign;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.ledger.InvariantCheck;
import dev.commission.core.ledger.LedgerEntry;
import dev.commission.core.ledger.LedgerPage;
import dev.commission.core.ledger.RebuildResult;
import dev.commission.core.ledger.ReconcileReport;
import dev.commission.core.metrics.RecordSmsSent;
import dev.commission.core.order.AdjustCommission;
import dev.commission.core.order.AdjustResult;
import dev.commission.core.order.Order;
import dev.commission.core.order.Outcome;
import dev.commission.core.order.ReverseCommission;
import dev.commission.core.order.ReverseResult;
import dev.commission.core.order.SettleCommission;
import dev.commission.core.order.SettleResult;
import dev.commission.core.queue.DeadLetter;
import dev.commission.core.queue.QueueKeys;
import dev.commission.core.queue.SettlementQueue;
import dev.commission.core.queue.SettlementState;
import dev.commission.core.queue.SettlementWorkers;
import dev.commission.core.ranking.RankingEntry;
import dev.commission.core.ranking.RankingPage;
import dev.commission.core.ranking.RankingScope;
import dev.commission.core.ranking.RankingScope.Kind;
import dev.commission.core.ranking.ScopeStanding;
import dev.commission.core.ranking.Standing;
import dev.commission.core.steward.RegisterSteward;
import dev.commission.core.steward.Steward;
import dev.commission.core.steward.TransferResult;
import dev.commission.core.steward.TransferSteward;
import dev.commission.core.testing.EmbeddedCluster;
import dev.commission.core.testing.EmbeddedCluster.ErrorReply;
import dev.commission.core.testing.ScriptKeyMonitor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The engine against a real three-master Redis Cluster: campaigns whose hash tags live on
 * different nodes go through every operation with exact amounts and scores, reconcile clean,
 * rebuild, and recover from NOSCRIPT on the node that owns their slot.
 */
class ClusterTest {
    private static EmbeddedCluster cluster;
    private static RedissonClient redisson;
    private static CommissionEngine engine;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedCluster.start();
        redisson = cluster.redisson();
        engine = new CommissionEngine(redisson);
    }

    @AfterAll
    static void stopCluster() {
        if (redisson != null) {
            redisson.shutdown();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The first id {@code <stem>-<n>} whose campaign hash tag lands on {@code node}. */
    static String campaignOn(int node, String stem) {
        for (int n = 0; ; n++) {
            String id = stem + "-" + n;
            if (EmbeddedCluster.nodeOfSlot(EmbeddedCluster.slot(new CampaignKeys(id).campaign())) == node) {
                return id;
            }
        }
    }

    /** One FOLLOW and one STAY campaign on each of the three masters. */
    static Stream<Arguments> campaigns() {
        List<Arguments> all = new ArrayList<>();
        for (int node = 0; node < EmbeddedCluster.NODES; node++) {
            for (TransferPolicy policy : TransferPolicy.values()) {
                all.add(Arguments.of(node, policy, campaignOn(node, policy.name().toLowerCase())));
            }
        }
        return all.stream();
    }

    @Test
    void campaignsAreSpreadOverEveryMasterAndSlotsAgreeWithRedis() {
        Map<Integer, List<String>> byNode = campaigns().collect(Collectors.groupingBy(
                a -> (Integer) a.get()[0], Collectors.mapping(a -> (String) a.get()[2], Collectors.toList())));
        assertEquals(EmbeddedCluster.NODES, byNode.size(), byNode.toString());
        campaigns().forEach(a -> {
            String key = new CampaignKeys((String) a.get()[2]).campaign();
            long serverSlot = (Long) cluster.call(0, "CLUSTER", "KEYSLOT", key);
            assertEquals(serverSlot, EmbeddedCluster.slot(key), key);
            assertEquals(serverSlot, redisson.getKeys().getSlot(key), key);
        });
    }

    @ParameterizedTest(name = "node {0}, {1}, campaign {2}")
    @MethodSource("campaigns")
    void everyOperationWorksOnTheNodeThatOwnsTheCampaign(int node, TransferPolicy policy, String c) {
        CampaignKeys keys = new CampaignKeys(c);
        Map<List<String>, List<String>> touched;
        try (ScriptKeyMonitor monitor = new ScriptKeyMonitor(cluster, node)) {
            runEveryOperation(node, policy, c);
            touched = monitor.scriptCommandKeys();
        }

        // Every key any script touched, declared in KEYS or built inside the script, is the
        // campaign's (same hash tag, same slot): Redis would not have checked that for us.
        int slot = EmbeddedCluster.slot(keys.campaign());
        Set<String> keysTouched = new TreeSet<>();
        touched.forEach((command, commandKeys) -> {
            if (commandKeys.isEmpty()) {
                assertTrue(Set.of("TIME", "PUBLISH").contains(command.get(0).toUpperCase()), command.toString());
            }
            keysTouched.addAll(commandKeys);
        });
        assertTrue(touched.size() > 100, "only " + touched.size() + " script commands seen");
        for (String key : keysTouched) {
            assertTrue(key.startsWith(keys.prefix()), key);
            assertEquals(slot, EmbeddedCluster.slot(key), key);
        }
        // ... including keys no script declares: placement rankings and steward hashes read by
        // standing, reverse and the snapshot.
        assertTrue(keysTouched.containsAll(List.of(keys.rankStewardsInRegion("r2"), keys.rankStewardsInGroup("g3"),
                keys.rankGroupsInRegion("r1"), keys.steward("s1"), keys.orderBucket("o7"))), keysTouched.toString());
    }

    private void runEveryOperation(int node, TransferPolicy policy, String c) {
        boolean follow = policy == TransferPolicy.FOLLOW;
        CampaignKeys keys = new CampaignKeys(c);

        Campaign created = await(engine.createCampaign(new CreateCampaign(c, "Campaign " + c,
                CommissionRule.rate(1000, 0), policy)));
        assertEquals(policy, created.transferPolicy());
        register(c, "s1", "r1", "g1");
        register(c, "s2", "r1", "g2");
        Steward s3 = register(c, "s3", "r2", "g3");
        assertEquals("g3", s3.groupId());

        assertSettled(100, 100, settle(c, "o1", "s1", 600, 400));
        assertSettled(200, 200, settle(c, "o2", "s2", 2_000));
        assertSettled(80, 80, settle(c, "o3", "s3", 500, 300));
        assertEquals(Outcome.DUPLICATE, settle(c, "o1", "s1", 600, 400).outcome());

        ReverseResult refund = refund(c, "o1", "rf1", 400); // 600 still paid -> 60
        assertEquals(40, refund.reversedFen());
        assertFalse(refund.pendingSettlement());
        ReverseResult early = refund(c, "o4", "early", 250);
        assertTrue(early.pendingSettlement());
        assertEquals(0, early.reversedFen());
        assertEquals(Order.State.AWAITING_SETTLEMENT, await(engine.getOrder(c, "o4")).state());
        assertSettled(75, 275, settle(c, "o4", "s2", 1_000)); // 100 on 1000, less 25 on the early 250

        AdjustResult adjusted = await(engine.adjust(new AdjustCommission(c, "adj1", "s3", 20, "bonus")));
        assertEquals(100, adjusted.stewardEarnedFen());

        TransferResult moved = await(engine.transfer(new TransferSteward(c, "s1", "t1", "r2", "g3")));
        assertEquals("r1", moved.fromRegionId());
        assertEquals("g1", moved.fromGroupId());
        assertEquals(follow ? 60 : 0, moved.movedFen());
        assertSettled(100, 160, settle(c, "o5", "s1", 1_000));
        // Under FOLLOW taken from s1's current (r2, g3); under STAY from (r1, g1) where o1 settled.
        assertEquals(10, refund(c, "o1", "rf2", 100).reversedFen());

        // Settlement with a placement: registers s4 on the fly, and moves s3 first.
        SettleResult onTheFly = await(engine.settle(new SettleCommission(c, "o6", "s4", lines(300), "r2", "g2", "Dora")));
        assertSettled(30, 30, onTheFly);
        assertSettled(20, 120, await(engine.settle(new SettleCommission(c, "o7", "s3", lines(200), "r1", "g2", ""))));

        // Stewards, orders, campaign totals.
        assertSteward(c, "s1", 150, 1_500, 2, "r2", "g3");
        assertSteward(c, "s2", 275, 2_750, 2, "r1", "g2");
        assertSteward(c, "s3", 120, 1_000, 2, "r1", "g2");
        assertSteward(c, "s4", 30, 300, 1, "r2", "g2");
        Campaign campaign = await(engine.getCampaign(c));
        assertEquals(575, campaign.earnedFen());
        assertEquals(5_550, campaign.salesFen());
        assertEquals(7, campaign.orders());
        Order o1 = await(engine.getOrder(c, "o1"));
        assertEquals(Order.State.SETTLED, o1.state());
        assertEquals(500, o1.refundedFen());
        assertEquals(50, o1.commissionFen());
        Order o4 = await(engine.getOrder(c, "o4"));
        assertEquals(100, o4.settledCommissionFen());
        assertEquals(25, o4.reversedCommissionFen());

        // Rankings, paged.
        assertPage(c, RankingScope.of(Kind.STEWARDS), 0, 10, 4,
                row(1, "s2", "Name s2", 275), row(2, "s1", "Name s1", 150), row(3, "s3", "Name s3", 120),
                row(4, "s4", "Dora", 30));
        assertPage(c, RankingScope.of(Kind.STEWARDS), 1, 2, 4,
                row(2, "s1", "Name s1", 150), row(3, "s3", "Name s3", 120));
        assertPage(c, RankingScope.of(Kind.STEWARDS_IN_REGION, "r1"), 0, 10, 2,
                row(1, "s2", "Name s2", 275), row(2, "s3", "Name s3", 120));
        assertPage(c, RankingScope.of(Kind.STEWARDS_IN_GROUP, "g2"), 0, 10, 3,
                row(1, "s2", "Name s2", 275), row(2, "s3", "Name s3", 120), row(3, "s4", "Dora", 30));
        assertPage(c, RankingScope.of(Kind.STEWARDS_IN_GROUP, "g1"), 0, 10, 0);
        if (follow) {
            assertPage(c, RankingScope.of(Kind.GROUPS), 0, 10, 2, row(1, "g2", "g2", 425), row(2, "g3", "g3", 150));
            assertPage(c, RankingScope.of(Kind.REGIONS), 0, 10, 2, row(1, "r1", "r1", 395), row(2, "r2", "r2", 180));
            assertPage(c, RankingScope.of(Kind.GROUPS_IN_REGION, "r1"), 0, 10, 1, row(1, "g2", "g2", 395));
            assertPage(c, RankingScope.of(Kind.GROUPS_IN_REGION, "r2"), 0, 10, 2,
                    row(1, "g3", "g3", 150), row(2, "g2", "g2", 30));
        } else {
            assertPage(c, RankingScope.of(Kind.GROUPS), 0, 10, 3,
                    row(1, "g2", "g2", 325), row(2, "g3", "g3", 200), row(3, "g1", "g1", 50));
            assertPage(c, RankingScope.of(Kind.REGIONS), 0, 10, 2, row(1, "r1", "r1", 345), row(2, "r2", "r2", 230));
            assertPage(c, RankingScope.of(Kind.GROUPS_IN_REGION, "r1"), 0, 10, 2,
                    row(1, "g2", "g2", 295), row(2, "g1", "g1", 50));
            assertPage(c, RankingScope.of(Kind.GROUPS_IN_REGION, "r2"), 0, 10, 2,
                    row(1, "g3", "g3", 200), row(2, "g2", "g2", 30));
        }

        // Standing: the region and group rankings are keys the script builds itself.
        Standing standing = await(engine.standing(c, "s1"));
        assertEquals(3, standing.scopes().size());
        ScopeStanding all = standing.scopes().get(0);
        assertEquals(List.of(2L, 4L, 150L, 125L), List.of(all.rank(), all.members(), all.scoreFen(), all.gapToAboveFen()));
        assertEquals(List.of("s2"), ids(all.above()));
        assertEquals(List.of("s3", "s4"), ids(all.below()));
        ScopeStanding region = standing.scopes().get(1);
        assertEquals(RankingScope.of(Kind.STEWARDS_IN_REGION, "r2"), region.scope());
        assertEquals(List.of(1L, 2L, 150L, 0L), List.of(region.rank(), region.members(), region.scoreFen(), region.gapToAboveFen()));
        assertEquals(List.of("s4"), ids(region.below()));
        ScopeStanding group = standing.scopes().get(2);
        assertEquals(RankingScope.of(Kind.STEWARDS_IN_GROUP, "g3"), group.scope());
        assertEquals(List.of(1L, 1L, 150L), List.of(group.rank(), group.members(), group.scoreFen()));

        // Ledger, paged five at a time.
        List<LedgerEntry> ledger = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String after = "";
        do {
            LedgerPage page = await(engine.listLedger(c, after, 5));
            ledger.addAll(page.entries());
            pageSizes.add(page.entries().size());
            after = page.nextAfter();
        } while (!after.isEmpty());
        assertEquals(List.of("register", "register", "register", "settle", "settle", "settle", "reverse", "settle",
                "reverse", "adjust", "transfer", "settle", "reverse", "register", "settle", "transfer", "settle"),
                ledger.stream().map(LedgerEntry::type).toList());
        assertTrue(pageSizes.equals(List.of(5, 5, 5, 2)), pageSizes.toString());
        assertEquals(575, ledger.stream().mapToLong(LedgerEntry::deltaFen).sum());
        assertEquals("early", ledger.get(8).fields().get("refund"));
        assertEquals(-25, ledger.get(8).deltaFen());
        assertEquals(follow ? "60" : "0", ledger.get(10).fields().get("moved"));
        assertEquals("@order:o7", ledger.get(15).fields().get("transfer"));
        assertEquals(follow ? "100" : "0", ledger.get(15).fields().get("moved"));
        assertEquals(follow ? "g3" : "g1", ledger.get(12).groupId());

        // Every key of the campaign lives on its node only, in its one slot.
        assertKeysOnlyOn(node, keys);

        // Reconcile, corrupt, reconcile, rebuild, reconcile.
        ReconcileReport report = await(engine.reconcile(c));
        assertTrue(report.clean(), failures(report).toString());
        assertEquals(ledger.get(ledger.size() - 1).entryId(), report.ledgerLastId());
        redisson.getScoredSortedSet(keys.rankGroups(), StringCodec.INSTANCE).add(999, "g2");
        redisson.getScoredSortedSet(keys.rankStewardsInRegion("r2"), StringCodec.INSTANCE).add(7, "s1");
        redisson.getMap(keys.steward("s2"), StringCodec.INSTANCE).put("earned", "1");
        redisson.getMap(keys.totals(), StringCodec.INSTANCE).put("sales", "1");
        ReconcileReport broken = await(engine.reconcile(c));
        assertFalse(broken.clean());
        Map<String, List<String>> failed = failures(broken);
        assertTrue(failed.containsKey("group_scores"), failed.toString());
        assertTrue(failed.containsKey("ledger_equals_totals"), failed.toString());
        assertTrue(failed.get("group_scores").stream().anyMatch(line -> line.contains("999")), failed.toString());

        RebuildResult rebuilt = await(engine.rebuildRankings(c));
        assertEquals(17, rebuilt.entriesReplayed());
        assertEquals(report.ledgerLastId(), rebuilt.ledgerLastId());
        ReconcileReport healed = await(engine.reconcile(c));
        assertTrue(healed.clean(), failures(healed).toString());
        assertEquals(follow ? 425.0 : 325.0, score(keys.rankGroups(), "g2"));
        assertEquals(150.0, score(keys.rankStewardsInRegion("r2"), "s1"));
        assertSteward(c, "s2", 275, 2_750, 2, "r1", "g2");
        assertEquals(5_550, await(engine.getCampaign(c)).salesFen());
        assertKeysOnlyOn(node, keys);
    }

    @Test
    void scriptFlushOnEveryNodeIsRecoveredOnTheNodeThatOwnsTheCampaign() {
        String settleSha = engine.registry().runner().script("settle").sha();
        String pageSha = engine.registry().runner().script("ranking-page").sha();
        for (int node = 0; node < EmbeddedCluster.NODES; node++) {
            String c = campaignOn(node, "flush");
            await(engine.createCampaign(new CreateCampaign(c, "Flush " + c, CommissionRule.rate(500, 0), TransferPolicy.FOLLOW)));
            register(c, "s1", "r1", "g1");
            assertSettled(50, 50, settle(c, "o1", "s1", 1_000));

            for (int n = 0; n < EmbeddedCluster.NODES; n++) {
                if (node == 0) { // loaded on every master when the engine started
                    assertEquals(List.of(1L, 1L), cluster.call(n, "SCRIPT", "EXISTS", settleSha, pageSha), "node " + n);
                }
                assertEquals("OK", cluster.call(n, "SCRIPT", "FLUSH"));
                assertEquals(List.of(0L, 0L), cluster.call(n, "SCRIPT", "EXISTS", settleSha, pageSha));
            }

            assertSettled(100, 150, settle(c, "o2", "s1", 2_000));
            assertPage(c, RankingScope.of(Kind.GROUPS), 0, 10, 1, row(1, "g1", "g1", 150));
            assertTrue(await(engine.reconcile(c)).clean());

            // Reloaded where the campaign's slot lives, and only there.
            for (int n = 0; n < EmbeddedCluster.NODES; n++) {
                long loaded = n == node ? 1L : 0L;
                assertEquals(List.of(loaded, loaded), cluster.call(n, "SCRIPT", "EXISTS", settleSha, pageSha),
                        "node " + n + " after recovery for campaign " + c + " on node " + node);
            }
            assertSteward(c, "s1", 150, 3_000, 2, "r1", "g1");
        }
    }

    /**
     * What Redis 7.0 itself checks about keys a script did not declare. A key on another node is
     * refused. A key in another slot of the same node is refused only for scripts that opt in
     * with a {@code #!lua} shebang; plain EVAL/EVALSHA scripts (as the service's are) may touch
     * it. So the single-slot property of the service's scripts rests on their key names, which
     * {@link #everyOperationWorksOnTheNodeThatOwnsTheCampaign} checks command by command.
     */
    @Test
    void whatRedisChecksAboutUndeclaredKeys() {
        String here = campaignOn(0, "probe");
        int hereSlot = EmbeddedCluster.slot(new CampaignKeys(here).campaign());
        String sameNodeOtherSlot = null;
        for (int n = 0; sameNodeOtherSlot == null; n++) {
            String candidate = "other-" + n;
            int slot = EmbeddedCluster.slot(new CampaignKeys(candidate).campaign());
            if (EmbeddedCluster.nodeOfSlot(slot) == 0 && slot != hereSlot) {
                sameNodeOtherSlot = candidate;
            }
        }
        String otherNode = campaignOn(1, "probe");
        String declared = new CampaignKeys(here).campaign();
        String script = "redis.call('EXISTS', KEYS[1]); return redis.call('EXISTS', ARGV[1])";
        String strict = "#!lua\n" + script;

        assertEquals(0L, cluster.call(0, "EVAL", script, "1", declared, new CampaignKeys(here).rankStewardsInGroup("g1")));
        assertEquals(0L, cluster.call(0, "EVAL", strict, "1", declared, new CampaignKeys(here).rankStewardsInGroup("g1")));

        String otherSlotKey = new CampaignKeys(sameNodeOtherSlot).rankStewardsInGroup("g1");
        assertEquals(0L, cluster.call(0, "EVAL", script, "1", declared, otherSlotKey));
        Object strictOtherSlot = cluster.call(0, "EVAL", strict, "1", declared, otherSlotKey);
        assertInstanceOf(ErrorReply.class, strictOtherSlot);
        assertTrue(((ErrorReply) strictOtherSlot).message().startsWith(
                "ERR Script attempted to access keys that do not hash to the same slot"), strictOtherSlot.toString());

        Object remote = cluster.call(0, "EVAL", script, "1", declared, new CampaignKeys(otherNode).rankStewardsInGroup("g1"));
        assertInstanceOf(ErrorReply.class, remote);
        assertTrue(((ErrorReply) remote).message().startsWith(
                "ERR Script attempted to access a non local key in a cluster node"), remote.toString());
    }

    /**
     * While the campaign's slot migrates to another node, a key a script builds itself (the
     * steward's region and group rankings) may already have moved. Redis checks such a key only
     * when the script touches it, and a script has no rollback: a refusal after the first write
     * leaves the campaign half-written. A refused operation must write nothing.
     */
    @Test
    void anOperationRefusedDuringSlotMigrationWritesNothing() {
        String c = campaignOn(0, "reshard");
        CampaignKeys keys = new CampaignKeys(c);
        String slot = Integer.toString(EmbeddedCluster.slot(keys.campaign()));
        await(engine.createCampaign(new CreateCampaign(c, "Reshard", CommissionRule.rate(1000, 0), TransferPolicy.FOLLOW)));
        register(c, "s1", "r1", "g1");
        register(c, "s2", "r2", "g2");
        assertSettled(100, 100, settle(c, "o1", "s1", 1_000));
        await(engine.adjust(new AdjustCommission(c, "a1", "s1", 5, "before")));
        await(engine.transfer(new TransferSteward(c, "s2", "t0", "r2", "g2"))); // creates the transfers hash
        // creates the order's refunds hash: a declared key missing on the migrating source would make
        // Redis refuse the whole script with TRYAGAIN before it runs, never reaching the built keys
        refund(c, "o1", "rf0", 100);
        // likewise the SMS hash, which the refund declares
        await(engine.recordSmsSent(new RecordSmsSent(c, "m0", List.of("b0"), 1)));
        List<String> moving = List.of(keys.rankStewardsInRegion("r1"), keys.rankStewardsInGroup("g1"));
        Object before = campaignState(keys);

        String source = (String) cluster.call(0, "CLUSTER", "MYID");
        String target = (String) cluster.call(1, "CLUSTER", "MYID");
        assertEquals("OK", cluster.call(1, "CLUSTER", "SETSLOT", slot, "IMPORTING", source));
        assertEquals("OK", cluster.call(0, "CLUSTER", "SETSLOT", slot, "MIGRATING", target));
        try {
            for (String key : moving) {
                assertEquals("OK", cluster.call(0, "MIGRATE", "127.0.0.1", Integer.toString(cluster.port(1)), "", "0",
                        "5000", "KEYS", key));
            }
            // Every declared key is still on the source, so each script starts there.
            assertFails(() -> await(engine.adjust(new AdjustCommission(c, "a2", "s1", 7, "during"))));
            assertFails(() -> refund(c, "o1", "rf1", 500));
            assertFails(() -> await(engine.transfer(new TransferSteward(c, "s1", "t1", "r2", "g2"))));
            assertEquals(before, campaignState(keys));
        } finally {
            // Abort the migration: the moved keys go home, both nodes forget the migration.
            assertEquals("OK", cluster.call(0, "CLUSTER", "SETSLOT", slot, "STABLE"));
            try (EmbeddedCluster.Connection importing = cluster.connect(1)) {
                for (String key : moving) {
                    assertEquals("OK", importing.call("ASKING"));
                    assertEquals("OK", importing.call("MIGRATE", "127.0.0.1", Integer.toString(cluster.port(0)), "", "0",
                            "5000", "KEYS", key));
                }
            }
            assertEquals("OK", cluster.call(1, "CLUSTER", "SETSLOT", slot, "STABLE"));
        }
        ReconcileReport report = await(engine.reconcile(c));
        assertTrue(report.clean(), failures(report).toString());
    }

    private static void assertFails(Executable call) {
        RuntimeException e = assertThrows(RuntimeException.class, call);
        assertTrue(String.valueOf(e.getMessage()).contains("non local key"), String.valueOf(e));
    }

    /** What an operation writes: the ledger's length, the steward, the totals, the orders, the rankings. */
    private static Object campaignState(CampaignKeys keys) {
        return List.of(cluster.call(0, "XLEN", keys.ledger()),
                cluster.call(0, "HGETALL", keys.steward("s1")),
                cluster.call(0, "HGETALL", keys.totals()),
                cluster.call(0, "HGET", keys.orderBucket("o1"), "o1"),
                cluster.call(0, "HGETALL", keys.orderRefunds("o1")),
                cluster.call(0, "HGETALL", keys.adjustments()),
                cluster.call(0, "HGETALL", keys.placements()),
                cluster.call(0, "ZRANGE", keys.rankStewards(), "0", "-1", "WITHSCORES"),
                cluster.call(0, "ZRANGE", keys.rankGroups(), "0", "-1", "WITHSCORES"),
                cluster.call(0, "ZRANGE", keys.rankRegions(), "0", "-1", "WITHSCORES"),
                cluster.call(0, "ZRANGE", keys.rankGroupsInRegion("r1"), "0", "-1", "WITHSCORES"));
    }

    // ---- helpers ----

    private static Steward register(String c, String stewardId, String region, String group) {
        return await(engine.registerSteward(new RegisterSteward(c, stewardId, "Name " + stewardId, region, group)));
    }

    private static SettleResult settle(String c, String orderNo, String stewardId, long... paidFen) {
        return await(engine.settle(new SettleCommission(c, orderNo, stewardId, lines(paidFen))));
    }

    private static ReverseResult refund(String c, String orderNo, String refundId, long fen) {
        return await(engine.reverse(new ReverseCommission(c, orderNo, refundId, fen, List.of())));
    }

    private static void assertSettled(long commission, long earnedAfter, SettleResult result) {
        assertEquals(Outcome.APPLIED, result.outcome());
        assertEquals(commission, result.commissionFen(), "commission of " + result.orderNo());
        assertEquals(earnedAfter, result.stewardEarnedFen(), "earned after " + result.orderNo());
    }

    private static void assertSteward(String c, String stewardId, long earned, long sales, long orders,
                                      String region, String group) {
        Steward s = await(engine.getSteward(c, stewardId));
        assertEquals(List.of(earned, sales, orders, region, group),
                List.of(s.earnedFen(), s.salesFen(), s.orders(), s.regionId(), s.groupId()), stewardId);
    }

    private static RankingEntry row(long rank, String id, String name, long score) {
        return new RankingEntry(rank, id, name, score);
    }

    private static void assertPage(String c, RankingScope scope, long offset, int limit, long total,
                                   RankingEntry... expected) {
        RankingPage page = await(engine.rankingPage(c, scope, offset, limit));
        assertEquals(List.of(expected), page.entries(), scope.token());
        assertEquals(total, page.totalMembers(), scope.token());
    }

    private static List<String> ids(List<RankingEntry> entries) {
        return entries.stream().map(RankingEntry::memberId).toList();
    }

    private static Double score(String key, String member) {
        return redisson.getScoredSortedSet(key, StringCodec.INSTANCE).getScore(member);
    }

    private static Map<String, List<String>> failures(ReconcileReport report) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (InvariantCheck check : report.checks()) {
            if (!check.ok()) {
                out.put(check.name(), check.discrepancies());
            }
        }
        return out;
    }

    /**
     * The settlement queue on Cluster: its 16 partitions spread over the masters (each its own
     * hash tag), a batch lands partition by partition, workers drain every partition into a
     * campaign held by another node, and a dead letter is listed and replayed across nodes.
     */
    @Test
    void theQueueSpreadsItsPartitionsOverTheMastersAndSettlesEveryOrderOnce() {
        Set<Integer> nodes = new TreeSet<>();
        for (int p = 0; p < QueueKeys.PARTITIONS; p++) {
            nodes.add(EmbeddedCluster.nodeOfSlot(EmbeddedCluster.slot(new QueueKeys(p).stream())));
        }
        assertEquals(EmbeddedCluster.NODES, nodes.size(), "partitions on the masters " + nodes);

        String c = campaignOn(2, "queued");
        await(engine.createCampaign(new CreateCampaign(c, "Queued " + c, CommissionRule.rate(1000, 0),
                TransferPolicy.FOLLOW)));
        register(c, "s1", "r1", "g1");
        SettlementQueue queue = engine.settlements();
        List<SettleCommission> batch = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            batch.add(new SettleCommission(c, "q" + i, "s1", lines(1_000)));
        }
        batch.add(new SettleCommission(c, "lost", "nobody", lines(1_000))); // an unknown steward: parked
        for (var submitted : queue.submitAll(batch)) {
            assertEquals(SettlementState.QUEUED, await(submitted).state());
        }
        assertEquals(SettlementState.QUEUED, await(queue.submit(batch.get(0))).state(), "a resubmission");

        try (SettlementWorkers workers = new SettlementWorkers(queue, engine::settle, SettlementWorkers::describeInCore,
                SettlementWorkers.Options.defaults(2).withTimeouts(Duration.ofMillis(200), Duration.ofMillis(400)))
                .start()) {
            waitFor("every order settled or parked", () -> await(queue.stats()).total().depth() == 0);
            DeadLetter letter = await(queue.deadLetters(c, "", 10)).deadLetters().get(0);
            assertEquals("lost", letter.request().orderNo());
            assertEquals("STEWARD_NOT_FOUND", letter.lastError().reason());

            register(c, "nobody", "r2", "g2");
            await(queue.replay(letter.id()));
            waitFor("the replayed order settled", () -> await(queue.get(c, "lost")).state() == SettlementState.SETTLED);
        }
        for (int i = 0; i < 64; i++) {
            assertEquals(SettlementState.SETTLED, await(queue.get(c, "q" + i)).state());
        }
        assertEquals(6_400, await(engine.getSteward(c, "s1")).earnedFen());
        assertEquals(100, await(engine.getSteward(c, "nobody")).earnedFen());
        assertTrue(await(engine.reconcile(c)).clean());
    }

    private static void waitFor(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 60 s: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** The campaign's keys are all in one slot, held by {@code node}; no other node has any. */
    @SuppressWarnings("unchecked")
    private static void assertKeysOnlyOn(int node, CampaignKeys keys) {
        String slot = Integer.toString(EmbeddedCluster.slot(keys.campaign()));
        for (int n = 0; n < EmbeddedCluster.NODES; n++) {
            List<String> here = (List<String>) cluster.call(n, "KEYS", keys.prefix() + "*");
            if (n == node) {
                assertTrue(here.size() > 20, here.toString());
                List<String> inSlot = (List<String>) cluster.call(n, "CLUSTER", "GETKEYSINSLOT", slot, "10000");
                assertEquals(here.stream().sorted().toList(),
                        inSlot.stream().filter(k -> k.startsWith(keys.prefix())).sorted().toList());
            } else {
                assertEquals(List.of(), here, "node " + n + " holds keys of " + keys.campaignId());
            }
        }
    }
}
