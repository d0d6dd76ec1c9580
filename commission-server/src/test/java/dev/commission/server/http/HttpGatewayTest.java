package dev.commission.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.GetStewardRequest;
import dev.commission.api.v1.Outcome;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.api.v1.SettleResult;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The HTTP port of a whole instance, over a real loopback socket with the JDK's HTTP client: every
 * unary RPC as {@code POST /<service>/<method>} with JSON, the same money, errors and access checks
 * as the gRPC port, and the error body the PHP client relies on.
 */
class HttpGatewayTest extends OnHttpPort {
    private static final String SETTLE = "/commission.v1.CommissionService/SettleCommission";

    @Test
    void aSettleOverHttpPaysOnceAndItsReplayIsADuplicate() throws Exception {
        HttpResponse<String> first = post(SETTLE, "t-settle", settle("o1", 39_900));
        HttpResponse<String> replay = post(SETTLE, "t-settle", settle("o1", 39_900));

        assertEquals(200, first.statusCode(), first.body());
        assertEquals("application/json", first.headers().firstValue("Content-Type").orElseThrow());
        SettleResult applied = parse(first.body(), SettleResult.newBuilder());
        assertEquals(Outcome.APPLIED, applied.getOutcome());
        assertEquals(1_995, applied.getCommissionFen());
        assertTrue(first.body().contains("\"commissionFen\":\"1995\""), "int64 as a JSON string: " + first.body());
        assertEquals(200, replay.statusCode(), replay.body());
        assertEquals(Outcome.DUPLICATE, HttpGatewayTest.<SettleResult>parse(replay.body(), SettleResult.newBuilder()).getOutcome());
        assertEquals(1_995, commission("t-operate").getSteward(GetStewardRequest.newBuilder().setCampaignId("c1")
                .setStewardId("s1").build()).getEarnedFen(), "paid once, seen the same over gRPC");
    }

    @Test
    void theCallersRequestIdComesBackInTheHeaderAndInErrors() throws Exception {
        HttpResponse<String> ok = send(request(SETTLE, "t-settle", settle("o1", 100)).header("X-Request-Id", "req-7").build());
        HttpResponse<String> refused = send(request(SETTLE, "t-settle", settle("o1", 200))
                .header("X-Request-Id", "req-8").build());

        assertEquals("req-7", ok.headers().firstValue("X-Request-Id").orElseThrow());
        assertEquals("req-8", error(refused).getFieldsOrThrow("requestId").getStringValue());
        assertEquals("req-8", refused.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void aConflictingReplayIsAlreadyExistsWithItsReason() throws Exception {
        post(SETTLE, "t-settle", settle("o1", 39_900));

        HttpResponse<String> conflict = post(SETTLE, "t-settle", settle("o1", 29_900));

        assertEquals(409, conflict.statusCode(), conflict.body());
        Struct body = error(conflict);
        assertEquals("already_exists", body.getFieldsOrThrow("code").getStringValue());
        assertEquals("ORDER_CONFLICT", body.getFieldsOrThrow("reason").getStringValue());
        assertFalse(body.getFieldsOrThrow("requestId").getStringValue().isEmpty());
        assertFalse(body.containsFields("violations"), "no violations: " + conflict.body());
    }

    @Test
    void badInputIsInvalidArgumentWithTheSameViolationsAsOverGrpc() throws Exception {
        String json = "{\"campaignId\": \"c1\", \"orderNo\": \"o 1\", \"stewardId\": \"s1\","
                + " \"lines\": [{\"skuId\": \"sofa\", \"quantity\": 1, \"paidFen\": \"-5\"}]}";
        SettleCommissionRequest.Builder same = SettleCommissionRequest.newBuilder();
        JsonFormat.parser().merge(json, same);
        StatusRuntimeException overGrpc = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> commission("t-settle").settleCommission(same.build()));
        com.google.rpc.Status grpcStatus = StatusProto.fromThrowable(overGrpc);

        HttpResponse<String> response = post(SETTLE, "t-settle", json);

        assertEquals(400, response.statusCode(), response.body());
        Struct body = error(response);
        assertEquals("invalid_argument", body.getFieldsOrThrow("code").getStringValue());
        assertEquals(grpcStatus.getMessage(), body.getFieldsOrThrow("message").getStringValue());
        assertEquals(detail(grpcStatus, ErrorInfo.class).getReason(), body.getFieldsOrThrow("reason").getStringValue());
        List<String> expected = new ArrayList<>();
        for (BadRequest.FieldViolation v : detail(grpcStatus, BadRequest.class).getFieldViolationsList()) {
            expected.add(v.getField() + ": " + v.getDescription());
        }
        List<String> violations = new ArrayList<>();
        for (Value v : body.getFieldsOrThrow("violations").getListValue().getValuesList()) {
            violations.add(v.getStructValue().getFieldsOrThrow("field").getStringValue() + ": "
                    + v.getStructValue().getFieldsOrThrow("description").getStringValue());
        }
        assertTrue(expected.size() >= 2, "the order number and the paid amount: " + expected);
        assertEquals(expected, violations);
    }

    @Test
    void aBodyThatIsNotJsonOfTheMessageIsMalformed() throws Exception {
        for (String body : new String[] {"{not json", "{\"campaignId\": \"c1\", \"orderNumber\": \"o1\"}",
                "{\"lines\": [{\"quantity\": \"many\"}]}"}) {
            HttpResponse<String> response = post(SETTLE, "t-settle", body);

            assertEquals(400, response.statusCode(), body);
            Struct error = error(response);
            assertEquals("invalid_argument", error.getFieldsOrThrow("code").getStringValue(), body);
            assertEquals("MALFORMED_REQUEST", error.getFieldsOrThrow("reason").getStringValue(), body);
            assertEquals(SETTLE.substring(1), error.getFieldsOrThrow("metadata").getStructValue()
                    .getFieldsOrThrow("method").getStringValue());
        }
    }

    @Test
    void aBodyOverFourMebibytesIsResourceExhausted() throws Exception {
        String huge = "{\"campaignId\": \"" + "c".repeat(HttpGateway.MAX_BODY) + "\"}";

        HttpResponse<String> response = post(SETTLE, "t-settle", huge.substring(0, HttpGateway.MAX_BODY + 1));

        assertEquals(429, response.statusCode());
        assertEquals("resource_exhausted", error(response).getFieldsOrThrow("code").getStringValue());
    }

    @Test
    void anUnknownCampaignIsNotFound() throws Exception {
        HttpResponse<String> response = post("/commission.v1.CommissionService/GetCampaign", "t-read",
                "{\"campaignId\": \"nope\"}");

        assertEquals(404, response.statusCode(), response.body());
        assertEquals("not_found", error(response).getFieldsOrThrow("code").getStringValue());
    }

    @Test
    void callersWithoutATokenOrWithoutTheRoleAreRefusedAndNothingMoves() throws Exception {
        HttpResponse<String> anonymous = post(SETTLE, null, settle("o1", 100));
        HttpResponse<String> unknown = post(SETTLE, "t-guess", settle("o1", 100));
        HttpResponse<String> readOnly = post(SETTLE, "t-read", settle("o1", 100));

        assertEquals(401, anonymous.statusCode(), anonymous.body());
        assertEquals("unauthenticated", error(anonymous).getFieldsOrThrow("code").getStringValue());
        assertEquals("UNAUTHENTICATED", error(anonymous).getFieldsOrThrow("reason").getStringValue());
        assertEquals(401, unknown.statusCode(), unknown.body());
        assertEquals(403, readOnly.statusCode(), readOnly.body());
        assertEquals("permission_denied", error(readOnly).getFieldsOrThrow("code").getStringValue());
        assertEquals("settle", error(readOnly).getFieldsOrThrow("metadata").getStructValue()
                .getFieldsOrThrow("required_role").getStringValue());
        assertEquals(0, commission("t-read").getSteward(GetStewardRequest.newBuilder().setCampaignId("c1")
                .setStewardId("s1").build()).getEarnedFen());
    }

    @Test
    void anUnknownMethodOrAStreamingOneIsNotFound() throws Exception {
        for (String path : new String[] {"/commission.v1.CommissionService/PayEveryone", "/commission.v1.Nope/Get",
                "/commission.v1.RankingService/WatchRanking", "/commission.v1.CommissionService/ReconcileWithProgress"}) {
            HttpResponse<String> response = post(path, "t-operate", "{}");

            assertEquals(404, response.statusCode(), path);
            assertEquals("not_found", error(response).getFieldsOrThrow("code").getStringValue(), path);
        }
    }

    @Test
    void everyUnaryMethodOfEveryServiceIsRouted() throws Exception {
        int unary = 0;
        for (ServerServiceDefinition service : fixture.stack.server().services()) {
            for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
                MethodDescriptor<?, ?> descriptor = method.getMethodDescriptor();
                if (descriptor.getType() != MethodDescriptor.MethodType.UNARY) {
                    continue;
                }
                unary++;
                HttpResponse<String> response = post("/" + descriptor.getFullMethodName(), "t-read", "{}");

                // Reached the method: answered by its service or its access check, never "no such method".
                assertFalse(response.body().contains("no such method"), descriptor.getFullMethodName() + ": " + response.body());
                assertNotEquals(501, response.statusCode(), descriptor.getFullMethodName());
            }
        }
        assertTrue(unary >= 23, "every service's unary methods, health's Check included: " + unary);
    }

