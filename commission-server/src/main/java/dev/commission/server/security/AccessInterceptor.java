package dev.commission.server.security;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import dev.commission.server.status.StatusMapper;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where calls are let in or turned away. A caller is the bearer token in
 * {@code authorization} or, without one, a client certificate whose subject has roles; the
 * method's role comes from {@link MethodRoles}. A refused call is closed before the service
 * sees it, so it changes nothing, and is logged once at WARN (who, what, from where; never the
 * token).
 */
public final class AccessInterceptor implements ServerInterceptor {
    /** {@code ErrorInfo.reason} of a call without a known token or certificate. */
    public static final String UNAUTHENTICATED = "UNAUTHENTICATED";
    /** {@code ErrorInfo.reason} of a known caller without the method's role. */
    public static final String PERMISSION_DENIED = "PERMISSION_DENIED";

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Logger log = LoggerFactory.getLogger(AccessInterceptor.class);
    private static final String BEARER = "bearer ";

    private final TokenStore tokens;
    private final ClientSubjects subjects;

    public AccessInterceptor(TokenStore tokens, ClientSubjects subjects) {
        this.tokens = tokens;
        this.subjects = subjects;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        if (MethodRoles.open(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        Optional<Caller> caller = caller(call, headers);
        Optional<Role> required = MethodRoles.required(method);
        if (caller.isEmpty()) {
            String presented = headers.get(AUTHORIZATION) == null ? "no token" : "unknown token";
            return deny(call, Code.UNAUTHENTICATED, UNAUTHENTICATED, "a known bearer token is required ("
                    + presented + ")", "(" + presented + ")", method, null);
        }
        if (required.isEmpty() || !caller.get().may(required.get())) {
            String role = required.map(Role::word).orElse("none (method not classified)");
            return deny(call, Code.PERMISSION_DENIED, PERMISSION_DENIED, caller.get().name() + " lacks the role "
                    + role + " that " + method + " needs", caller.get().name(), method, role);
        }
        return next.startCall(call, headers);
    }

    /** Who the call comes from: its bearer token when it sends one, else its client certificate. */
    private Optional<Caller> caller(ServerCall<?, ?> call, Metadata headers) {
        String authorization = headers.get(AUTHORIZATION);
        if (authorization != null) {
            if (authorization.length() <= BEARER.length()
                    || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                return Optional.empty();
            }
            return tokens.authenticate(authorization.substring(BEARER.length()).strip());
        }
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null || subjects.isEmpty()) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate certificate) {
                return subjects.caller(certificate.getSubjectX500Principal());
            }
        } catch (SSLPeerUnverifiedException e) {
            // no client certificate: only a token can say who this is
        }
        return Optional.empty();
    }

    private static <Q, R> ServerCall.Listener<Q> deny(ServerCall<Q, R> call, Code code, String reason, String message,
                                                      String who, String method, String role) {
        log.warn("denied {} to {} from {}: {}", method, who, call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
                reason);
        ErrorInfo.Builder info = ErrorInfo.newBuilder().setReason(reason).setDomain(StatusMapper.DOMAIN)
                .putMetadata("method", method);
        if (role != null) {
            info.putMetadata("required_role", role);
        }
        StatusRuntimeException e = StatusProto.toStatusRuntimeException(Status.newBuilder().setCode(code.getNumber())
                .setMessage(message).addDetails(Any.pack(info.build())).build());
        call.close(e.getStatus(), e.getTrailers());
        return new ServerCall.Listener<>() {
        };
    }
}
