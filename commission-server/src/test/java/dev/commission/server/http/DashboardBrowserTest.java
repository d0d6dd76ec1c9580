package dev.commission.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ListValue;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.commission.core.testing.RedisExtension;
import dev.commission.server.watch.RedisAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard page in a real headless chromium: it opens, shows the rankings, and its rows and
 * their order follow settlements made over gRPC, with the rank movement since it opened; it says
 * "stale" while Redis holds writes back and is live again by itself afterwards. Saves
 * {@code target/dashboard.png}. Needs Debian's chromium: under CI ({@code CI=true}) its absence
 * fails the test; elsewhere the test is skipped.
 */
@ExtendWith(RedisExtension.class)
class DashboardBrowserTest {
    private static final Duration WITHIN = Duration.ofSeconds(30);
    /** Each row of a panel as {@code member|move|score|gap}. */
    private static final String ROWS = "JSON.stringify([...document.querySelectorAll('.panel[data-scope=\"%s\"] tbody tr')]"
            + ".map(tr => [tr.dataset.member, tr.querySelector('.move').textContent, tr.querySelector('.score').textContent,"
            + " tr.querySelector('.gap').textContent].join('|')))";
    private static final String STATE = "document.querySelector('.panel[data-scope=\"STEWARDS\"]').dataset.state";
    private static final String STATUS = "document.querySelector('.panel[data-scope=\"STEWARDS\"] .status').textContent";

    @Test
    void theRankingsOnThePageMoveAsOrdersSettle(@TempDir Path dir) throws Exception {
        Path binary = chromium();
        try (HttpFixture fixture = HttpFixture.start(dir)) {
            fixture.register("s2", "Li Lei", "east", "g2");
            fixture.register("s3", "Zhang Wei", "west", "g3");
            fixture.settleOverGrpc("o1", "s1", 20_000);   // 1000 fen
            fixture.settleOverGrpc("o2", "s2", 10_000);   // 500 fen
            try (HeadlessChromium browser = HeadlessChromium.start(binary, Files.createDirectory(dir.resolve("profile")),
                    430, 820, Path.of("target", "chromium.log"))) {
                browser.open(fixture.uri("/?campaign=c1&scope=OVERVIEW#token=t-read"));

                rows(browser, "STEWARDS", List.of("s1||¥10.00|", "s2||¥5.00|¥5.00", "s3||¥0.00|¥5.00"));
                rows(browser, "GROUPS", List.of("g1||¥10.00|", "g2||¥5.00|¥5.00", "g3||¥0.00|¥5.00"));
                rows(browser, "REGIONS", List.of("east||¥15.00|", "west||¥0.00|¥15.00"));
                assertEquals("live", browser.evaluate(STATE).getStringValue());

                fixture.settleOverGrpc("o3", "s3", 60_000);   // 3000 fen: from third to first
                rows(browser, "STEWARDS", List.of("s3|▲2|¥30.00|", "s1|▼1|¥10.00|¥20.00", "s2|▼1|¥5.00|¥5.00"));
                fixture.register("s4", "Chen Jing", "west", "g3");
                fixture.settleOverGrpc("o4", "s4", 14_000);   // 700 fen: a newcomer in second place
                rows(browser, "STEWARDS", List.of("s3|▲2|¥30.00|", "s1|▼1|¥10.00|¥20.00", "s4|new|¥7.00|¥3.00",
                        "s2|▼2|¥5.00|¥2.00"));
                rows(browser, "REGIONS", List.of("west|▲1|¥37.00|", "east|▼1|¥15.00|¥22.00"));
                String status = browser.evaluate(STATUS).getStringValue();
                assertTrue(status.startsWith("live · 4 ranked · changed "), status);

                browser.screenshot(Path.of("target", "dashboard.png"));

                RedisAdmin.command("CLIENT", "PAUSE", "60000", "WRITE");   // the hub's heartbeats stop coming back
                try {
                    browser.until(STATE, v -> v.getStringValue().equals("stale"), WITHIN);
                    assertTrue(browser.evaluate(STATUS).getStringValue().startsWith("stale"));
                } finally {
                    RedisAdmin.command("CLIENT", "UNPAUSE");
                }
                browser.until(STATE, v -> v.getStringValue().equals("live"), WITHIN);
                rows(browser, "STEWARDS", List.of("s3|▲2|¥30.00|", "s1|▼1|¥10.00|¥20.00", "s4|new|¥7.00|¥3.00",
                        "s2|▼2|¥5.00|¥2.00"));
            }
        }
    }

    private static void rows(HeadlessChromium browser, String scope, List<String> expected) throws Exception {
        Value shown = browser.until(String.format(ROWS, scope), v -> strings(v).equals(expected), WITHIN);
        assertEquals(expected, strings(shown));
    }

    /** The JSON array of strings an expression returned. */
    private static List<String> strings(Value json) {
        try {
            ListValue.Builder list = ListValue.newBuilder();
            JsonFormat.parser().merge(json.getStringValue(), list);
            return list.getValuesList().stream().map(Value::getStringValue).toList();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(json.getStringValue(), e);
        }
    }

    /** Debian's chromium; required under CI, else its absence skips the test. */
    private static Path chromium() {
        Optional<Path> binary = HeadlessChromium.binary();
        if (binary.isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("chromium is not installed; .ci/run installs it (apt-get install -y chromium)");
            }
            Assumptions.abort("chromium is not installed (apt-get install chromium); the dashboard is not tested here");
        }
        return binary.get();
    }
}
