package dev.commission.server.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import dev.commission.core.CommissionException;
import dev.commission.core.FieldViolation;
import dev.commission.core.Reason;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.redisson.client.RedisConnectionException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisLoadingException;
import org.redisson.client.RedisResponseTimeoutException;

class StatusMapperTest {
    private static final Map<Reason.Kind, Code> CODES = Map.of(
            Reason.Kind.INVALID, Code.INVALID_ARGUMENT,
            Reason.Kind.NOT_FOUND, Code.NOT_FOUND,
            Reason.Kind.CONFLICT, Code.ALREADY_EXISTS,
            Reason.Kind.PRECONDITION, Code.FAILED_PRECONDITION,
            Reason.Kind.ABORTED, Code.ABORTED);

    @ParameterizedTest
    @EnumSource(Reason.class)
    void everyReasonKeepsItsNameAndGetsItsKindsCode(Reason reason) throws InvalidProtocolBufferException {
        Status status = StatusMapper.toStatus(new CommissionException(reason, "because"), "Op");

        assertEquals(CODES.get(reason.kind()).getNumber(), status.getCode());
        assertEquals("because", status.getMessage());
        ErrorInfo info = status.getDetails(0).unpack(ErrorInfo.class);
        assertEquals(reason.name(), info.getReason());
        assertEquals("commission.dev", info.getDomain());
    }

    @Test
    void fieldViolationsBecomeABadRequestInOrder() throws InvalidProtocolBufferException {
        CommissionException invalid = CommissionException.invalid(List.of(
                new FieldViolation("campaign_id", "is required"), new FieldViolation("lines[0].paid_fen", "too big")));

        Status status = StatusMapper.toStatus(invalid, "Op");

        BadRequest badRequest = status.getDetails(1).unpack(BadRequest.class);
        assertEquals(List.of(
                BadRequest.FieldViolation.newBuilder().setField("campaign_id").setDescription("is required").build(),
                BadRequest.FieldViolation.newBuilder().setField("lines[0].paid_fen").setDescription("too big").build()),
                badRequest.getFieldViolationsList());
    }

    @Test
    void wrappersOfFuturesAreTakenOff() {
        Throwable wrapped = new CompletionException(new ExecutionException(
                new CommissionException(Reason.ORDER_CONFLICT, "order o1 was settled differently")));

        Status status = StatusMapper.toStatus(wrapped, "Op");

        assertEquals(Code.ALREADY_EXISTS.getNumber(), status.getCode());
    }

    @Test
    void redisOutagesAreUnavailable() {
        for (Throwable outage : List.of(
                new RedisConnectionException("Unable to connect to Redis server: 127.0.0.1/127.0.0.1:6379"),
                new CompletionException(new RedisResponseTimeoutException("Redis server response timeout")),
                new RedisLoadingException("LOADING Redis is loading the dataset in memory"),
                new org.redisson.client.RedisOutOfMemoryException("command not allowed when used memory > 'maxmemory'"),
                new RedisException("ERR Script attempted to access a non local key in a cluster node script: 1f0e"),
                new RedisException("Unexpected exception while processing command", new RedisConnectionException("closed")),
                new RedisException("Unexpected exception while processing command",
                        new java.net.ConnectException("Connection refused: 127.0.0.1/127.0.0.1:6379")))) {
            Status status = StatusMapper.toStatus(outage, "Op");

            assertEquals(Code.UNAVAILABLE.getNumber(), status.getCode(), outage.toString());
            assertFalse(status.getMessage().contains("127.0.0.1"), status.getMessage());
        }
    }

    @Test
    void aResponseTimeoutIsUnavailableBecauseRedisIsSlowNotDown() throws InvalidProtocolBufferException {
        Status slow = StatusMapper.toStatus(new CompletionException(new RedisResponseTimeoutException(
                "Redis server response timeout (300 ms) occurred after 0 of 0 retry attempts")), "Op");
        Status busy = StatusMapper.toStatus(new org.redisson.client.RedisTimeoutException(
                "Unable to acquire connection! Increase connection pool size"), "Op");
        Status down = StatusMapper.toStatus(new RedisConnectionException("Unable to connect"), "Op");

        assertEquals(Code.UNAVAILABLE.getNumber(), slow.getCode());
        assertEquals("REDIS_TIMEOUT", slow.getDetails(0).unpack(ErrorInfo.class).getReason());
        assertEquals("REDIS_TIMEOUT", busy.getDetails(0).unpack(ErrorInfo.class).getReason());
        assertEquals("REDIS_UNAVAILABLE", down.getDetails(0).unpack(ErrorInfo.class).getReason());
    }

    @Test
    void theOutageLogLineNamesTheRootCauseWithoutAStackTrace() {
        Logger logger = (Logger) LoggerFactory.getLogger(StatusMapper.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Level level = logger.getLevel();
        logger.setLevel(Level.DEBUG); // a line within 10 s of the last WARN goes to DEBUG, same text
        logger.addAppender(appender);
        try {
            StatusMapper.toStatus(new RedisException("Unexpected exception while processing command",
                    new java.net.ConnectException("Connection refused: redis-7/10.0.0.7:6379")), "SettleCommission");
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(level);
        }

        ILoggingEvent line = appender.list.get(0);
        assertEquals("SettleCommission: Redis unavailable: java.net.ConnectException: Connection refused: "
                + "redis-7/10.0.0.7:6379", line.getFormattedMessage());
        assertNull(line.getThrowableProxy());
    }

    @Test
    void anythingElseIsInternalAndTellsNothing() throws InvalidProtocolBufferException {
        Status status = StatusMapper.toStatus(new IllegalStateException("unknown rule kind in Redis: secret"), "Op");

        assertEquals(Code.INTERNAL.getNumber(), status.getCode());
        assertFalse(status.getMessage().contains("secret") || status.getMessage().contains("IllegalState"),
                status.getMessage());
        assertEquals("INTERNAL", status.getDetails(0).unpack(ErrorInfo.class).getReason());
    }

    @Test
    void aStatusAlreadyChosenIsKept() {
        StatusRuntimeException chosen = io.grpc.Status.CANCELLED.withDescription("client left").asRuntimeException();

        assertSame(chosen, StatusMapper.toStatusException(new CompletionException(chosen), "Op"));
    }
}
