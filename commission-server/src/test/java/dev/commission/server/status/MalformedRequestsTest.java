package dev.commission.server.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.google.rpc.ErrorInfo;
import dev.commission.api.v1.CommissionServiceGrpc;
import dev.commission.api.v1.GetStewardRequest;
import dev.commission.api.v1.OrderLine;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.api.v1.SettleCommissionRequest;
import dev.commission.core.EngineFixture;
import dev.commission.core.campaign.CommissionRule;
import dev.commission.core.campaign.TransferPolicy;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.CommissionServer;
import dev.commission.server.testing.LogCapture;
import dev.commission.server.testing.Refusals;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Request frames that do not parse, sent as raw bytes over HTTP/2 on loopback: each is bad input
 * (INVALID_ARGUMENT MALFORMED_REQUEST), writes nothing and costs one WARN line, no stack trace.
 */
@ExtendWith(RedisExtension.class)
class MalformedRequestsTest {
    private static final byte[] GARBAGE = "this is not a protobuf message".getBytes(StandardCharsets.US_ASCII);

    private CommissionServer server;
    private ManagedChannel channel;
    private LogCapture warnings;
    private LogCapture grpcLog;

    @BeforeEach
    void start() throws Exception {
        server = new CommissionServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
                EngineFixture.engine(), RedisExtension.redisson()).start();
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", server.port(), InsecureChannelCredentials.create()).build();
        EngineFixture.campaign("c1", CommissionRule.fixed(300, 0), TransferPolicy.FOLLOW);
        EngineFixture.steward("c1", "s1", "r1", "g1");
        warnings = LogCapture.of(MalformedRequests.class, Level.DEBUG);
        grpcLog = LogCapture.of("io.grpc", Level.WARN);
    }

    @AfterEach
    void stop() throws InterruptedException {
        warnings.close();
        grpcLog.close();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdown();
    }

    @Test
    void garbageIsBadInputAndWritesNothing() {
        assertMalformed(CommissionServiceGrpc.getSettleCommissionMethod().getFullMethodName(), GARBAGE);
    }

    @Test
    void aTruncatedVarintIsBadInputAndWritesNothing() {
        // A whole settlement, then field 15 as a varint whose last byte says more follows.
        assertMalformed(CommissionServiceGrpc.getSettleCommissionMethod().getFullMethodName(),
                concat(settle().toByteArray(), new byte[] {0x78, (byte) 0x80}));
    }

    @Test
    void invalidUtf8InAStringFieldIsBadInputAndWritesNothing() {
        // A whole settlement whose order_no (field 2) is given again, as bytes that are not UTF-8.
        assertMalformed(CommissionServiceGrpc.getSettleCommissionMethod().getFullMethodName(),
                concat(settle().toByteArray(), new byte[] {0x12, 0x02, (byte) 0xC3, 0x28}));
    }

    @Test
    void theWatchStreamRefusesGarbageLikeAUnaryCall() {
        assertMalformed(RankingServiceGrpc.getWatchRankingMethod().getFullMethodName(), GARBAGE);
    }

    @Test
    void healthRefusesGarbageToo() {
        assertMalformed(HealthGrpc.getCheckMethod().getFullMethodName(), GARBAGE);
    }

    @Test
    void theSameBytesParseWhenWhole() {
        List<byte[]> replies = call(CommissionServiceGrpc.getSettleCommissionMethod().getFullMethodName(),
                MethodDescriptor.MethodType.UNARY, settle().toByteArray());

        assertEquals(1, replies.size());
        assertEquals(300, earnedFen());
        assertTrue(warnings.events().isEmpty(), warnings.events().toString());
    }

    private void assertMalformed(String method, byte[] request) {
        long keys = EngineFixture.dbsize();
        MethodDescriptor.MethodType type = method.endsWith("/WatchRanking") ? MethodDescriptor.MethodType.SERVER_STREAMING
                : MethodDescriptor.MethodType.UNARY;

        StatusRuntimeException e = Refusals.refused(Status.Code.INVALID_ARGUMENT, MalformedRequests.REASON,
                () -> call(method, type, request));

        ErrorInfo info = Refusals.errorInfo(e);
        assertEquals(method, info.getMetadataOrThrow("method"));
        assertEquals(keys, EngineFixture.dbsize(), "nothing written");
        assertEquals(0, earnedFen());
        assertEquals(1, warnings.events().size(), warnings.events().toString());
        ILoggingEvent warning = warnings.events().get(0);
        assertEquals(Level.WARN, warning.getLevel());
        assertNull(warning.getThrowableProxy(), "no stack trace");
        assertTrue(warning.getFormattedMessage().startsWith(method + ": request from /127.0.0.1:"),
                warning.getFormattedMessage());
        assertTrue(grpcLog.events().isEmpty(), "grpc-java logged nothing: " + grpcLog.events());
    }

    private long earnedFen() {
        return CommissionServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getSteward(GetStewardRequest.newBuilder().setCampaignId("c1").setStewardId("s1").build()).getEarnedFen();
    }

    /** Sends {@code request} as it is, as the one message of a call to {@code method}; the reply messages' bytes. */
    private List<byte[]> call(String method, MethodDescriptor.MethodType type, byte[] request) {
        MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(type).setFullMethodName(method)
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        ClientCall<byte[], byte[]> call = channel.newCall(raw, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
        if (type == MethodDescriptor.MethodType.UNARY) {
            return List.of(ClientCalls.blockingUnaryCall(call, request));
        }
        List<byte[]> replies = new ArrayList<>();
        ClientCalls.blockingServerStreamingCall(call, request).forEachRemaining(replies::add);
        return replies;
    }

    private static SettleCommissionRequest settle() {
        return SettleCommissionRequest.newBuilder().setCampaignId("c1").setOrderNo("o1").setStewardId("s1")
                .addLines(OrderLine.newBuilder().setSkuId("sku1").setQuantity(1).setPaidFen(1_000)).build();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
}
