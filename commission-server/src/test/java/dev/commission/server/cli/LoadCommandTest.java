package dev.commission.server.cli;

import static dev.commission.server.cli.CommissionCliTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import dev.commission.api.v1.Campaign;
import dev.commission.api.v1.GetCampaignRequest;
import dev.commission.core.EngineFixture;
import dev.commission.core.queue.SettlementWorkers;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.queue.SettlementGrpcService;
import dev.commission.server.testing.InProcessServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code load}: a file of orders replayed, twice, through SettleCommission and through the queue. */
@ExtendWith(RedisExtension.class)
class LoadCommandTest {
    private static final int ORDERS = 120;

    @TempDir
    Path dir;
    private InProcessServer server;
    private SettlementWorkers workers;

    @BeforeEach
    void start() {
        server = InProcessServer.start(EngineFixture.engine(), RedisExtension.redisson());
        cli("create-campaign", "c1", "Spring sale", "rate=1000");
        for (int s = 1; s <= 3; s++) {
            cli("register", "c1", "s" + s, "Steward " + s, "east", "g" + s);
        }
    }

    @AfterEach
    void stop() {
        if (workers != null) {
            workers.stop(Duration.ofSeconds(10));
        }
        server.close();
    }

    private Cli.Run cli(String... args) {
        return Cli.run(server.channel(), args);
    }

    /** Order i pays (i + 1) yuan on its first line and, every third order, 5 yuan more on a second line. */
    private Path csv() throws Exception {
        List<String> rows = new ArrayList<>(List.of("order_no,steward_id,sku_id,quantity,paid_fen"));
        for (int i = 0; i < ORDERS; i++) {
            rows.add("o" + i + ",s" + (1 + i % 3) + ",\"sofa-grey\",1," + (i + 1) * 100);
            if (i % 3 == 0) {
                rows.add("o" + i + ",s" + (1 + i % 3) + ",lamp,2,500");
            }
        }
        return Files.write(dir.resolve("orders.csv"), rows);
    }

    private static long paidInTotal() {
        long paid = 0;
        for (int i = 0; i < ORDERS; i++) {
            paid += (i + 1) * 100 + (i % 3 == 0 ? 500 : 0);
        }
        return paid;
    }

    private Campaign campaign() {
        return server.commission().getCampaign(GetCampaignRequest.newBuilder().setCampaignId("c1").build());
    }

    @Test
    void aCsvFileLoadedTwiceSettlesEveryOrderOnce() throws Exception {
        Path file = csv();

        Cli.Run first = cli("load", file.toString(), "--campaign", "c1");
        Cli.Run second = cli("load", file.toString(), "--campaign", "c1");

        assertEquals(0, first.exit(), first.toString());
        assertTrue(first.out().matches("(?s)orders.csv: 120 orders in .* through SettleCommission\n"
                + "  applied +120\n  duplicate +0\n  refused +0\n"), first.out());
        assertTrue(first.err().contains("120/120 100%") && first.err().contains("/s  ETA"), first.err());
        assertEquals(0, second.exit(), second.toString());
        assertTrue(second.out().matches("(?s).*\n  applied +0\n  duplicate +120\n  refused +0\n"), second.out());
        assertEquals(ORDERS, campaign().getOrders());
        assertEquals(paidInTotal(), campaign().getSalesFen());
        assertEquals(paidInTotal() / 10, campaign().getEarnedFen(), "10% of each order, each a whole number of fen");
    }

    @Test
    void aJsonlFileLoadedTwiceSettlesEveryOrderOnceAndSaysSoInJson() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            lines.add("{\"campaignId\":\"c1\",\"orderNo\":\"j" + i + "\",\"stewardId\":\"s" + (1 + i % 3)
                    + "\",\"lines\":[{\"skuId\":\"bed\",\"quantity\":1,\"paidFen\":\"1000\"}]}");
        }
        lines.add("{\"campaign_id\":\"c1\",\"order_no\":\"j-new\",\"steward_id\":\"s4\",\"region_id\":\"west\","
                + "\"group_id\":\"g4\",\"steward_name\":\"Zhao Min\",\"lines\":[{\"sku_id\":\"bed\",\"quantity\":1,\"paid_fen\":1000}]}");
        lines.add("{\"campaignId\":\"c1\",\"orderNo\":\"j-bad\",\"stewardId\":\"s9\",\"lines\":[{\"skuId\":\"bed\",\"quantity\":1,\"paidFen\":1000}]}");
        Path file = Files.write(dir.resolve("orders.jsonl"), lines);

        Cli.Run first = cli("load", file.toString(), "--json");
        Cli.Run second = cli("load", file.toString(), "--json");

        Struct once = parse(first.out(), Struct.getDefaultInstance());
        Struct twice = parse(second.out(), Struct.getDefaultInstance());
        assertEquals(4, first.exit(), "one order refused: " + first);
        assertEquals(ORDERS + 1, once.getFieldsOrThrow("applied").getNumberValue());
        assertEquals(1, once.getFieldsOrThrow("refusedByReason").getStructValue().getFieldsOrThrow("STEWARD_NOT_FOUND").getNumberValue());
        assertEquals(4, second.exit(), second.toString());
        assertEquals(0, twice.getFieldsOrThrow("applied").getNumberValue());
        assertEquals(ORDERS + 1, twice.getFieldsOrThrow("duplicate").getNumberValue());
        assertEquals(1, twice.getFieldsOrThrow("refused").getNumberValue());
        assertEquals("", first.err() + second.err(), "--json prints no progress bar");
        assertEquals(ORDERS + 1, campaign().getOrders());
    }

    @Test
    void throughTheQueueASecondLoadFindsEveryOrderSettled() throws Exception {
        workers = new SettlementWorkers(EngineFixture.engine().settlements(), EngineFixture.engine()::settle,
                SettlementGrpcService::describe, SettlementWorkers.Options.defaults(2)).start();
        Path file = csv();

        Cli.Run first = cli("load", file.toString(), "--campaign", "c1", "--via", "QUEUE", "--batch", "50");
        WatchCommandTest.awaitTrue(() -> campaign().getOrders() == ORDERS, "the workers to settle every order", campaign());
        Cli.Run second = cli("load", file.toString(), "--campaign", "c1", "--via", "queue");

        assertEquals(0, first.exit(), first.toString());
        assertTrue(first.out().matches("(?s).*through SubmitSettlements\n  queued +120\n.*"), first.out());
        assertEquals(0, second.exit(), second.toString());
        assertTrue(second.out().matches("(?s).*\n  queued +0\n  settled +120\n.*"), second.out());
        assertEquals(paidInTotal() / 10, campaign().getEarnedFen());
    }

    @Test
    void aMalformedFileIsRefusedBeforeAnyOrderIsSent() throws Exception {
        Path file = Files.write(dir.resolve("orders.csv"), List.of("order_no,steward_id,sku_id,quantity,paid_fen",
                "o1,s1,sofa,1,100", "o2,s1,sofa,one,100"));

        Cli.Run run = cli("load", file.toString(), "--campaign", "c1");

        assertEquals(2, run.exit(), run.toString());
        assertTrue(run.err().startsWith("error: orders.csv:3: quantity 'one' is not a whole number"), run.err());
        assertEquals(0, campaign().getOrders());
    }
}
