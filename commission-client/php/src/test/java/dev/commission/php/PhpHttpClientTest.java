package dev.commission.php;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.commission.api.v1.CommissionProto;
import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.GetRankingRequest;
import dev.commission.api.v1.GetStandingRequest;
import dev.commission.api.v1.GetStewardRequest;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.RankingProto;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.RegisterStewardRequest;
import dev.commission.api.v1.ReverseCommissionRequest;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.TransferPolicy;
import dev.commission.client.BearerToken;
import dev.commission.client.CommissionClient;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.ServerConfig;
import dev.commission.server.ServerStack;
import dev.commission.server.logging.LogFormat;
import dev.commission.server.security.ClientSubjects;
import dev.commission.server.security.SecurityConfig;
import dev.commission.server.security.TokenStore;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PHP HTTP/JSON client against a real server (embedded Redis, Netty, the HTTP port, bearer
 * tokens): the same calls made by PHP on one campaign and by the Java {@link CommissionClient}
 * over gRPC on a twin campaign answer the same, refusals included (code, reason, violations).
 * It lives here, in the PHP module's tests, because the Java client must not depend on the server.
 */
@ExtendWith(RedisExtension.class)
class PhpHttpClientTest {
    private static final String TOKEN = "t-php";

    /** One call as the HTTP path names it: POST /commission.v1.{service}/{method}. */
    private record Call(String service, String method, Message request, Function<CommissionClient, Message> java) {
    }

    /** A refusal as a caller reads it, whichever client. */
    private record Refusal(int code, String reason, List<String> violations) {
    }

    /** Each call's reply (campaign ids cleared, the campaigns being twins) or its refusal. */
    private record Answer(Message reply, Refusal refusal) {
    }

    /** The PHP client's answers, and the lines run_calls.php printed them as. */
    private record PhpAnswers(List<Answer> answers, List<String> lines) {
    }

    @Test
    void settlesRefundsAndReadsRankingsAnsweringAsTheJavaClient(@TempDir Path dir) throws Exception {
        Php.executable();
        try (ServerStack stack = ServerStack.start(config(dir))) {
            ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", stack.port(),
                    InsecureChannelCredentials.create()).build();
            try {
                CommissionClient java = new CommissionClient(ClientInterceptors.intercept(channel, new BearerToken(TOKEN)));
                List<Answer> byJava = scenario("by-java").stream().map(call -> java(java, call)).toList();
                PhpAnswers php = php(baseUrl(stack), scenario("by-php"));
                List<Answer> byPhp = php.answers();

                assertEquals(byJava, byPhp);
                assertEquals("reply {\"orderNo\":\"o1\",\"commissionFen\":995,\"outcome\":\"APPLIED\",\"stewardEarnedFen\":995}",
                        php.lines().get(4), "a reply as PHP reads it: every field, int64 as int, enums by name");
                assertEquals(List.of("APPLIED", "APPLIED", "APPLIED", "DUPLICATE"),
                        byPhp.subList(4, 8).stream().map(answer -> field(answer.reply(), "outcome")).toList(),
                        "settles: three applied, the replay a duplicate");
                assertEquals(new Refusal(6, "ORDER_CONFLICT", List.of()), byPhp.get(10).refusal());
                assertEquals(3, byPhp.get(11).refusal().code(), "bad input is INVALID_ARGUMENT");
                assertEquals(4, byPhp.get(11).refusal().violations().size(), "one violation per bad field: "
                        + byPhp.get(11).refusal().violations());
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void theExampleScriptSettlesRefundsAndPrintsTheRanking(@TempDir Path dir) throws Exception {
        Php.executable();
        try (ServerStack stack = ServerStack.start(config(dir))) {
            Php.Run run = Php.run("", Map.of("COMMISSION_TOKEN", TOKEN),
                    "examples/settle_http.php", baseUrl(stack), "example").requireSuccess();

            assertEquals("""
                    settled o-1001: 995 fen (APPLIED)
                    refunded r-1: 495 fen taken back (APPLIED)
                    #1 s1 5.00 yuan
                    """, run.stdout());
        }
    }

    @Test
    void aServerThatDoesNotAnswerIsUnavailable() throws Exception {
        int closedPort = RedisExtension.freePort();
        List<Answer> answers = php("http://127.0.0.1:" + closedPort, List.of(new Call("CommissionService", "GetCampaign",
                dev.commission.api.v1.GetCampaignRequest.newBuilder().setCampaignId("c1").build(), client -> null))).answers();

        assertEquals(14, answers.get(0).refusal().code());
    }

    private static ServerConfig config(Path dir) throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "php " + TokenStore.hash(TOKEN) + " settle,operate,read\n");
        SecurityConfig security = new SecurityConfig(tokens, TokenStore.read(tokens), null, null, null, ClientSubjects.none());
        return new ServerConfig("127.0.0.1", 0, RedisExtension.url(), null, dir, security, null, LogFormat.TEXT, 0, 0);
    }

