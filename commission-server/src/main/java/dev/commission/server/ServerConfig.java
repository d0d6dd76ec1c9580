package dev.commission.server;

import java.net.URLDecoder;
import dev.commission.server.logging.LogFormat;
import dev.commission.server.security.ClientSubjects;
import dev.commission.server.security.SecurityConfig;
import dev.commission.server.security.TokenStore;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * How one server instance runs. Every setting comes from, in order of precedence, its
 * command-line flag, its {@code COMMISSION_*} environment variable, the config file
 * ({@code --config}, YAML or .properties, keys named like the flags), else its default. With
 * neither a Redis URL nor a Redisson config file the instance starts an embedded Redis with its
 * data in {@code dataDir}.
 *
 * @param redisUrl    {@code redis://} or {@code rediss://} URL of one Redis server, or null; it may
 *                    hold a password, so it is only ever shown through {@link #redisDescription()}
 * @param redisConfig Redisson YAML config file (Sentinel, Cluster, ...), or null
 * @param security    tokens, TLS, client-certificate roles
 * @param metricsPort port of {@code GET /metrics}, or null for none
 * @param logFormat   text or JSON lines
 * @param queueWorkers settlement queue workers of this instance; 0 runs none
 * @param httpPort    port of HTTP/JSON on every unary RPC, {@code GET /watch} and the dashboard page,
 *                    or null for none
 */
public record ServerConfig(String host, int port, String redisUrl, Path redisConfig, Path dataDir,
                           SecurityConfig security, Integer metricsPort, LogFormat logFormat, int queueWorkers,
                           Integer httpPort) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 9090;
    public static final Path DEFAULT_DATA_DIR = Path.of("data");
    public static final int DEFAULT_QUEUE_WORKERS = 4;
    public static final int MAX_QUEUE_WORKERS = 16;

    /** Loopback, no Redis named, no credentials, no metrics port, text logs. */
    public ServerConfig(String host, int port, String redisUrl, Path redisConfig, Path dataDir) {
        this(host, port, redisUrl, redisConfig, dataDir, SecurityConfig.NONE, null, LogFormat.TEXT);
    }

    /** As configured, with the default number of queue workers. */
    public ServerConfig(String host, int port, String redisUrl, Path redisConfig, Path dataDir,
                        SecurityConfig security, Integer metricsPort, LogFormat logFormat) {
        this(host, port, redisUrl, redisConfig, dataDir, security, metricsPort, logFormat, DEFAULT_QUEUE_WORKERS);
    }

    /** As configured, without the HTTP port. */
    public ServerConfig(String host, int port, String redisUrl, Path redisConfig, Path dataDir,
                        SecurityConfig security, Integer metricsPort, LogFormat logFormat, int queueWorkers) {
        this(host, port, redisUrl, redisConfig, dataDir, security, metricsPort, logFormat, queueWorkers, null);
    }

    /** One setting: {@code --name} on the command line, {@code env} in the environment, {@code name} in the file. */
    private record Setting(String name, String env, String value, String fallback, String help) {
        String flag() {
            return "--" + name;
        }
    }

    private static final List<Setting> SETTINGS = List.of(
            new Setting("config", "COMMISSION_CONFIG", "FILE", "none",
                    "YAML (.yaml, .yml) or .properties file with any setting below"),
            new Setting("host", "COMMISSION_HOST", "ADDRESS", DEFAULT_HOST,
                    "address to listen on; beyond loopback only with tokens or client roles"),
            new Setting("port", "COMMISSION_PORT", "N", Integer.toString(DEFAULT_PORT), "gRPC port, 0 for any free one"),
            new Setting("redis-url", "COMMISSION_REDIS_URL", "URL", "none",
                    "one Redis server: redis://[:password@]host:port (rediss:// for TLS)"),
            new Setting("redis-config", "COMMISSION_REDIS_CONFIG", "FILE", "none",
                    "Redisson YAML config file, for Sentinel or Cluster"),
            new Setting("data-dir", "COMMISSION_DATA_DIR", "DIR", "./data", "data of the embedded Redis"),
            new Setting("tokens", "COMMISSION_TOKENS", "FILE", "none",
                    "bearer tokens: lines of NAME SHA256_HEX ROLE[,ROLE] (settle, operate, read)"),
            new Setting("tls-cert", "COMMISSION_TLS_CERT", "FILE", "none",
                    "PEM certificate chain: TLS on the gRPC and metrics ports"),
            new Setting("tls-key", "COMMISSION_TLS_KEY", "FILE", "none", "PEM (PKCS#8) private key of --tls-cert"),
            new Setting("tls-client-ca", "COMMISSION_TLS_CLIENT_CA", "FILE", "none",
                    "PEM CA: every client must show a certificate it signed (mutual TLS)"),
            new Setting("client-roles", "COMMISSION_CLIENT_ROLES", "LIST", "none",
                    "roles by client-certificate subject: ROLES@SUBJECT; ... e.g. settle@CN=orders,O=Shop"),
            new Setting("metrics-port", "COMMISSION_METRICS_PORT", "N", "off",
                    "GET /metrics for Prometheus on this port (same host)"),
            new Setting("log-format", "COMMISSION_LOG_FORMAT", "text|json", "text",
                    "json: one JSON object per line, with the request id"),
            new Setting("queue-workers", "COMMISSION_QUEUE_WORKERS", "N", Integer.toString(DEFAULT_QUEUE_WORKERS),
                    "settlement queue workers, 0 to " + MAX_QUEUE_WORKERS + "; 0 runs none"),
            new Setting("http-port", "COMMISSION_HTTP_PORT", "N", "off",
                    "HTTP/JSON on every unary RPC, GET /watch and the dashboard page on this port (same host)"));

    public static final String USAGE = usage();

    private static String usage() {
        StringBuilder s = new StringBuilder("usage: java -jar commission-server.jar [options]\n");
        s.append("       java -jar commission-server.jar hash-token < token-file   (prints the SHA-256 for --tokens)\n");
        for (Setting setting : SETTINGS) {
            String left = setting.flag() + " " + setting.value();
            s.append(String.format(Locale.ROOT, "  %-22s %s (default %s)%n  %-22s env %s%n", left, setting.help(),
                    setting.fallback(), "", setting.env()));
        }
        s.append("  --help                 print this and exit\n");
        s.append("Precedence: flag, then environment, then config file, then default. Without --redis-url or\n");
        s.append("--redis-config an embedded redis-server is started, with append-only persistence in the data dir.");
        return s.toString();
    }

    /** A command line that cannot run: print {@link #getMessage()} and {@link #USAGE}, exit with {@link #exitCode()}. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        UsageException(String message, int exitCode) {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }

        /** 0 when help was asked for, 2 for a bad command line, environment or config file. */
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

    /** The effective settings in one line, for the start-up log: no password, no token hash. */
    public String describe() {
        return "host=" + host + " port=" + port + " redis=" + redisDescription()
                + (embeddedRedis() ? " data-dir=" + dataDir : "") + " " + security.describe()
                + " metrics-port=" + (metricsPort == null ? "off" : metricsPort) + " log-format=" + logFormat.word()
                + " queue-workers=" + queueWorkers + " http-port=" + (httpPort == null ? "off" : httpPort);
    }

    /** A value and where it came from ({@code --port}, {@code COMMISSION_PORT}, {@code port in commission.yaml}). */
    private record Given(String value, String source, Path baseDir) {
    }

    public static ServerConfig parse(String[] args, Map<String, String> env) throws UsageException {
        Map<String, Given> flags = flags(args);
        Map<String, Given> given = new LinkedHashMap<>();
        Given configFile = flags.containsKey("config") ? flags.get("config") : fromEnv(env, setting("config"));
        if (configFile != null) {
            given.putAll(readFile(path(configFile), configFile.source()));
        }
        for (Setting setting : SETTINGS) {
            Given value = fromEnv(env, setting);
            if (value != null) {
                given.put(setting.name(), value);
            }
        }
        given.putAll(flags);

        String host = value(given, "host", DEFAULT_HOST);
        if (host.isBlank()) {
            throw bad(given.get("host").source() + " must not be empty");
        }
        int port = given.containsKey("port") ? port(given.get("port")) : DEFAULT_PORT;
        String redisUrl = value(given, "redis-url", null);
        String urlProblem = redisUrl == null ? null : urlProblem(redisUrl);
        if (urlProblem != null) {
            throw bad(given.get("redis-url").source() + " must look like redis://host:port, got '" + redact(redisUrl) + "'"
                    + urlProblem);
        }
        Path redisConfig = readable(given, "redis-config");
        if (redisUrl != null && redisConfig != null) {
            throw bad("give a Redis URL (" + given.get("redis-url").source() + ") or a Redisson config ("
                    + given.get("redis-config").source() + "), not both");
        }
        Path dataDir = given.containsKey("data-dir") ? path(given.get("data-dir")) : DEFAULT_DATA_DIR;
        SecurityConfig security = security(given);
        if (!security.authenticated() && !loopback(host)) {
            throw bad(given.get("host").source() + " " + host + " listens beyond loopback, but no --tokens or "
                    + "--client-roles are configured: refusing to let anyone who reaches the port move money");
        }
        Integer metricsPort = given.containsKey("metrics-port") ? port(given.get("metrics-port")) : null;
        LogFormat logFormat = LogFormat.TEXT;
        if (given.containsKey("log-format")) {
            try {
                logFormat = LogFormat.parse(given.get("log-format").value());
            } catch (IllegalArgumentException e) {
                throw bad(given.get("log-format").source() + " must be text or json, got '"
                        + given.get("log-format").value() + "'");
            }
        }
        int queueWorkers = DEFAULT_QUEUE_WORKERS;
        if (given.containsKey("queue-workers")) {
            Given value = given.get("queue-workers");
            try {
                queueWorkers = Integer.parseInt(value.value());
            } catch (NumberFormatException e) {
                queueWorkers = -1;
            }
            if (queueWorkers < 0 || queueWorkers > MAX_QUEUE_WORKERS) {
                throw bad(value.source() + " must be a number from 0 to " + MAX_QUEUE_WORKERS + ", got '" + value.value() + "'");
            }
        }
        Integer httpPort = given.containsKey("http-port") ? port(given.get("http-port")) : null;
        return new ServerConfig(host, port, redisUrl, redisConfig, dataDir, security, metricsPort, logFormat, queueWorkers,
                httpPort);
    }

    private static Map<String, Given> flags(String[] args) throws UsageException {
        Map<String, Given> flags = new LinkedHashMap<>();
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
            String named = flag;
            Setting setting = SETTINGS.stream().filter(s -> s.flag().equals(named)).findFirst().orElse(null);
            if (setting == null) {
                throw bad(arg.startsWith("-") ? "unknown option " + flag : "unexpected argument '" + arg + "'");
            }
            if (value == null) {
                if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                    throw bad(flag + " needs a value");
                }
                value = args[++i];
            }
            flags.put(setting.name(), new Given(value, flag, null));
        }
        return flags;
    }

    private static Setting setting(String name) {
        return SETTINGS.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static Given fromEnv(Map<String, String> env, Setting setting) {
        String value = env.get(setting.env());
        return value == null || value.isBlank() ? null : new Given(value.trim(), setting.env(), null);
    }

    /**
     * The settings in a config file. YAML: a map of setting names to scalars ({@code client-roles}
     * may also be a map of subject to roles). Properties: {@code name=value}. Relative paths in
     * the file are relative to the file's folder.
     */
    private static Map<String, Given> readFile(Path file, String source) throws UsageException {
        if (!Files.isReadable(file)) {
            throw bad(source + ": cannot read " + file.toAbsolutePath());
        }
        String name = file.getFileName().toString();
        Path baseDir = file.toAbsolutePath().getParent();
        Map<String, Object> raw = new LinkedHashMap<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (name.endsWith(".properties")) {
                Properties properties = new Properties();
                properties.load(reader);
                properties.stringPropertyNames().forEach(key -> raw.put(key, properties.getProperty(key)));
            } else {
                Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
                if (loaded instanceof Map<?, ?> map) {
                    map.forEach((key, value) -> raw.put(String.valueOf(key), value));
                } else if (loaded != null) {
                    throw bad(name + ": expected setting: value lines, e.g. port: 9090");
                }
            }
        } catch (MarkedYAMLException e) {
            throw bad(name + ": not valid YAML at line " + (e.getProblemMark().getLine() + 1) + ": " + e.getProblem());
        } catch (YAMLException | IllegalArgumentException | IOException e) {
            throw bad(name + ": cannot be read: " + e.getMessage().lines().findFirst().orElse(""));
        }
        Map<String, Given> given = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            String key = e.getKey();
            if (key.equals("config") || SETTINGS.stream().noneMatch(s -> s.name().equals(key))) {
                throw bad(name + ": unknown setting '" + key + "' (settings: " + SETTINGS.stream().skip(1)
                        .map(Setting::name).collect(Collectors.joining(", ")) + ")");
            }
            Object value = e.getValue();
            String text;
            if (value instanceof Map<?, ?> map && key.equals("client-roles")) {
                text = map.entrySet().stream().map(m -> m.getValue() + "@" + m.getKey()).collect(Collectors.joining("; "));
            } else if (value == null || value instanceof Map || value instanceof List) {
                throw bad(key + " in " + name + " must be a single value");
            } else {
                text = String.valueOf(value).trim();
            }
            given.put(key, new Given(text, key + " in " + name, baseDir));
        }
        return given;
    }

    private static SecurityConfig security(Map<String, Given> given) throws UsageException {
        Path tokensFile = readable(given, "tokens");
        TokenStore tokens = TokenStore.empty();
        if (tokensFile != null) {
            String source = given.get("tokens").source();
            try {
                tokens = TokenStore.read(tokensFile);
            } catch (IOException e) {
                throw bad(source + ": cannot read " + tokensFile.toAbsolutePath());
            } catch (IllegalArgumentException e) {
                throw bad(source + " " + tokensFile + ": " + e.getMessage());
            }
            if (tokens.isEmpty()) {
                throw bad(source + " " + tokensFile + " holds no token");
            }
        }
        Path cert = readable(given, "tls-cert");
        Path key = readable(given, "tls-key");
        Path clientCa = readable(given, "tls-client-ca");
        if ((cert == null) != (key == null)) {
            throw bad("TLS needs both a certificate (--tls-cert) and its key (--tls-key)");
        }
        if (cert != null) {
            try {
                new AdvancedTlsX509KeyManager().updateIdentityCredentials(cert.toFile(), key.toFile());
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw bad(given.get("tls-cert").source() + " / " + given.get("tls-key").source()
                        + ": not a PEM certificate chain and PKCS#8 key: " + oneLine(e));
            }
        }
        if (clientCa != null) {
            if (cert == null) {
                throw bad(given.get("tls-client-ca").source() + " needs TLS: give --tls-cert and --tls-key too");
            }
            try {
                AdvancedTlsX509TrustManager.newBuilder().build().updateTrustCredentials(clientCa.toFile());
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw bad(given.get("tls-client-ca").source() + ": not PEM CA certificates: " + oneLine(e));
            }
        }
        ClientSubjects clientRoles = ClientSubjects.none();
        if (given.containsKey("client-roles")) {
            if (clientCa == null) {
                throw bad(given.get("client-roles").source() + " needs mutual TLS: give --tls-client-ca too");
            }
            try {
                clientRoles = ClientSubjects.parse(given.get("client-roles").value());
            } catch (IllegalArgumentException e) {
                throw bad(given.get("client-roles").source() + ": " + e.getMessage());
            }
        }
        return new SecurityConfig(tokensFile, tokens, cert, key, clientCa, clientRoles);
    }

    private static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse("");
    }

    /** Whether every address the host names is a loopback address. */
    private static boolean loopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String value(Map<String, Given> given, String name, String fallback) {
        Given value = given.get(name);
        return value == null ? fallback : value.value();
    }

    private static int port(Given given) throws UsageException {
        int port;
        try {
            port = Integer.parseInt(given.value());
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65_535) {
            throw bad(given.source() + " must be a number from 0 to 65535, got '" + given.value() + "'");
        }
        return port;
    }

    private static Path readable(Map<String, Given> given, String name) throws UsageException {
        Given value = given.get(name);
        if (value == null) {
            return null;
        }
        Path path = path(value);
        if (!Files.isReadable(path)) {
            throw bad(value.source() + ": cannot read " + path.toAbsolutePath());
        }
        return path;
    }

    private static Path path(Given given) throws UsageException {
        try {
            Path path = Path.of(given.value());
            return given.baseDir() == null || path.isAbsolute() ? path : given.baseDir().resolve(path);
        } catch (InvalidPathException e) {
            throw bad(given.source() + ": not a valid path: '" + given.value() + "'");
        }
    }

    private static UsageException bad(String message) {
        return new UsageException(message, 2);
    }
}
