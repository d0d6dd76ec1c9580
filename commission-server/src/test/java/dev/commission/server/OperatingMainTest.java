package dev.commission.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's side of {@code main} in its own JVM: hash-token, config files, JSON logs, refusing to start. */
class OperatingMainTest {
    @TempDir
    Path dir;

    @Test
    void hashTokenPrintsTheSha256OfStdinWithoutItsNewline() throws Exception {
        Process process = main("hash-token");
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write("abc\n".getBytes(StandardCharsets.UTF_8));
        }

        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), stderr());
        // SHA-256("abc"), the FIPS 180-2 test vector
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n", stdout());
    }

    @Test
    void aBadConfigFileIsOneLineAndExit2() throws Exception {
        Files.writeString(dir.resolve("commission.yaml"), "port: 1\nmetrics-port: -5\n");

        Process process = main("--config", "commission.yaml");

        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue(), stderr());
        assertTrue(stderr().startsWith("commission-server: metrics-port in commission.yaml must be a number from 0 to "
                + "65535, got '-5'\nusage: "), stderr());
        assertFalse(stderr().contains("\tat "), stderr());
    }

    @Test
    void listeningEverywhereWithoutTokensIsRefusedWithExit2() throws Exception {
        Process process = main("--host", "0.0.0.0");

        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue(), stderr());
        assertTrue(stderr().startsWith("commission-server: --host 0.0.0.0 listens beyond loopback, but no --tokens"),
                stderr());
    }

    @Test
    void jsonLogsAreOneObjectPerLine() throws Exception {
        Process process = main("--log-format", "json", "--port", "0", "--redis-url", "redis://127.0.0.1:" + freePort());

        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, process.exitValue(), stdout() + stderr());
        List<String> lines = stdout().lines().toList();
        assertFalse(lines.isEmpty());
        for (String line : lines) {
            assertTrue(line.startsWith("{") && line.endsWith("}"), line);
            assertTrue(line.contains("\"level\":"), line);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"formattedMessage\":\"starting with host=127.0.0.1 port=0")),
                stdout());
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"level\":\"ERROR\"")
                && l.contains("commission-server did not start")), stdout());
    }

    private Process main(String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String logback = Path.of(CommissionServerMain.class.getResource("/logback.xml").getPath()).toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-Dlogback.configurationFile=" + logback,
                "-cp", System.getProperty("java.class.path"), CommissionServerMain.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile()).start();
    }

    private String stdout() throws IOException {
        return Files.readString(dir.resolve("stdout"));
    }

    private String stderr() throws IOException {
        return Files.readString(dir.resolve("stderr"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
