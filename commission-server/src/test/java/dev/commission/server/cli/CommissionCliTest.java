package dev.commission.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import dev.commission.api.v1.Campaign;
import dev.commission.api.v1.Outcome;
import dev.commission.api.v1.RankingPage;
import dev.commission.api.v1.SettleResult;
import dev.commission.api.v1.TransferPolicy;
import dev.commission.core.EngineFixture;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.testing.InProcessServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The command-line tool against a real server (in process) over a real redis-server. */
@ExtendWith(RedisExtension.class)
class CommissionCliTest {
    private static final List<String> COMMANDS = List.of("create-campaign", "campaign", "close-campaign", "register",
            "steward", "settle", "refund", "adjust", "transfer", "order", "ledger", "reconcile", "rebuild", "ranking",
            "standing", "watch", "submit", "settlement", "dead-letters", "replay", "discard", "queue");

    private InProcessServer server;

    @BeforeEach
    void start() {
        server = InProcessServer.start(EngineFixture.engine(), RedisExtension.redisson());
        ok("create-campaign", "c1", "Spring sale", "rate=500", "cap=2000");
        ok("register", "c1", "s1", "Wang Fang", "east", "g1");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Cli.Run cli(String... args) {
        return Cli.run(server.channel(), args);
    }

    private Cli.Run ok(String... args) {
        Cli.Run run = cli(args);
        assertEquals(0, run.exit(), run.toString());
        return run;
    }

    @Test
    void theToolAndEveryCommandHaveHelp() {
        Cli.Run tool = ok("--help");
        for (String command : COMMANDS) {
            assertTrue(tool.out().contains("\n  " + command + " "), command + " listed in\n" + tool.out());

            Cli.Run help = ok(command, "--help");

            assertTrue(help.out().startsWith("Usage: commission-cli " + command + " [OPTIONS]"), help.toString());
        }
        assertTrue(tool.out().contains("Exit codes:"), tool.out());
    }

    @Test
    void aMissingOrBadArgumentIsUsageWithExitTwo() {
        Cli.Run missing = cli("settle", "c1", "o1", "s1");
        Cli.Run notANumber = cli("refund", "c1", "o1", "r1", "ten");
        Cli.Run noCommand = cli();

        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("Missing required parameter: 'SKU:QTY:PAID_FEN'"), missing.err());
        assertTrue(missing.err().contains("Usage: commission-cli settle"), missing.err());
        assertEquals(2, notANumber.exit(), notANumber.toString());
        assertTrue(notANumber.err().contains("'ten'"), notANumber.err());
        assertEquals(2, noCommand.exit(), noCommand.toString());
        for (Cli.Run run : List.of(missing, notANumber, noCommand)) {
            assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
            assertEquals("", run.out());
        }
    }

    @Test
    void exitCodesFollowTheErrorClass() {
        ok("settle", "c1", "o1", "s1", "sofa:1:39900");

        assertEquals(3, cli("settle", "nowhere", "o1", "s1", "sofa:1:39900").exit(), "NOT_FOUND");
        assertEquals(4, cli("settle", "c1", "o1", "s1", "sofa:1:29900").exit(), "ALREADY_EXISTS");
        assertEquals(4, cli("refund", "c1", "o1", "r1", "50000").exit(), "FAILED_PRECONDITION");
        assertEquals(2, cli("settle", "c1", "o2", "s1", "sofa:0:100").exit(), "INVALID_ARGUMENT");
        Cli.Run unavailable = Cli.run(null, "--target", "127.0.0.1:" + RedisExtension.freePort(), "campaign", "c1");
        assertEquals(5, unavailable.exit(), unavailable.toString());
        assertTrue(unavailable.err().startsWith("error: UNAVAILABLE"), unavailable.err());
    }

    @Test
    void enumWordsAreAcceptedInAnyCase() throws Exception {
        Cli.Run stay = ok("create-campaign", "c2", "Autumn", "RATE=100", "stay", "--json");
        ok("settle", "c1", "o1", "s1", "sofa:1:39900");
        Cli.Run lower = ok("ranking", "c1", "stewards", "--json");
        Cli.Run mixed = ok("ranking", "c1", "Stewards_In_Group:g1", "--json");

        assertEquals(TransferPolicy.STAY, parse(stay.out(), Campaign.getDefaultInstance()).getTransferPolicy());
        assertEquals(1_995, parse(lower.out(), RankingPage.getDefaultInstance()).getEntries(0).getScoreFen());
        assertEquals(parse(lower.out(), RankingPage.getDefaultInstance()), parse(mixed.out(), RankingPage.getDefaultInstance()));
    }

    @Test
    void jsonRepliesAreProto3JsonAndErrorsJsonOnStderr() throws Exception {
        Cli.Run applied = ok("--json", "settle", "c1", "o1", "s1", "sofa:1:39900");
        Cli.Run conflict = cli("settle", "c1", "o1", "s1", "sofa:1:29900", "--json");
        Cli.Run invalid = cli("settle", "c1", "o2", "s1", "sofa:0:100", "--json");
        Cli.Run usage = cli("settle", "c1", "--json");

        SettleResult result = parse(applied.out(), SettleResult.getDefaultInstance());
        assertEquals(Outcome.APPLIED, result.getOutcome());
        assertEquals(1_995, result.getCommissionFen());
        assertEquals("ALREADY_EXISTS", field(conflict.err(), "code"));
        assertEquals("ORDER_CONFLICT", field(conflict.err(), "reason"));
        Struct violation = parse(invalid.err(), Struct.getDefaultInstance()).getFieldsOrThrow("violations").getListValue()
                .getValues(0).getStructValue();
        assertEquals("lines[0].quantity", violation.getFieldsOrThrow("field").getStringValue());
        assertEquals("USAGE", field(usage.err(), "code"));
        assertEquals(2, usage.exit());
        assertEquals("", conflict.out() + invalid.out() + usage.out());
    }

    @SuppressWarnings("unchecked")
    static <M extends Message> M parse(String json, M prototype) throws Exception {
        Message.Builder builder = prototype.newBuilderForType();
        JsonFormat.parser().merge(json, builder);
        return (M) builder.build();
    }

    private static String field(String json, String name) throws Exception {
        Struct error = parse(json, Struct.getDefaultInstance());
        return error.getFieldsOrThrow(name).getStringValue();
    }
}
