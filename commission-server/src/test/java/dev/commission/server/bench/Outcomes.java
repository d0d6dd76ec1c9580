package dev.commission.server.bench;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/** How many calls ended how: APPLIED, DUPLICATE, or a status code with its ErrorInfo reason. */
final class Outcomes {
    private final Map<String, LongAdder> counts = new ConcurrentSkipListMap<>();
    private final LongAdder failures = new LongAdder();

    void add(String outcome) {
        counts.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    void failed(Throwable failure) {
        failures.increment();
        add(describe(failure));
    }

    long count(String outcome) {
        LongAdder count = counts.get(outcome);
        return count == null ? 0 : count.sum();
    }

    /** Calls that ended with a status other than OK. */
    long failures() {
        return failures.sum();
    }

    @Override
    public String toString() {
        StringJoiner line = new StringJoiner(", ");
        counts.forEach((outcome, count) -> line.add(String.format("%s %,d", outcome, count.sum())));
        return line.length() == 0 ? "none" : line.toString();
    }

    /** {@code CODE} or {@code CODE/REASON} (the ErrorInfo reason the server packed), for a failed call. */
    static String describe(Throwable failure) {
        Status status = Status.fromThrowable(failure);
        com.google.rpc.Status details = StatusProto.fromThrowable(failure);
        if (details != null) {
            for (Any detail : details.getDetailsList()) {
                if (detail.is(ErrorInfo.class)) {
                    try {
                        return status.getCode() + "/" + detail.unpack(ErrorInfo.class).getReason();
                    } catch (InvalidProtocolBufferException e) {
                        break;
                    }
                }
            }
        }
        return status.getCode().name();
    }
}
