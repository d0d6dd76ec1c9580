package dev.commission.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.server.logging.LogFormat;
import dev.commission.server.security.Role;
import dev.commission.server.security.TokenStore;
import dev.commission.server.testing.Certificates;
import dev.commission.server.testing.Certificates.Issued;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config file, its precedence under environment and flags, and the security settings. */
class ConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void aYamlFileSetsEverythingAndEnvironmentAndFlagsWinOverIt() throws Exception {
        tokens("orders settle", "ops operate,read");
        Path file = Files.writeString(dir.resolve("commission.yaml"), """
                # all settings
                host: 0.0.0.0
                port: 7000
                redis-url: redis://:pw@redis.internal:6379
                tokens: tokens.txt          # relative to this file
                metrics-port: 9100
                log-format: json
                http-port: 8080
                """);

        ServerConfig fromFile = ServerConfig.parse(new String[] {"--config", file.toString()}, Map.of());
        ServerConfig overridden = ServerConfig.parse(new String[] {"--config=" + file, "--port", "7002"},
                Map.of("COMMISSION_PORT", "7001", "COMMISSION_METRICS_PORT", "9101", "COMMISSION_HTTP_PORT", "8081"));

        assertEquals("0.0.0.0", fromFile.host());
        assertEquals(7000, fromFile.port());
        assertEquals(9100, fromFile.metricsPort());
        assertEquals(LogFormat.JSON, fromFile.logFormat());
        assertEquals(dir.resolve("tokens.txt"), fromFile.security().tokensFile());
        assertEquals(Set.of(Role.OPERATE, Role.READ), fromFile.security().tokens().authenticate("ops-secret")
                .orElseThrow().roles());
        assertEquals(7002, overridden.port(), "flag over environment over file");
        assertEquals(9101, overridden.metricsPort(), "environment over file");
        assertEquals(8080, fromFile.httpPort());
        assertEquals(8081, overridden.httpPort(), "environment over file");
    }

    @Test
    void aPropertiesFileWorksTheSameWay() throws Exception {
        Path file = Files.writeString(dir.resolve("commission.properties"), "port=7005\nlog-format=text\n");

        ServerConfig config = ServerConfig.parse(new String[0], Map.of("COMMISSION_CONFIG", file.toString()));

        assertEquals(7005, config.port());
        assertEquals("127.0.0.1", config.host());
    }

    @Test
    void theStartLogLineMasksEverySecret() throws Exception {
        tokens("orders settle");
        ServerConfig config = ServerConfig.parse(new String[] {"--redis-url", "redis://:s3cret@redis:6379",
                "--tokens", dir.resolve("tokens.txt").toString()}, Map.of());

        String line = config.describe();

        assertTrue(line.contains("redis=redis://***@redis:6379"), line);
        assertTrue(line.contains("[orders=settle]"), line);
        assertFalse(line.contains("s3cret") || line.contains(TokenStore.hash("orders-secret")), line);
    }

    @Test
    void listeningBeyondLoopbackNeedsTokens() {
        ServerConfig.UsageException e = assertThrows(ServerConfig.UsageException.class,
                () -> ServerConfig.parse(new String[] {"--host", "0.0.0.0"}, Map.of()));

        assertEquals(2, e.exitCode());
        assertEquals("--host 0.0.0.0 listens beyond loopback, but no --tokens or --client-roles are configured: "
                + "refusing to let anyone who reaches the port move money", e.getMessage());
    }

    @Test
    void mutualTlsRolesBySubject() throws Exception {
        Issued ca = Certificates.authority(dir, "ca");
        Issued server = Certificates.leaf(dir, "server", "CN=localhost", ca);
        Files.writeString(dir.resolve("commission.yaml"), """
                host: 0.0.0.0
                tls-cert: server.crt
                tls-key: server.key
                tls-client-ca: ca.crt
                client-roles:
                  "CN=order-splitter,O=Shop": settle
                  "CN=dashboard,O=Shop": read,operate
                """);

        ServerConfig config = ServerConfig.parse(new String[] {"--config", dir.resolve("commission.yaml").toString()},
                Map.of());

        assertTrue(config.security().tls());
        assertEquals(server.certFile(), config.security().tlsCert());
        assertEquals(Set.of(Role.READ, Role.OPERATE), config.security().clientRoles()
                .caller(new X500Principal("CN=dashboard, O=Shop")).orElseThrow().roles());
    }

    @Test
    void badValuesAreOneLineEach() throws Exception {
        Path ca = Certificates.authority(dir, "ca").certFile();
        assertEquals("port in bad.yaml must be a number from 0 to 65535, got 'ninety'",
                bad("bad.yaml", "port: ninety\n"));
        assertEquals("bad.yaml: unknown setting 'prot' (settings: host, port, redis-url, redis-config, data-dir, "
                + "tokens, tls-cert, tls-key, tls-client-ca, client-roles, metrics-port, log-format, queue-workers, http-port)",
                bad("bad.yaml", "prot: 9090\n"));
        assertEquals("bad.yaml: not valid YAML at line 2: mapping values are not allowed here",
                bad("bad.yaml", "port: 1\nhost: a: b\n"));
        assertEquals("log-format in bad.properties must be text or json, got 'xml'",
                bad("bad.properties", "log-format=xml\n"));
        assertEquals("--config: cannot read " + dir.resolve("missing.yaml"), message("--config",
                dir.resolve("missing.yaml").toString()));
        assertEquals("TLS needs both a certificate (--tls-cert) and its key (--tls-key)", message("--tls-cert",
                ca.toString()));
        assertTrue(message("--tls-cert", ca.toString(), "--tls-key", ca.toString())
                .startsWith("--tls-cert / --tls-key: not a PEM certificate chain and PKCS#8 key: "));
        assertEquals("--client-roles needs mutual TLS: give --tls-client-ca too", message("--client-roles",
                "read@CN=x"));
    }

    @Test
    void badTokenFilesNameTheLine() throws Exception {
        Files.writeString(dir.resolve("t1"), "# ok\norders " + TokenStore.hash("x") + " settle,pay\n");
        Files.writeString(dir.resolve("t2"), "orders 12ab settle\n");
        Files.writeString(dir.resolve("t3"), "# nothing\n");

        assertEquals("--tokens " + dir.resolve("t1") + ": line 2: unknown role 'pay' (roles: settle, operate, read)",
                message("--tokens", dir.resolve("t1").toString()));
        assertEquals("--tokens " + dir.resolve("t2") + ": line 1: the hash of token orders must be 64 lower-case hex "
                + "digits (java -jar commission-server.jar hash-token)", message("--tokens", dir.resolve("t2").toString()));
        assertEquals("--tokens " + dir.resolve("t3") + " holds no token", message("--tokens", dir.resolve("t3").toString()));
    }

    @Test
    void helpListsEverySettingWithItsDefault() {
        for (String flag : new String[] {"--config", "--host", "--port", "--redis-url", "--redis-config", "--data-dir",
                "--tokens", "--tls-cert", "--tls-key", "--tls-client-ca", "--client-roles", "--metrics-port",
                "--log-format", "--queue-workers", "--http-port"}) {
            assertTrue(ServerConfig.USAGE.contains(flag + " "), flag);
        }
        assertTrue(ServerConfig.USAGE.contains("(default 9090)"));
        assertTrue(ServerConfig.USAGE.contains("env COMMISSION_METRICS_PORT"));
    }

    /** A tokens.txt with NAME-secret as each token. */
    private void tokens(String... nameAndRoles) throws Exception {
        StringBuilder s = new StringBuilder();
        for (String line : nameAndRoles) {
            String[] parts = line.split(" ");
            s.append(parts[0]).append(' ').append(TokenStore.hash(parts[0] + "-secret")).append(' ').append(parts[1])
                    .append('\n');
        }
        Files.writeString(dir.resolve("tokens.txt"), s);
    }

    private String bad(String name, String content) throws Exception {
        Path file = Files.writeString(dir.resolve(name), content);
        return message("--config", file.toString());
    }

    private static String message(String... args) {
        ServerConfig.UsageException e = assertThrows(ServerConfig.UsageException.class,
                () -> ServerConfig.parse(args, Map.of()));
        assertEquals(2, e.exitCode());
        return e.getMessage();
    }
}
