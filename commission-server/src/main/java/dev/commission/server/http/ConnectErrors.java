package dev.commission.server.http;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RequestInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.Locale;
import java.util.Map;

/**
 * A gRPC error as the HTTP side says it: the HTTP status the Connect protocol gives the code, and
 * one JSON object {@code {"code", "message", "reason", "metadata", "violations", "requestId"}}
 * (reason, metadata and violations only when the error has them). The code is Connect's lowercase
 * name of the gRPC code ({@code invalid_argument}, {@code canceled}, ...).
 */
public final class ConnectErrors {
    private ConnectErrors() {
    }

    /** An error to answer: its HTTP status, its JSON body and the request id in it (null when none). */
    public record Reply(int httpStatus, String json, String requestId) {
    }

    /** The reply for a call that ended with {@code status}; {@code requestId} when the details carry none. */
    public static Reply of(Status status, Metadata trailers, String requestId) {
        com.google.rpc.Status details = StatusProto.fromStatusAndTrailers(status, trailers);
        Struct.Builder body = Struct.newBuilder()
                .putFields("code", text(codeName(status.getCode())))
                .putFields("message", text(details.getMessage()));
        String id = requestId;
        for (Any detail : details.getDetailsList()) {
            try {
                if (detail.is(ErrorInfo.class)) {
                    ErrorInfo info = detail.unpack(ErrorInfo.class);
                    body.putFields("reason", text(info.getReason()));
                    if (info.getMetadataCount() > 0) {
                        Struct.Builder metadata = Struct.newBuilder();
                        info.getMetadataMap().forEach((key, value) -> metadata.putFields(key, text(value)));
                        body.putFields("metadata", Value.newBuilder().setStructValue(metadata).build());
                    }
                } else if (detail.is(BadRequest.class)) {
                    ListValue.Builder violations = ListValue.newBuilder();
                    for (BadRequest.FieldViolation violation : detail.unpack(BadRequest.class).getFieldViolationsList()) {
                        violations.addValues(Value.newBuilder().setStructValue(Struct.newBuilder()
                                .putFields("field", text(violation.getField()))
                                .putFields("description", text(violation.getDescription()))));
                    }
                    if (violations.getValuesCount() > 0) {
                        body.putFields("violations", Value.newBuilder().setListValue(violations).build());
                    }
                } else if (detail.is(RequestInfo.class)) {
                    id = detail.unpack(RequestInfo.class).getRequestId();
                }
            } catch (InvalidProtocolBufferException e) {
                // A detail that does not unpack says nothing more; the code and message stand.
            }
        }
        if (id != null) {
            body.putFields("requestId", text(id));
        }
        return new Reply(httpStatus(status.getCode()), JsonMessages.print(body.build()), id);
    }

    /** An error the HTTP side finds before any call starts (no such route, a wrong query parameter). */
    public static Reply of(Status.Code code, String message, String reason, Map<String, String> violations,
                           String requestId) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage(message);
        if (reason != null) {
            status.addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason)
                    .setDomain(dev.commission.server.status.StatusMapper.DOMAIN).build()));
        }
        if (!violations.isEmpty()) {
            BadRequest.Builder badRequest = BadRequest.newBuilder();
            violations.forEach((field, description) -> badRequest.addFieldViolations(
                    BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description)));
            status.addDetails(Any.pack(badRequest.build()));
        }
        io.grpc.StatusRuntimeException e = StatusProto.toStatusRuntimeException(status.build());
        return of(e.getStatus(), e.getTrailers(), requestId);
    }

    /** Connect's name of the code: the gRPC name in lower case, but {@code canceled} with one l. */
    public static String codeName(Status.Code code) {
        return code == Status.Code.CANCELLED ? "canceled" : code.name().toLowerCase(Locale.ROOT);
    }

    /** The HTTP status the Connect protocol maps the code to. */
    public static int httpStatus(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED -> 409;
            case RESOURCE_EXHAUSTED -> 429;
            case CANCELLED -> 499;
            case UNIMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
            case DEADLINE_EXCEEDED -> 504;
            default -> 500;
        };
    }

    private static Value text(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }
}
