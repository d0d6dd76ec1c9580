package dev.commission.server.metrics;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Counts and times every call by method and status code ({@code grpc_server_calls_seconds}),
 * from the moment it arrives to the moment it closes, refused calls included. Labels are the
 * method's full name and the code: bounded by the API, never by its data.
 */
public final class CallMetrics implements ServerInterceptor {
    /** Histogram buckets: from a cached read (under a millisecond) to a slow rebuild. */
    static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500),
            Duration.ofSeconds(10)};

    private final MeterRegistry registry;

    public CallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        long started = System.nanoTime();
        String method = call.getMethodDescriptor().getFullMethodName();
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                Timer.builder("grpc.server.calls").description("gRPC calls served, by method and status code")
                        .tag("method", method).tag("code", status.getCode().name())
                        .serviceLevelObjectives(BUCKETS)
                        .register(registry).record(Duration.ofNanos(System.nanoTime() - started));
                super.close(status, trailers);
            }
        }, headers);
    }
}
