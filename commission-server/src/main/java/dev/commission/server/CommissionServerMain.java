package dev.commission.server;

import dev.commission.server.security.HashToken;
import dev.commission.server.status.StatusMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar commission-server.jar [options]}: see {@link ServerConfig#USAGE};
 * {@code java -jar commission-server.jar hash-token}: see {@link HashToken}.
 */
public final class CommissionServerMain {
    private static final Logger log = LoggerFactory.getLogger(CommissionServerMain.class);

    private CommissionServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("hash-token")) {
            System.exit(HashToken.run(System.in, System.out, System.err));
            return;
        }
        JavaUtilLogging.routeToSlf4j();
        ServerConfig config;
        try {
            config = ServerConfig.parse(args, System.getenv());
        } catch (ServerConfig.UsageException e) {
            if (e.exitCode() == 0) {
                System.out.println(ServerConfig.USAGE);
            } else {
                System.err.println("commission-server: " + e.getMessage());
                System.err.println(ServerConfig.USAGE);
            }
            System.exit(e.exitCode());
            return;
        }
        config.logFormat().apply();
        ServerStack stack;
        try {
            stack = ServerStack.start(config);
        } catch (Exception e) {
            // The Redis URL's password never reaches the log, whatever a library put in its messages.
            log.error("commission-server did not start: {}", config.withoutSecrets(rootMessage(e)));
            if (!config.revealsSecrets(e)) {
                log.debug("start failure", e);
            }
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // stderr, not the logger: logging may already be shutting down with the JVM.
            System.err.println("commission-server: shutting down (up to " + CommissionServer.GRACE.toSeconds()
                    + " s for running calls)");
            stack.close();
            System.err.println("commission-server: stopped");
        }, "commission-server-shutdown"));
        stack.blockUntilShutdown();
    }

    /** The failure's own message, with the innermost cause's when it adds something. */
    private static String rootMessage(Throwable failure) {
        Throwable e = StatusMapper.unwrap(failure);
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String outer = e.getMessage() == null ? e.toString() : e.getMessage();
        String inner = root.getMessage() == null ? root.toString() : root.getMessage();
        return root == e || outer.contains(inner) ? outer : outer + ": " + inner;
    }
}
