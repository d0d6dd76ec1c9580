package dev.commission.php;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every PHP file of the package, generated or written by hand, passes {@code php -l}. */
class PhpLintTest {

    @Test
    void everyPhpFileParses() throws Exception {
        List<Path> files = new ArrayList<>();
        files.addAll(phpFiles(Php.GENERATED));
        files.addAll(phpFiles(Php.MODULE.resolve("src")));
        files.addAll(phpFiles(Php.MODULE.resolve("examples")));
        files.add(Php.MODULE.resolve("http-autoload.php"));
        List<String> failures = new ArrayList<>();
        for (Path file : files) {
            Php.Run run = Php.run("", "-l", file.toString());
            if (run.exitCode() != 0) {
                failures.add(file + ": " + run.stdout() + run.stderr());
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void theBuildGeneratedMessagesAndBothClientsForEveryService() throws IOException {
        Path v1 = Php.GENERATED.resolve("Commission/V1");
        for (String service : List.of("CommissionService", "RankingService", "SettlementService")) {
            assertTrue(Files.isRegularFile(v1.resolve(service + "Client.php")), service + " gRPC stub");
            assertTrue(Files.isRegularFile(v1.resolve("Http/" + service + "Client.php")), service + " HTTP/JSON client");
        }
        assertTrue(Files.isRegularFile(v1.resolve("SettleCommissionRequest.php")), "protoc's PHP messages");
        assertTrue(Files.isRegularFile(Php.GENERATED.resolve("GPBMetadata/Commission/V1/Commission.php")));
    }

    private static List<Path> phpFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(path -> path.toString().endsWith(".php")).sorted().toList();
        }
    }
}
