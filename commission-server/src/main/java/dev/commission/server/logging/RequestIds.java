package dev.commission.server.logging;

import com.google.protobuf.Any;
import com.google.rpc.RequestInfo;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.protobuf.StatusProto;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Gives every call a request id: the caller's {@code x-request-id} when it sends a sane one,
 * else a new one. The id is in the MDC ({@value #MDC_KEY}) while the call's code runs, goes back
 * in the response headers, and every error carries it as a {@code google.rpc.RequestInfo} detail,
 * so a caller can quote it and an operator can find the call's log lines.
 */
public final class RequestIds implements ServerInterceptor {
    public static final String MDC_KEY = "request_id";
    public static final Metadata.Key<String> HEADER = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:/+=-]{1,128}");
    /** Where {@link StatusProto} carries the {@code google.rpc.Status} of an error. */
    private static final Metadata.Key<com.google.rpc.Status> DETAILS = Metadata.Key.of("grpc-status-details-bin",
            ProtoUtils.metadataMarshaller(com.google.rpc.Status.getDefaultInstance()));

    /** The caller's id when it is a sane one (null when none was given), else a new one. */
    public static String idFor(String given) {
        return given != null && SANE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String id = idFor(headers.get(HEADER));
        ServerCall<Q, R> tagged = new SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata responseHeaders) {
                responseHeaders.put(HEADER, id);
                super.sendHeaders(responseHeaders);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                if (!status.isOk()) {
                    withRequestInfo(status, trailers, id);
                }
                super.close(status, trailers);
            }
        };
        ServerCall.Listener<Q> listener = inMdc(id, () -> next.startCall(tagged, headers));
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                inMdc(id, () -> {
                    super.onMessage(message);
                    return null;
                });
            }

            @Override
            public void onHalfClose() {
                inMdc(id, () -> {
                    super.onHalfClose();
                    return null;
                });
            }

            @Override
            public void onCancel() {
                inMdc(id, () -> {
                    super.onCancel();
                    return null;
                });
            }

            @Override
            public void onReady() {
                inMdc(id, () -> {
                    super.onReady();
                    return null;
                });
            }
        };
    }

    /** Adds the request id to the error's {@code google.rpc.Status} details (making one if the error had none). */
    private static void withRequestInfo(Status status, Metadata trailers, String id) {
        com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(status, trailers);
        trailers.discardAll(DETAILS);
        trailers.put(DETAILS, details.toBuilder()
                .addDetails(Any.pack(RequestInfo.newBuilder().setRequestId(id).build())).build());
    }

    private static <T> T inMdc(String id, java.util.function.Supplier<T> work) {
        String outer = MDC.get(MDC_KEY);
        MDC.put(MDC_KEY, id);
        try {
            return work.get();
        } finally {
            if (outer == null) {
                MDC.remove(MDC_KEY);
            } else {
                MDC.put(MDC_KEY, outer);
            }
        }
    }
}