    private static String baseUrl(ServerStack stack) {
        return "http://127.0.0.1:" + stack.httpPort();
    }

    /** A campaign, three stewards, settles, refunds, refusals and the reads, on one campaign. */
    private static List<Call> scenario(String campaign) {
        List<Call> calls = new ArrayList<>();
        CreateCampaignRequest create = CreateCampaignRequest.newBuilder().setCampaignId(campaign).setName("Autumn")
                .setRule(CommissionRule.newBuilder().setRateBps(500)).setTransferPolicy(TransferPolicy.FOLLOW).build();
        calls.add(new Call("CommissionService", "CreateCampaign", create,
                client -> client.createCampaign(campaign, "Autumn", create.getRule(), TransferPolicy.FOLLOW)));
        for (String[] steward : new String[][] {{"s1", "east", "g1"}, {"s2", "east", "g2"}, {"s3", "west", "g3"}}) {
            calls.add(new Call("CommissionService", "RegisterSteward", RegisterStewardRequest.newBuilder()
                    .setCampaignId(campaign).setStewardId(steward[0]).setName("Steward " + steward[0])
                    .setRegionId(steward[1]).setGroupId(steward[2]).build(),
                    client -> client.registerSteward(campaign, steward[0], "Steward " + steward[0], steward[1], steward[2])));
        }
        calls.add(settle(campaign, "o1", "s1", CommissionClient.line("sku-1", 2, 19_900)));
        calls.add(settle(campaign, "o2", "s2", CommissionClient.line("sku-2", 1, 30_000)));
        calls.add(settle(campaign, "o3", "s3", CommissionClient.line("sku-1", 1, 9_950), CommissionClient.line("sku-3", 3, 45_000)));
        calls.add(settle(campaign, "o1", "s1", CommissionClient.line("sku-1", 2, 19_900)));      // replay: DUPLICATE
        calls.add(refund(campaign, "o1", "r1", 9_900));
        calls.add(refund(campaign, "o1", "r1", 9_900));                                           // replay: DUPLICATE
        calls.add(settle(campaign, "o1", "s1", CommissionClient.line("sku-1", 2, 19_000)));      // ORDER_CONFLICT
        calls.add(settle(campaign, "bad order!", "s1", CommissionClient.line("", 0, -5)));       // INVALID_ARGUMENT
        calls.add(refund(campaign, "o2", "r2", 40_000));                                          // more than was paid
        for (RankingScope.Kind kind : List.of(RankingScope.Kind.STEWARDS, RankingScope.Kind.GROUPS, RankingScope.Kind.REGIONS)) {
            RankingScope scope = RankingScope.newBuilder().setKind(kind).build();
            calls.add(new Call("RankingService", "GetRanking", GetRankingRequest.newBuilder().setCampaignId(campaign)
                    .setScope(scope).setLimit(10).build(), client -> client.ranking(campaign, scope, 0, 10)));
        }
        // An empty scope: PHP decodes {} as [], the client must send it as {} again (then: scope.kind missing).
        calls.add(new Call("RankingService", "GetRanking", GetRankingRequest.newBuilder().setCampaignId(campaign)
                .setScope(RankingScope.getDefaultInstance()).build(),
                client -> client.ranking(campaign, RankingScope.getDefaultInstance(), 0, 0)));
        calls.add(new Call("RankingService", "GetStanding", GetStandingRequest.newBuilder().setCampaignId(campaign)
                .setStewardId("s1").build(), client -> client.standing(campaign, "s1")));
        for (String steward : List.of("s2", "nobody")) {
            calls.add(new Call("CommissionService", "GetSteward", GetStewardRequest.newBuilder().setCampaignId(campaign)
                    .setStewardId(steward).build(), client -> client.steward(campaign, steward)));
        }
        return calls;
    }

    private static Call settle(String campaign, String orderNo, String steward, OrderLine... lines) {
        return new Call("CommissionService", "SettleCommission", SettleCommissionRequest.newBuilder().setCampaignId(campaign)
                .setOrderNo(orderNo).setStewardId(steward).addAllLines(List.of(lines)).build(),
                client -> client.settle(campaign, orderNo, steward, List.of(lines)));
    }

