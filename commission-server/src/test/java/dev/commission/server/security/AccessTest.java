package dev.commission.server.security;

import static dev.commission.server.testing.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RequestInfo;
import dev.commission.api.v1.CloseCampaignRequest;
import dev.commission.api.v1.CommissionRule;
import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.CreateCampaignRequest;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.AdjustCommissionRequest;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.core.EngineFixture;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.logging.RequestIds;
import dev.commission.server.testing.GuardedServer;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Tokens and roles over real Netty: every method against every kind of caller. */
@ExtendWith(RedisExtension.class)
class AccessTest {
    private static final Map<String, Set<Role>> TOKENS = Map.of(
            "settle-secret", Set.of(Role.SETTLE),
            "operate-secret", Set.of(Role.OPERATE),
            "read-secret", Set.of(Role.READ),
            "all-secret", Set.of(Role.SETTLE, Role.OPERATE, Role.READ));

    private GuardedServer server;
    private ManagedChannel channel;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        StringBuilder file = new StringBuilder("# test tokens\n\n");
        for (Map.Entry<String, Set<Role>> token : TOKENS.entrySet()) {
            file.append(token.getKey().replace("-secret", "")).append(' ').append(TokenStore.hash(token.getKey()))
                    .append(' ').append(String.join(",", token.getValue().stream().map(Role::word).toList()))
                    .append('\n');
        }
        Path tokens = Files.writeString(dir.resolve("tokens"), file);
        server = GuardedServer.start(EngineFixture.engine(), RedisExtension.redisson(), TokenStore.read(tokens),
                ClientSubjects.none(), null);
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), InsecureChannelCredentials.create())
                .build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void eachRoleReachesExactlyItsMethods() {
        List<String> wrong = new ArrayList<>();
        for (MethodDescriptor<?, ?> method : guardedMethods()) {
            Role required = MethodRoles.required(method.getFullMethodName()).orElseThrow();
            for (Map.Entry<String, Set<Role>> token : TOKENS.entrySet()) {
                // An empty request is refused by the service (INVALID_ARGUMENT, NOT_FOUND...) once let in.
                Status.Code code = call(method, token.getKey());
                boolean allowed = code != Status.Code.PERMISSION_DENIED && code != Status.Code.UNAUTHENTICATED;
                if (allowed != token.getValue().contains(required)
                        || (!allowed && code != Status.Code.PERMISSION_DENIED)) {
                    wrong.add(method.getFullMethodName() + " with " + token.getKey() + ": " + code);
                }
            }
            Status.Code anonymous = call(method, null);
            Status.Code unknown = call(method, "not-a-token");
            if (anonymous != Status.Code.UNAUTHENTICATED || unknown != Status.Code.UNAUTHENTICATED) {
                wrong.add(method.getFullMethodName() + " without a known token: " + anonymous + ", " + unknown);
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void aDeniedCallWritesNothing() {
        EngineFixture.campaign("c1", dev.commission.core.campaign.CommissionRule.fixed(300, 0), TransferPolicy.FOLLOW);
        EngineFixture.steward("c1", "s1", "r1", "g1");
        long keys = EngineFixture.dbsize();

        refused(Status.Code.PERMISSION_DENIED, AccessInterceptor.PERMISSION_DENIED, () -> commission("read-secret")
                .settleCommission(SettleCommissionRequest.newBuilder().setCampaignId("c1").setOrderNo("o1")
                        .setStewardId("s1").addLines(OrderLine.newBuilder().setSkuId("k").setQuantity(1)
                                .setPaidFen(1_000)).build()));
        refused(Status.Code.PERMISSION_DENIED, AccessInterceptor.PERMISSION_DENIED, () -> commission("settle-secret")
                .adjustCommission(AdjustCommissionRequest.newBuilder().setCampaignId("c1").setAdjustmentId("a1")
                        .setStewardId("s1").setDeltaFen(500).setReason("bonus").build()));
        refused(Status.Code.UNAUTHENTICATED, AccessInterceptor.UNAUTHENTICATED, () -> commission(null)
                .createCampaign(CreateCampaignRequest.newBuilder().setCampaignId("c2").setName("n")
                        .setRule(CommissionRule.newBuilder().setFixedFen(100)).build()));

        assertEquals(keys, EngineFixture.dbsize(), "keys in Redis after three denied writes");
        assertEquals(0, EngineFixture.await(EngineFixture.engine().getSteward("c1", "s1")).earnedFen());
    }

    @Test
    void aRefusalSaysWhichRoleWasMissingAndCarriesTheRequestId() {
        Metadata headers = new Metadata();
        headers.put(RequestIds.HEADER, "req-42");
        CommissionServiceGrpc.CommissionServiceBlockingStub stub = commission("read-secret")
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

        StatusRuntimeException e = refused(Status.Code.PERMISSION_DENIED, AccessInterceptor.PERMISSION_DENIED,
                () -> stub.createCampaign(CreateCampaignRequest.getDefaultInstance()));

        ErrorInfo info = detail(e, ErrorInfo.class);
        assertEquals("operate", info.getMetadataOrThrow("required_role"));
        assertEquals("commission.v1.CommissionService/CreateCampaign", info.getMetadataOrThrow("method"));
        assertEquals("req-42", detail(e, RequestInfo.class).getRequestId());
        assertTrue(e.getStatus().getDescription().startsWith("read lacks the role operate"), e.getStatus().getDescription());
    }

    @Test
    void aDenialIsLoggedOnceWithNameMethodPeerAndRequestIdButNeverTheToken() {
        Logger logger = (Logger) LoggerFactory.getLogger(AccessInterceptor.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            Metadata headers = new Metadata();
            headers.put(RequestIds.HEADER, "req-7");
            refused(Status.Code.PERMISSION_DENIED, () -> commission("settle-secret")
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .closeCampaign(CloseCampaignRequest.newBuilder().setCampaignId("c1").build()));
        } finally {
            logger.detachAppender(events);
        }

        assertEquals(1, events.list.size(), events.list.toString());
        ILoggingEvent event = events.list.get(0);
        assertEquals(Level.WARN, event.getLevel());
        assertTrue(event.getFormattedMessage().startsWith(
                "denied commission.v1.CommissionService/CloseCampaign to settle from /127.0.0.1:"), event.getFormattedMessage());
        assertEquals("req-7", event.getMDCPropertyMap().get(RequestIds.MDC_KEY));
        assertFalse(event.getFormattedMessage().contains("settle-secret"));
    }

    @Test
    void everyErrorCarriesARequestIdMadeUpWhenTheCallerSentNone() {
        StatusRuntimeException e = refused(Status.Code.INVALID_ARGUMENT, () -> commission("operate-secret")
                .createCampaign(CreateCampaignRequest.getDefaultInstance()));

        String id = detail(e, RequestInfo.class).getRequestId();
        assertEquals(36, id.length(), id);
        assertEquals("INVALID_ARGUMENT", detail(e, ErrorInfo.class).getReason(), "the service's own details stay");
    }

    @Test
    void healthNeedsNoToken() {
        assertEquals(ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus());
    }

    @Test
    void everyServedMethodHasARoleOrIsOpen() {
        List<String> unclassified = new ArrayList<>();
        for (ServerServiceDefinition service : server.server().services()) {
            String name = service.getServiceDescriptor().getName();
            for (var method : service.getMethods()) {
                String full = method.getMethodDescriptor().getFullMethodName();
                if (!MethodRoles.open(name) && MethodRoles.required(full).isEmpty()) {
                    unclassified.add(full);
                }
            }
        }
        assertTrue(unclassified.isEmpty(), "methods nobody may call: " + unclassified);
        assertTrue(guardedMethods().size() >= 16, "both services are served");
    }

    private List<MethodDescriptor<?, ?>> guardedMethods() {
        List<MethodDescriptor<?, ?>> methods = new ArrayList<>();
        for (ServerServiceDefinition service : server.server().services()) {
            if (!MethodRoles.open(service.getServiceDescriptor().getName())) {
                service.getMethods().forEach(m -> methods.add(m.getMethodDescriptor()));
            }
        }
        return methods;
    }

    /** Calls the method with its empty request; the status code it ends with. */
    @SuppressWarnings("unchecked")
    private Status.Code call(MethodDescriptor<?, ?> method, String token) {
        // The served descriptors carry the server's own request marshallers (see MalformedRequests):
        // call with plain protobuf messages of the method's schema instead.
        com.google.protobuf.Descriptors.MethodDescriptor schema =
                ((io.grpc.protobuf.ProtoMethodDescriptorSupplier) method.getSchemaDescriptor()).getMethodDescriptor();
        Message empty = com.google.protobuf.DynamicMessage.getDefaultInstance(schema.getInputType());
        MethodDescriptor<Message, Message> m = method.toBuilder(io.grpc.protobuf.ProtoUtils.marshaller(empty),
                io.grpc.protobuf.ProtoUtils.<Message>marshaller(
                        com.google.protobuf.DynamicMessage.getDefaultInstance(schema.getOutputType()))).build();
        Channel to = withToken(token);
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
        try {
            if (m.getType() == MethodDescriptor.MethodType.UNARY) {
                ClientCalls.blockingUnaryCall(to, m, options, empty);
            } else {
                Iterator<Message> replies = ClientCalls.blockingServerStreamingCall(to, m, options, empty);
                replies.hasNext();
            }
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            assertNotEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), m.getFullMethodName());
            return e.getStatus().getCode();
        }
    }

    private CommissionServiceGrpc.CommissionServiceBlockingStub commission(String token) {
        return CommissionServiceGrpc.newBlockingStub(withToken(token)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private Channel withToken(String token) {
        if (token == null) {
            return channel;
        }
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static <T extends Message> T detail(StatusRuntimeException e, Class<T> type) {
        for (Any any : StatusProto.fromThrowable(e).getDetailsList()) {
            if (any.is(type)) {
                try {
                    return any.unpack(type);
                } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                    throw new AssertionError(ex);
                }
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + e);
    }
}