    @Test
    void aGetOnAnRpcIsRefusedAndSoIsABodyThatIsNotJson() throws Exception {
        HttpResponse<String> get = send(HttpRequest.newBuilder(uri(SETTLE)).GET().build());
        HttpResponse<String> form = send(HttpRequest.newBuilder(uri(SETTLE)).header("Authorization", "Bearer t-settle")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(settle("o1", 100))).build());

        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("Allow").orElseThrow());
        assertEquals(415, form.statusCode());
    }

    private HttpResponse<String> post(String path, String token, String json) throws Exception {
        return fixture.post(path, token, json);
    }

    private HttpRequest.Builder request(String path, String token, String json) {
        return fixture.request(path, token, json);
    }

    private URI uri(String path) {
        return fixture.uri(path);
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HttpFixture.send(request);
    }

    private static String settle(String orderNo, long paidFen) {
        return "{\"campaignId\": \"c1\", \"orderNo\": \"" + orderNo + "\", \"stewardId\": \"s1\","
                + " \"lines\": [{\"skuId\": \"sofa\", \"quantity\": 1, \"paidFen\": " + paidFen + "}]}";
    }

    private static Struct error(HttpResponse<String> response) throws Exception {
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        return parse(response.body(), Struct.newBuilder());
    }

    @SuppressWarnings("unchecked")
    private static <T extends com.google.protobuf.Message> T parse(String json, com.google.protobuf.Message.Builder builder)
            throws Exception {
        JsonFormat.parser().merge(json, builder);
        return (T) builder.build();
    }

    private static <T extends com.google.protobuf.Message> T detail(com.google.rpc.Status status, Class<T> type)
            throws Exception {
        for (Any detail : status.getDetailsList()) {
            if (detail.is(type)) {
                return detail.unpack(type);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + status);
    }

    private CommissionServiceGrpc.CommissionServiceBlockingStub commission(String token) {
        return fixture.commission(token);
    }
}