    private static Call refund(String campaign, String orderNo, String refundId, long fen) {
        return new Call("CommissionService", "ReverseCommission", ReverseCommissionRequest.newBuilder().setCampaignId(campaign)
                .setOrderNo(orderNo).setRefundId(refundId).setRefundFen(fen).build(),
                client -> client.refund(campaign, orderNo, refundId, fen));
    }

    private static Answer java(CommissionClient client, Call call) {
        try {
            return new Answer(withoutCampaign(call.java().apply(client)), null);
        } catch (StatusRuntimeException e) {
            com.google.rpc.Status status = StatusProto.fromThrowable(e);
            String reason = null;
            List<String> violations = new ArrayList<>();
            for (com.google.protobuf.Any detail : status.getDetailsList()) {
                try {
                    if (detail.is(ErrorInfo.class)) {
                        reason = detail.unpack(ErrorInfo.class).getReason();
                    } else if (detail.is(BadRequest.class)) {
                        detail.unpack(BadRequest.class).getFieldViolationsList()
                                .forEach(v -> violations.add(v.getField() + ": " + v.getDescription()));
                    }
                } catch (InvalidProtocolBufferException unreadable) {
                    throw new AssertionError(unreadable);
                }
            }
            return new Answer(null, new Refusal(status.getCode(), reason, violations));
        }
    }

    /** Runs the calls through the PHP client (src/test/php/run_calls.php): one answer per call. */
    private static PhpAnswers php(String baseUrl, List<Call> calls) throws Exception {
        StringBuilder plan = new StringBuilder("[");
        for (Call call : calls) {
            plan.append(plan.length() > 1 ? "," : "").append("{\"service\":\"").append(call.service())
                    .append("\",\"method\":\"").append(call.method()).append("\",\"request\":")
                    .append(JsonFormat.printer().print(call.request())).append('}');
        }
        Php.Run run = Php.run(plan.append(']').toString(), Map.of("COMMISSION_TOKEN", TOKEN),
                "src/test/php/run_calls.php", baseUrl).requireSuccess();
        List<String> lines = run.stdout().lines().toList();
        assertEquals(calls.size(), lines.size(), run.stdout());
        List<Answer> answers = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            String[] kindAndJson = lines.get(i).split(" ", 2);
            if (kindAndJson[0].equals("reply")) {
                DynamicMessage.Builder reply = DynamicMessage.newBuilder(replyType(calls.get(i)));
                JsonFormat.parser().merge(kindAndJson[1], reply);
                answers.add(new Answer(withoutCampaign(reply.build()), null));
            } else {
                Struct.Builder error = Struct.newBuilder();
                JsonFormat.parser().merge(kindAndJson[1], error);
                Map<String, Value> fields = error.getFieldsMap();
                Value reason = fields.get("reason");
                List<String> violations = fields.get("violations").getListValue().getValuesList().stream()
                        .map(v -> v.getStructValue().getFieldsOrThrow("field").getStringValue() + ": "
                                + v.getStructValue().getFieldsOrThrow("description").getStringValue())
                        .toList();
                answers.add(new Answer(null, new Refusal((int) fields.get("code").getNumberValue(),
                        reason.hasNullValue() ? null : reason.getStringValue(), violations)));
            }
        }
        return new PhpAnswers(answers, lines);
    }

    private static Descriptor replyType(Call call) {
        for (FileDescriptor file : List.of(CommissionProto.getDescriptor(), RankingProto.getDescriptor())) {
            ServiceDescriptor service = file.findServiceByName(call.service());
            if (service != null) {
                return service.findMethodByName(call.method()).getOutputType();
            }
        }
        throw new IllegalArgumentException("no service " + call.service());
    }

    /** As a DynamicMessage of its type, to compare with a reply parsed from PHP's JSON; the campaign id cleared. */
    private static Message withoutCampaign(Message message) {
        DynamicMessage.Builder copy = DynamicMessage.newBuilder(message.getDescriptorForType()).mergeFrom(message);
        FieldDescriptor campaign = message.getDescriptorForType().findFieldByName("campaign_id");
        if (campaign != null) {
            copy.clearField(campaign);
        }
        return copy.build();
    }

    private static String field(Message message, String name) {
        return String.valueOf(message.getField(message.getDescriptorForType().findFieldByName(name)));
    }
}
