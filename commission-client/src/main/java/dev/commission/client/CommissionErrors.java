package dev.commission.client;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.protobuf.StatusProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the details the server packs into an error: the stable reason and the field violations. */
public final class CommissionErrors {
    private CommissionErrors() {
    }

    /** The stable reason, e.g. {@code ORDER_CONFLICT}, if the error carries one. */
    public static Optional<String> reason(Throwable error) {
        for (Any detail : details(error)) {
            if (detail.is(ErrorInfo.class)) {
                try {
                    return Optional.of(detail.unpack(ErrorInfo.class).getReason());
                } catch (InvalidProtocolBufferException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** The invalid fields as {@code field: description}. */
    public static List<String> fieldViolations(Throwable error) {
        List<String> violations = new ArrayList<>();
        for (BadRequest.FieldViolation v : badRequest(error)) {
            violations.add(v.getField() + ": " + v.getDescription());
        }
        return violations;
    }

    /** The invalid fields, each with its path (e.g. {@code lines[2].paid_fen}) and description. */
    public static List<BadRequest.FieldViolation> badRequest(Throwable error) {
        List<BadRequest.FieldViolation> violations = new ArrayList<>();
        for (Any detail : details(error)) {
            if (detail.is(BadRequest.class)) {
                try {
                    violations.addAll(detail.unpack(BadRequest.class).getFieldViolationsList());
                } catch (InvalidProtocolBufferException e) {
                    return violations;
                }
            }
        }
        return violations;
    }

    private static List<Any> details(Throwable error) {
        com.google.rpc.Status status = StatusProto.fromThrowable(error);
        return status == null ? List.of() : status.getDetailsList();
    }
}
