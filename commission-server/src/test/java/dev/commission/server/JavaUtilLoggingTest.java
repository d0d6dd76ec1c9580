package dev.commission.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Arrays;
import java.util.logging.Handler;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** grpc-java's java.util.logging lines reach logback, and nothing else of java.util.logging writes anywhere. */
class JavaUtilLoggingTest {

    @Test
    void aGrpcSevereLineGoesThroughLogback() {
        JavaUtilLogging.routeToSlf4j();
        Logger logger = (Logger) LoggerFactory.getLogger("io.grpc.internal.SerializingExecutor");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            java.util.logging.Logger.getLogger("io.grpc.internal.SerializingExecutor")
                    .log(java.util.logging.Level.SEVERE, "Exception while executing runnable", new IllegalStateException("x"));

            assertEquals(1, appender.list.size());
            assertEquals(Level.ERROR, appender.list.get(0).getLevel());
            assertEquals("Exception while executing runnable", appender.list.get(0).getFormattedMessage());
        } finally {
            logger.detachAppender(appender);
        }
    }

    @Test
    void theBridgeIsTheOnlyRootHandler() {
        JavaUtilLogging.routeToSlf4j();
        JavaUtilLogging.routeToSlf4j();

        Handler[] handlers = java.util.logging.Logger.getLogger("").getHandlers();

        assertEquals(1, handlers.length, Arrays.toString(handlers));
        assertTrue(handlers[0] instanceof SLF4JBridgeHandler, Arrays.toString(handlers));
    }
}
