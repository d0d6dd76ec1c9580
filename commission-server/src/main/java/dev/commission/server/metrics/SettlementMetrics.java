package dev.commission.server.metrics;

import com.google.rpc.ErrorInfo;
import dev.commission.api.v1.Outcome;
import dev.commission.api.v1.ReverseResult;
import dev.commission.api.v1.SettleResult;
import dev.commission.server.status.StatusMapper;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Money as the replies report it: settlements and reversals applied, duplicate (a replay that
 * moved nothing) or refused by {@code ErrorInfo.reason}, and the commission fen they moved.
 * Read from the replies on their way out, so the services need no metrics code and a count
 * can never disagree with what the caller was told.
 */
public final class SettlementMetrics implements ServerInterceptor {
    private static final String SETTLE = "commission.v1.CommissionService/SettleCommission";
    private static final String REVERSE = "commission.v1.CommissionService/ReverseCommission";

    private final MeterRegistry registry;
    private final Counter settledFen;
    private final Counter reversedFen;

    public SettlementMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.settledFen = Counter.builder("commission.settled.fen").baseUnit("fen")
                .description("commission credited by applied settlements").register(registry);
        this.reversedFen = Counter.builder("commission.reversed.fen").baseUnit("fen")
                .description("commission taken back by applied reversals").register(registry);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        String operation = method.equals(SETTLE) ? "commission.settles" : method.equals(REVERSE) ? "commission.reversals" : null;
        if (operation == null) {
            return next.startCall(call, headers);
        }
        return next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void sendMessage(R message) {
                if (message instanceof SettleResult settled) {
                    count(operation, settled.getOutcome(), "");
                    if (settled.getOutcome() == Outcome.APPLIED) {
                        settledFen.increment(settled.getCommissionFen());
                    }
                } else if (message instanceof ReverseResult reversed) {
                    count(operation, reversed.getOutcome(), "");
                    if (reversed.getOutcome() == Outcome.APPLIED) {
                        reversedFen.increment(reversed.getReversedFen());
                    }
                }
                super.sendMessage(message);
            }

            @Override
            public void close(Status status, Metadata trailers) {
                if (!status.isOk()) {
                    counter(operation, "REFUSED", reason(status, trailers)).increment();
                }
                super.close(status, trailers);
            }
        }, headers);
    }

    private void count(String operation, Outcome outcome, String reason) {
        counter(operation, outcome.name(), reason).increment();
    }

    private Counter counter(String operation, String outcome, String reason) {
        return Counter.builder(operation).description("by outcome; refusals by ErrorInfo reason")
                .tag("outcome", outcome).tag("reason", reason).register(registry);
    }

    /** The refusal's ErrorInfo reason in this service's domain, else the bare status code. */
    private static String reason(Status status, Metadata trailers) {
        com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(status, trailers);
        for (Any detail : details.getDetailsList()) {
            if (detail.is(ErrorInfo.class)) {
                try {
                    ErrorInfo info = detail.unpack(ErrorInfo.class);
                    if (info.getDomain().equals(StatusMapper.DOMAIN)) {
                        return info.getReason();
                    }
                } catch (InvalidProtocolBufferException e) {
                    break;
                }
            }
        }
        return status.getCode().name();
    }
}
