package dev.commission.server;

import dev.commission.server.logging.RequestIds;
import dev.commission.server.metrics.ServerMetrics;
import dev.commission.server.security.AccessInterceptor;
import io.grpc.ServerBuilder;

/**
 * What every call passes through before and after its service, outermost first: its request
 * id, its count and latency, the access check (when callers must authenticate), and the money
 * counters of settlements and reversals. Refused calls are counted and carry a request id; the
 * money counters see only calls that were let in.
 */
public final class CallPipeline {
    private CallPipeline() {
    }

    /** @param access null when the server is unauthenticated (loopback only) */
    public static void install(ServerBuilder<?> builder, ServerMetrics metrics, AccessInterceptor access) {
        // A builder runs its interceptors in the reverse order of adding: the last added sees a call first.
        builder.intercept(metrics.settlements());
        if (access != null) {
            builder.intercept(access);
        }
        builder.intercept(metrics.calls());
        builder.intercept(new RequestIds());
    }
}
