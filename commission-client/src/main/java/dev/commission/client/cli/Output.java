package dev.commission.client.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TextFormat;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.BadRequest;
import dev.commission.client.CommissionErrors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Where replies and errors go: replies on stdout as protobuf text (for people) or proto3 JSON (for
 * scripts, with every field, defaults included, one object a line), errors on stderr as text or
 * as one JSON object {@code {"code", "message", "reason", "violations": [{"field", "description"}]}}.
 */
final class Output {
    private static final JsonFormat.Printer JSON = JsonFormat.printer().alwaysPrintFieldsWithNoPresence()
            .omittingInsignificantWhitespace();
    private static final TextFormat.Printer TEXT = TextFormat.printer().escapingNonAscii(false);

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;

    Output(PrintWriter out, PrintWriter err, boolean json) {
        this.out = out;
        this.err = err;
        this.json = json;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    boolean json() {
        return json;
    }

    void reply(MessageOrBuilder reply) {
        out.println(json ? json(reply) : TEXT.shortDebugString(reply));
        out.flush();
    }

    static String json(MessageOrBuilder message) {
        try {
            return JSON.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** A refusal from the server, with its reason and field violations. */
    void refused(StatusRuntimeException e) {
        Status status = e.getStatus();
        String message = status.getDescription() == null ? "" : status.getDescription();
        String reason = CommissionErrors.reason(e).orElse("");
        if (json) {
            JsonArray violations = new JsonArray();
            for (BadRequest.FieldViolation v : CommissionErrors.badRequest(e)) {
                JsonObject violation = new JsonObject();
                violation.addProperty("field", v.getField());
                violation.addProperty("description", v.getDescription());
                violations.add(violation);
            }
            JsonObject error = error(status.getCode().name(), message);
            error.addProperty("reason", reason);
            error.add("violations", violations);
            print(error);
            return;
        }
        err.println("error: " + status.getCode() + ": " + message);
        if (!reason.isEmpty()) {
            err.println("  reason: " + reason);
        }
        CommissionErrors.fieldViolations(e).forEach(v -> err.println("  field " + v));
    }

    /** A missing or bad argument: what is wrong, then how the command is used. */
    void usageError(String message, CommandLine command, Exception cause) {
        if (json) {
            print(error("USAGE", message));
            return;
        }
        err.println("error: " + message);
        if (cause instanceof UnmatchedArgumentException unmatched) {
            UnmatchedArgumentException.printSuggestions(unmatched, err);
        }
        command.usage(err);
    }

    /** Anything else: one line, never a stack trace. */
    void failed(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (json) {
            print(error("ERROR", message));
            return;
        }
        err.println("error: " + message);
    }

    private static JsonObject error(String code, String message) {
        JsonObject error = new JsonObject();
        error.addProperty("code", code);
        error.addProperty("message", message);
        return error;
    }

    private void print(JsonObject error) {
        err.println(error);
        err.flush();
    }

    /** A summary that is no protobuf message, as one JSON object a line on stdout. */
    void reply(JsonObject summary) {
        out.println(summary);
        out.flush();
    }
}
