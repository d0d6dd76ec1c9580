package dev.commission.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one server instance runs, from command-line flags, else {@code COMMISSION_*} environment
 * variables, else defaults. With neither a Redis URL nor a Redisson config file the instance
 * starts an embedded Redis with its data in {@code dataDir}.
 *
 * @param redisUrl    {@code redis://} or {@code rediss://} URL of one Redis server, or null; it may
 *                    hold a password, so it is only ever shown through {@link #redisDescription()}
 * @param redisConfig Redisson YAML config file (Sentinel, Cluster, ...), or null
 */
public record ServerConfig(String host, int port, String redisUrl, Path redisConfig, Path dataDir) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 9090;
    public static final Path DEFAULT_DATA_DIR = Path.of("data");

    public static final String USAGE = """
            usage: java -jar commission-server.jar [options]
              --port N             gRPC port, 0 for any free one (default 9090)           env COMMISSION_PORT
              --host ADDRESS       address to listen on (default 127.0.0.1)               env COMMISSION_HOST
              --redis-url URL      one Redis server: redis://[:password@]host:port         env COMMISSION_REDIS_URL
                                   (rediss:// for TLS)
              --redis-config FILE  Redisson YAML config file, for Sentinel or Cluster     env COMMISSION_REDIS_CONFIG
              --data-dir DIR       data of the embedded Redis (default ./data)            env COMMISSION_DATA_DIR
              --help               print this and exit
            Without --redis-url or --redis-config an embedded redis-server is started, with
            append-only persistence in the data dir.""";

    private static final Map<String, String> ENV = Map.of(
            "--port", "COMMISSION_PORT",
            "--host", "COMMISSION_HOST",
            "--redis-url", "COMMISSION_REDIS_URL",
            "--redis-config", "COMMISSION_REDIS_CONFIG",
            "--data-dir", "COMMISSION_DATA_DIR");

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
            return redact(redisUrl);
        }
        return "embedded";
    }

    /** Like the record's own, but never with the Redis password. */
    @Override
    public String toString() {
        return "ServerConfig[host=" + host + ", port=" + port + ", redisUrl=" + (redisUrl == null ? null : redact(redisUrl))
                + ", redisConfig=" + redisConfig + ", dataDir=" + dataDir + "]";
    }

    /**
     * {@code text} with every form of the Redis URL's credentials (as given, and percent-decoded)
     * replaced by {@code ***}: for messages of exceptions that may quote the URL.
     */
    public String withoutSecrets(String text) {
        if (text == null || redisUrl == null) {
            return text;
        }
        String userInfo = userInfo(redisUrl);
        if (userInfo == null || userInfo.isEmpty()) {
            return text;
        }
        List<String> secrets = new ArrayList<>(List.of(userInfo));
        int colon = userInfo.indexOf(':');
        if (colon >= 0 && colon + 1 < userInfo.length()) {
            secrets.add(userInfo.substring(colon + 1));
        }
        for (String secret : List.copyOf(secrets)) {
            try {
                secrets.add(URLDecoder.decode(secret, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // not percent-encoded: as given only
            }
        }
        secrets.sort(Comparator.comparingInt(String::length).reversed()); // the longest first, so none is left in part
        String clean = text;
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                clean = clean.replace(secret, "***");
            }
        }
        return clean;
    }

    /** Whether the Redis URL holds credentials. */
    public boolean redisUrlHasCredentials() {
        String userInfo = redisUrl == null ? null : userInfo(redisUrl);
        return userInfo != null && !userInfo.isEmpty();
    }

    /** Whether any message in {@code failure}'s chain of causes holds the Redis URL's credentials. */
    public boolean revealsSecrets(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message != null && !message.equals(withoutSecrets(message))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The URL with everything between the scheme and the last {@code @} replaced by {@code ***}:
     * a password may itself hold {@code @}, {@code /} or {@code :}, so nothing shorter is safe.
     */
    static String redact(String url) {
        int at = url.lastIndexOf('@');
        if (at < 0) {
            return url;
        }
        int scheme = url.indexOf("://");
        int start = scheme >= 0 && scheme < at ? scheme + 3 : 0;
        return url.substring(0, start) + "***" + url.substring(at);
    }

    /** What stands between the scheme and the last {@code @}, or null when there is no {@code @}. */
    private static String userInfo(String url) {
        int at = url.lastIndexOf('@');
        if (at < 0) {
            return null;
        }
        int scheme = url.indexOf("://");
        return url.substring(scheme >= 0 && scheme < at ? scheme + 3 : 0, at);
    }

    /**
     * What the Redis client would refuse in a {@code redis://} URL, said without quoting the
     * password; null when it looks right. The client reads the authority up to the first
     * {@code /}, the credentials up to its last {@code @}, and percent-decodes them.
     */
    private static String urlProblem(String url) {
        if (!url.matches("(?s)rediss?://.+")) {
            return "";
        }
        String rest = url.substring(url.indexOf("://") + 3);
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        if (rest.lastIndexOf('@') > end) {
            return " (a / ? or # in the password must be written %2F %3F %23)";
        }
        String authority = rest.substring(0, end);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            if (authority.lastIndexOf('@', at - 1) >= 0) {
                return " (an @ in the password must be written %40)";
            }
            try {
                URLDecoder.decode(authority.substring(0, at), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return " (the credentials are not valid percent-encoding; write % as %25)";
            }
        }
        String hostPort = authority.substring(at + 1);
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0 || hostPort.endsWith("]")) {
            return " (no port)";
        }
        String host = hostPort.substring(0, colon);
        if (host.isEmpty() || (host.startsWith("[") != host.endsWith("]"))) {
            return " (no host)";
        }
        String port = hostPort.substring(colon + 1);
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65_535) {
            return " (the port must be a number from 1 to 65535)";
        }
        return null;
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
        String urlProblem = redisUrl == null ? null : urlProblem(redisUrl);
        if (urlProblem != null) {
            throw bad(source.get("--redis-url") + " must look like redis://host:port, got '" + redact(redisUrl) + "'"
                    + urlProblem);
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
        return new ServerConfig(host, port, redisUrl, redisConfig, dataDir);
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
