package dev.commission.php;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Debian's php-cli for the tests. Without php on the PATH a test is skipped, except under
 * CI=true, where it fails: .ci/run installs php-cli and php-curl, so CI always runs these tests.
 */
final class Php {
    /** The module folder: composer.json, http-autoload.php, examples/, src/ and target/. */
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path GENERATED = MODULE.resolve("target/generated-sources/php");
    private static final long TIMEOUT_SECONDS = 120;

    private Php() {
    }

    /** The php executable; skips the test (fails it under CI=true) when there is none. */
    static Path executable() {
        Path php = onPath("php");
        if (php == null) {
            String missing = "php is not installed (Debian: apt-get install php-cli php-curl)";
            if ("true".equals(System.getenv("CI"))) {
                fail(missing + "; .ci/run installs it, so CI must have it");
            }
            Assumptions.abort(missing);
        }
        return php;
    }

    /** What one php run printed, and how it ended. */
    record Run(int exitCode, String stdout, String stderr) {
        Run requireSuccess() {
            if (exitCode != 0) {
                fail("php exited " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
            }
            return this;
        }
    }

    /** Runs php with the arguments, in the module folder, with stdin as its input. */
    static Run run(String stdin, String... args) throws IOException, InterruptedException {
        return run(stdin, Map.of(), args);
    }

    /** The same, with these variables added to php's environment. */
    static Run run(String stdin, Map<String, String> environment, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable().toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("php", ".out");
        Path err = Files.createTempFile("php", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(MODULE.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            try (var in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("php " + args[0] + " did not end within " + TIMEOUT_SECONDS + " s");
            }
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
