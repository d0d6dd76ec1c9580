package dev.commission.server;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * grpc-java logs through java.util.logging, whose default handler writes to stderr in its own
 * format; routed into SLF4J, its lines go through the same logback configuration as the rest.
 * logback's {@code LevelChangePropagator} (see logback.xml) sets the java.util.logging levels from
 * logback's, so a disabled grpc-java log statement costs no more than before.
 */
public final class JavaUtilLogging {
    private JavaUtilLogging() {
    }

    /** Replaces the handlers of java.util.logging's root logger by the bridge to SLF4J; idempotent. */
    public static synchronized void routeToSlf4j() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
