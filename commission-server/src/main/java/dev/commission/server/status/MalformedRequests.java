package dev.commission.server.status;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.commission.server.ServiceDefinitions;
import io.grpc.Attributes;
import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request bytes that do not parse (garbage, a truncated varint, invalid UTF-8 in a string) are bad
 * input: the call ends with INVALID_ARGUMENT and an {@code ErrorInfo} reason {@value #REASON},
 * nothing runs, and the log gets one WARN line.
 *
 * <p>grpc-java (1.85) answers such a frame UNKNOWN "Application error processing RPC" and logs the
 * parse failure with its stack trace at SEVERE, whatever the marshaller throws: the request is
 * parsed inside the transport's listener, before any interceptor sees it. So each method's request
 * marshaller is wrapped here in one that never throws but hands over what it read, the message or
 * why it does not parse, and the method's handler is wrapped in one that answers the latter.
 * Responses keep their own marshaller: nothing is copied.
 */
public final class MalformedRequests {
    /** {@code ErrorInfo.reason} of a request whose bytes do not parse. */
    public static final String REASON = "MALFORMED_REQUEST";

    private static final Logger log = LoggerFactory.getLogger(MalformedRequests.class);

    private MalformedRequests() {
    }

    /** The service with every method answering malformed requests as bad input. */
    public static ServerServiceDefinition refused(BindableService service) {
        return refused(service.bindService());
    }

    /** The service with every method answering malformed requests as bad input. */
    public static ServerServiceDefinition refused(ServerServiceDefinition service) {
        return ServiceDefinitions.rewrite(service, MalformedRequests::wrap);
    }

    private static <ReqT, RespT> ServerMethodDefinition<Parsed<ReqT>, RespT> wrap(ServerMethodDefinition<ReqT, RespT> method) {
        MethodDescriptor<ReqT, RespT> original = method.getMethodDescriptor();
        MethodDescriptor<Parsed<ReqT>, RespT> tolerant = original
                .toBuilder(new TolerantMarshaller<>(original.getRequestMarshaller()), original.getResponseMarshaller())
                .build();
        return ServerMethodDefinition.create(tolerant, new Handler<>(original, method.getServerCallHandler()));
    }

    /** The status for a request of {@code method} that does not parse, {@code why} being the parser's word. */
    private static StatusRuntimeException status(String method, String why) {
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder().setCode(Code.INVALID_ARGUMENT.getNumber())
                .setMessage("the request does not parse as the message " + method + " takes: " + why)
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(REASON).setDomain(StatusMapper.DOMAIN)
                        .putMetadata("method", method).build()))
                .build();
        return StatusProto.toStatusRuntimeException(status);
    }

    /** What one request frame turned into: the message, or the reason it does not parse. */
    private record Parsed<T>(T message, String failure) {
    }

    private static final class TolerantMarshaller<T> implements MethodDescriptor.Marshaller<Parsed<T>> {
        private final MethodDescriptor.Marshaller<T> delegate;

        TolerantMarshaller(MethodDescriptor.Marshaller<T> delegate) {
            this.delegate = delegate;
        }

        @Override
        public InputStream stream(Parsed<T> value) {
            return delegate.stream(value.message());
        }

        @Override
        public Parsed<T> parse(InputStream stream) {
            try {
                return new Parsed<>(delegate.parse(stream), null);
            } catch (StatusRuntimeException e) {
                // The protobuf marshaller's INTERNAL "Invalid protobuf byte sequence", caused by the parser's own words.
                Throwable cause = e.getCause() == null ? e : e.getCause();
                return new Parsed<>(null, cause.getMessage() == null ? cause.toString() : cause.getMessage());
            }
        }
    }

    private static final class Handler<ReqT, RespT> implements ServerCallHandler<Parsed<ReqT>, RespT> {
        private final MethodDescriptor<ReqT, RespT> method;
        private final ServerCallHandler<ReqT, RespT> delegate;

        Handler(MethodDescriptor<ReqT, RespT> method, ServerCallHandler<ReqT, RespT> delegate) {
            this.method = method;
            this.delegate = delegate;
        }

        @Override
        public ServerCall.Listener<Parsed<ReqT>> startCall(ServerCall<Parsed<ReqT>, RespT> call, Metadata headers) {
            ServerCall.Listener<ReqT> listener = delegate.startCall(new Call<>(call, method), headers);
            return new Listener<>(call, listener);
        }
    }

    /**
     * Passes parsed messages on; on the first that does not parse, answers the call and passes
     * nothing more on but the end of the call. The transport calls a listener from one thread at a time.
     */
    private static final class Listener<ReqT> extends ServerCall.Listener<Parsed<ReqT>> {
        private final ServerCall<Parsed<ReqT>, ?> call;
        private final ServerCall.Listener<ReqT> delegate;
        private boolean refused;

        Listener(ServerCall<Parsed<ReqT>, ?> call, ServerCall.Listener<ReqT> delegate) {
            this.call = call;
            this.delegate = delegate;
        }

        @Override
        public void onMessage(Parsed<ReqT> parsed) {
            if (refused) {
                return;
            }
            if (parsed.failure() == null) {
                delegate.onMessage(parsed.message());
                return;
            }
            refused = true;
            String method = call.getMethodDescriptor().getFullMethodName();
            log.warn("{}: request from {} does not parse ({}); answered INVALID_ARGUMENT {}", method,
                    call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), parsed.failure(), REASON);
            StatusRuntimeException status = status(method, parsed.failure());
            call.close(status.getStatus(), status.getTrailers());
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                delegate.onHalfClose();
            }
        }

        @Override
        public void onReady() {
            if (!refused) {
                delegate.onReady();
            }
        }

        @Override
        public void onCancel() {
            delegate.onCancel();
        }

        @Override
        public void onComplete() {
            delegate.onComplete();
        }
    }

    /** The call as the service's own handler sees it: its own method descriptor, everything else forwarded. */
    private static final class Call<ReqT, RespT> extends ServerCall<ReqT, RespT> {
        private final ServerCall<Parsed<ReqT>, RespT> delegate;
        private final MethodDescriptor<ReqT, RespT> method;

        Call(ServerCall<Parsed<ReqT>, RespT> delegate, MethodDescriptor<ReqT, RespT> method) {
            this.delegate = delegate;
            this.method = method;
        }

        @Override
        public void request(int numMessages) {
            delegate.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            delegate.sendHeaders(headers);
        }

        @Override
        public void sendMessage(RespT message) {
            delegate.sendMessage(message);
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void close(Status status, Metadata trailers) {
            delegate.close(status, trailers);
        }

        @Override
        public boolean isCancelled() {
            return delegate.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            delegate.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            delegate.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            delegate.setOnReadyThreshold(numBytes);
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return delegate.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return delegate.getAttributes();
        }

        @Override
        public String getAuthority() {
            return delegate.getAuthority();
        }

        @Override
        public void triggerEvent(Object event) {
            delegate.triggerEvent(event);
        }

        @Override
        public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
            return method;
        }
    }
}
