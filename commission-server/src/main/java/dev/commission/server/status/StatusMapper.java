package dev.commission.server.status;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import dev.commission.core.CommissionException;
import dev.commission.core.FieldViolation;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.RedissonShutdownException;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisNodeNotFoundException;
import org.redisson.client.RedisOutOfMemoryException;
import org.redisson.client.RedisReadonlyException;
import org.redisson.client.RedisReconnectedException;
import org.redisson.client.RedisRetryException;
import org.redisson.client.RedisTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a failure becomes a gRPC status. Business refusals keep their reason
 * (packed as {@code google.rpc.ErrorInfo}, field violations as {@code google.rpc.BadRequest});
 * an unreachable Redis is UNAVAILABLE, so callers retry; anything else is INTERNAL with a generic
 * message and an incident id, the stack trace staying in the server log.
 */
public final class StatusMapper {
    /** The {@code ErrorInfo.domain} of every error this service sends. */
    public static final String DOMAIN = "commission.dev";
    /** {@code ErrorInfo.reason} when Redis cannot be reached. */
    public static final String REDIS_UNAVAILABLE = "REDIS_UNAVAILABLE";
    /**
     * {@code ErrorInfo.reason} when Redis is reachable but did not answer in time: slow, not down.
     * The command was sent once and may have run; a retry with the same key tells.
     */
    public static final String REDIS_TIMEOUT = "REDIS_TIMEOUT";
    /** {@code ErrorInfo.reason} of an unexpected failure. */
    public static final String INTERNAL = "INTERNAL";

    private static final Logger log = LoggerFactory.getLogger(StatusMapper.class);
    private static final long OUTAGE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final AtomicLong lastOutageLog = new AtomicLong(System.nanoTime() - OUTAGE_LOG_INTERVAL_NANOS);

    private StatusMapper() {
    }

    /** The status to send for {@code failure}, raised while serving {@code operation} (an RPC name, for the log). */
    public static StatusRuntimeException toStatusException(Throwable failure, String operation) {
        Throwable cause = unwrap(failure);
        if (cause instanceof StatusRuntimeException already) {
            return already;
        }
        if (cause instanceof StatusException already) {
            return already.getStatus().asRuntimeException(already.getTrailers());
        }
        return StatusProto.toStatusRuntimeException(toStatus(cause, operation));
    }

    /** The {@code google.rpc.Status} for {@code failure}, with its details packed. */
    public static Status toStatus(Throwable failure, String operation) {
        Throwable cause = unwrap(failure);
        if (cause instanceof CommissionException refusal) {
            return refusal(refusal);
        }
        if (cause instanceof CancellationException) {
            // the caller went away (cancelled, or its deadline passed) and the work stopped: nothing to report
            return status(Code.CANCELLED, "cancelled", errorInfo("CANCELLED"));
        }
        if (isRedisTimeout(cause)) {
            logOutage(operation, "Redis did not answer in time", cause);
            return status(Code.UNAVAILABLE, "Redis did not answer in time (slow, not down); the call may have been "
                    + "applied: retry with the same key", errorInfo(REDIS_TIMEOUT));
        }
        if (isRedisUnavailable(cause)) {
            logOutage(operation, "Redis unavailable", cause);
            return status(Code.UNAVAILABLE, "Redis is unavailable; retry later", errorInfo(REDIS_UNAVAILABLE));
        }
        String incident = UUID.randomUUID().toString().substring(0, 8);
        log.error("{} failed unexpectedly (incident {})", operation, incident, cause);
        return status(Code.INTERNAL, "internal error (incident " + incident + "); the server log has the details",
                errorInfo(INTERNAL));
    }

    /**
     * One line per outage every few seconds, not one per failed call: the root cause's text, no
     * stack trace (a throwable as the last argument would be taken for one, leaving the
     * placeholder empty).
     */
    private static void logOutage(String operation, String what, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        long now = System.nanoTime();
        long last = lastOutageLog.get();
        if (now - last >= OUTAGE_LOG_INTERVAL_NANOS && lastOutageLog.compareAndSet(last, now)) {
            log.warn("{}: {}: {}", operation, what, root.toString());
        } else {
            log.debug("{}: {}: {}", operation, what, root.toString());
        }
    }

    /** Strips the wrappers that futures put around the real failure. */
    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /**
     * Whether Redis did not answer in time: no reply within the response timeout, or (a symptom of
     * the same slowness) no pooled connection came free, or the command could not be written, in time.
     */
    public static boolean isRedisTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RedisTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the failure, or anything it wraps, says Redis could not be reached, is failing
     * over, or is over its memory limit (a script refused for memory wrote nothing, so a retry
     * later is safe). Redisson reports a refused connection as a plain {@code RedisException} around the
     * socket's exception, so the socket exceptions count too.
     */
    public static boolean isRedisUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RedisConnectionException || t instanceof RedisTimeoutException
                    || t instanceof RedisRetryException || t instanceof RedisNodeNotFoundException
                    || t instanceof RedisReadonlyException || t instanceof RedisReconnectedException
                    || t instanceof RedissonShutdownException || t instanceof RedisOutOfMemoryException
                    || t instanceof SocketException || t instanceof SocketTimeoutException
                    || t instanceof UnknownHostException || t instanceof ClosedChannelException
                    || isSlotMoving(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A Redis Cluster slot that is migrating: a script touching a key that has already moved is
     * refused before its first write (every script touches such keys first), so a retry is safe.
     */
    private static boolean isSlotMoving(Throwable t) {
        String message = t.getMessage();
        return message != null && (message.contains("non local key") || message.startsWith("TRYAGAIN")
                || message.contains("ERR TRYAGAIN"));
    }

    private static Status refusal(CommissionException refusal) {
        Code code = switch (refusal.reason().kind()) {
            case INVALID -> Code.INVALID_ARGUMENT;
            case NOT_FOUND -> Code.NOT_FOUND;
            case CONFLICT -> Code.ALREADY_EXISTS;
            case PRECONDITION -> Code.FAILED_PRECONDITION;
            case ABORTED -> Code.ABORTED;
        };
        String message = refusal.getMessage() == null ? refusal.reason().name() : refusal.getMessage();
        Status.Builder status = Status.newBuilder().setCode(code.getNumber()).setMessage(message)
                .addDetails(Any.pack(errorInfo(refusal.reason().name())));
        if (!refusal.violations().isEmpty()) {
            BadRequest.Builder badRequest = BadRequest.newBuilder();
            for (FieldViolation violation : refusal.violations()) {
                badRequest.addFieldViolationsBuilder().setField(violation.field()).setDescription(violation.description());
            }
            status.addDetails(Any.pack(badRequest.build()));
        }
        return status.build();
    }

    private static ErrorInfo errorInfo(String reason) {
        return ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).build();
    }

    private static Status status(Code code, String message, ErrorInfo info) {
        return Status.newBuilder().setCode(code.getNumber()).setMessage(message).addDetails(Any.pack(info)).build();
    }
}
