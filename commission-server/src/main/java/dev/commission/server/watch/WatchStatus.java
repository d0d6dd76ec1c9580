package dev.commission.server.watch;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import dev.commission.core.CommissionException;
import dev.commission.core.FieldViolation;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * The statuses a watch stream ends with. A refusal keeps its reason ({@code ErrorInfo}) and field
 * violations ({@code BadRequest}), in the same shape as the unary RPCs' errors.
 */
final class WatchStatus {
    static final String DOMAIN = "commission.dev";

    private WatchStatus() {
    }

    static StatusRuntimeException refused(CommissionException refusal) {
        Code code = switch (refusal.reason().kind()) {
            case INVALID -> Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Code.NOT_FOUND;
            case CONFLICT -> Code.ALREADY_EXISTS;
            case PRECONDITION -> Code.FAILED_PRECONDITION;
            case ABORTED -> Code.ABORTED;
        };
        Status.Builder status = Status.newBuilder().setCode(code.getNumber())
                .setMessage(refusal.getMessage() == null ? refusal.reason().name() : refusal.getMessage())
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(refusal.reason().name()).setDomain(DOMAIN).build()));
        if (!refusal.violations().isEmpty()) {
            BadRequest.Builder badRequest = BadRequest.newBuilder();
            for (FieldViolation violation : refusal.violations()) {
                badRequest.addFieldViolationsBuilder().setField(violation.field()).setDescription(violation.description());
            }
            status.addDetails(Any.pack(badRequest.build()));
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }

    static StatusRuntimeException shuttingDown() {
        return io.grpc.Status.UNAVAILABLE.withDescription("the server is shutting down; watch again elsewhere")
                .asRuntimeException();
    }
}
