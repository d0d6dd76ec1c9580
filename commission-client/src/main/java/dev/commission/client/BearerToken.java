package dev.commission.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * Sends a bearer token ({@code authorization: Bearer <token>}) with every call on a channel:
 * {@code ClientInterceptors.intercept(channel, new BearerToken(token))}. Send tokens only over
 * TLS or loopback: whoever reads one can call with its roles.
 */
public final class BearerToken implements ClientInterceptor {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final String header;

    public BearerToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a token must not be empty");
        }
        this.header = "Bearer " + token.strip();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                headers.put(AUTHORIZATION, header);
                super.start(listener, headers);
            }
        };
    }

    /** Never the token. */
    @Override
    public String toString() {
        return "BearerToken[***]";
    }
}
