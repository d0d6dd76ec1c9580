package dev.commission.server;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How one server instance runs, from command-line flags, else {@code COMMISSION_*} environment
 * variables, else defaults. With neither a Redis URL nor a Redisson config file the instance
 * starts an embedded Redis with its data in {@code dataDir}.
 *
 * @param redisUrl    {@code redis://} or {@code rediss://} URL of one Redis server, or null
 * @param redisConfig Redisson YAML config file (Sentinel, Cluster, ...), or null
 * @param queueWorkers settlement queue workers of this instance; 0 runs none
 */
public record ServerConfig(String host, int port, String redisUrl, Path redisConfig, Path dataDir, int queueWorkers) {

    public ServerConfig(String host, int port, String redisUrl, Path redisConfig, Path dataDir) {
        this(host, port, redisUrl, redisConfig, dataDir, DEFAULT_QUEUE_WORKERS);
    }

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 9090;
    public static final Path DEFAULT_DATA_DIR = Path.of("data");
    public static final int DEFAULT_QUEUE_WORKERS = 4;
    public static final int MAX_QUEUE_WORKERS = 16;

    public static final String USAGE = """
            usage: java -jar commission-server.jar [options]
              --port N             gRPC port, 0 for any free one (default 9090)           env COMMISSION_PORT
              --host ADDRESS       address to listen on (default 127.0.0.1)               env COMMISSION_HOST
              --redis-url URL      one Redis server: redis://[:password@]host:port         env COMMISSION_REDIS_URL
                                   (rediss:// for TLS)
              --redis-config FILE  Redisson YAML config file, for Sentinel or Cluster     env COMMISSION_REDIS_CONFIG
              --data-dir DIR       data of the embedded Redis (default ./data)            env COMMISSION_DATA_DIR
              --queue-workers N    settlement queue workers, 0 to 16, 0 runs none         env COMMISSION_QUEUE_WORKERS
                                   (default 4)
              --help               print this and exit
            Without --redis-url or --redis-config an embedded redis-server is started, with
            append-only persistence in the data dir.""";

    private static final Map<String, String> ENV = Map.of(
            "--port", "COMMISSION_PORT",
            "--host", "COMMISSION_HOST",
            "--redis-url", "COMMISSION_REDIS_URL",
            "--redis-config", "COMMISSION_REDIS_CONFIG",
            "--data-dir", "COMMISSION_DATA_DIR",
            "--queue-workers", "COMMISSION_QUEUE_WORKERS");

    /** A command line that cannot run: print {@link #getMessage()} and {@link #USAGE}, exit with {@link #exitCode()}. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        UsageException(String message, int exitCode) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }

        /** 0 when help was asked for, 2 for a bad command line. */
        public int exitCode() {
            return exitCode;
        }
    }

    public boolean embeddedRedis() {
        return redisUrl == null && redisConfig == null;
    }

    /** Where Redis is, for the log: the URL without its password, the config file, or "embedded". */
    public String redisDescription() {
        if (redisConfig != null) {
            return "Redisson config " + redisConfig;
        }
        if (redisUrl != null) {
            return redisUrl.replaceFirst("//[^@/]*@", "//***@");
        }
        return "embedded";
    }

    public static ServerConfig parse(String[] args, Map<String, String> env) throws UsageException {
        Map<String, String> given = new LinkedHashMap<>();
        Map<String, String> source = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : ENV.entrySet()) {
            String value = env.get(e.getValue());
            if (value != null && !value.isBlank()) {
                given.put(e.getKey(), value.trim());
                source.put(e.getKey(), e.getValue());
            }
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                throw new UsageException("", 0);
            }
            String flag = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                flag = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!ENV.containsKey(flag)) {
                throw bad(arg.startsWith("-") ? "unknown option " + flag : "unexpected argument '" + arg + "'");
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw bad(flag + " needs a value");
                }
                value = args[++i];
            }
            given.put(flag, value);
            source.put(flag, flag);
        }

        String host = given.getOrDefault("--host", DEFAULT_HOST);
        if (host.isBlank()) {
            throw bad(source.get("--host") + " must not be empty");
        }
        int port = DEFAULT_PORT;
        if (given.containsKey("--port")) {
            try {
                port = Integer.parseInt(given.get("--port"));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65_535) {
                throw bad(source.get("--port") + " must be a number from 0 to 65535, got '" + given.get("--port") + "'");
            }
        }
        String redisUrl = given.get("--redis-url");
        if (redisUrl != null && !redisUrl.matches("rediss?://.+")) {
            throw bad(source.get("--redis-url") + " must look like redis://host:port, got '" + redisUrl + "'");
        }
        Path redisConfig = null;
        if (given.containsKey("--redis-config")) {
            redisConfig = path(given.get("--redis-config"), source.get("--redis-config"));
            if (!Files.isReadable(redisConfig)) {
                throw bad(source.get("--redis-config") + ": cannot read " + redisConfig.toAbsolutePath());
            }
        }
        if (redisUrl != null && redisConfig != null) {
            throw bad("give a Redis URL (" + source.get("--redis-url") + ") or a Redisson config ("
                    + source.get("--redis-config") + "), not both");
        }
        Path dataDir = given.containsKey("--data-dir") ? path(given.get("--data-dir"), source.get("--data-dir"))
                : DEFAULT_DATA_DIR;
        int queueWorkers = DEFAULT_QUEUE_WORKERS;
        if (given.containsKey("--queue-workers")) {
            try {
                queueWorkers = Integer.parseInt(given.get("--queue-workers"));
            } catch (NumberFormatException e) {
                queueWorkers = -1;
            }
            if (queueWorkers < 0 || queueWorkers > MAX_QUEUE_WORKERS) {
                throw bad(source.get("--queue-workers") + " must be a number from 0 to " + MAX_QUEUE_WORKERS + ", got '"
                        + given.get("--queue-workers") + "'");
            }
        }
        return new ServerConfig(host, port, redisUrl, redisConfig, dataDir, queueWorkers);
    }

    private static Path path(String value, String source) throws UsageException {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw bad(source + ": not a valid path: '" + value + "'");
        }
    }

    private static UsageException bad(String message) {
        return new UsageException(message, 2);
    }
}
