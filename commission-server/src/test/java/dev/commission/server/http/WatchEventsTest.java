package dev.commission.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code GET /watch}: RankingSnapshots as Server-Sent Events, from the instance's one watch hub. */
class WatchEventsTest extends OnHttpPort {
    private static final Duration WITHIN = Duration.ofSeconds(20);

    @Test
    void aPageGetsTheRankingAtOnceThenEverySettlementAsAnEvent() throws Exception {
        fixture.register("s2", "Li Lei", "east", "g2");
        try (Events events = Events.open(fixture, "/watch?campaign=c1&scope=stewards&access_token=t-read")) {
            Struct first = events.next(s -> true);
            assertEquals(List.of("s1:0", "s2:0"), entries(first));
            assertFalse(first.getFieldsOrThrow("stale").getBoolValue(), "stale is always there: " + first);
            assertEquals("text/event-stream; charset=utf-8", events.contentType);

            fixture.settleOverGrpc("o1", "s2", 10_000);   // 500 fen
            Struct second = events.next(s -> entries(s).equals(List.of("s2:500", "s1:0")));
            fixture.settleOverGrpc("o2", "s1", 30_000);   // 1500 fen
            Struct third = events.next(s -> entries(s).equals(List.of("s1:1500", "s2:500")));

            assertTrue(version(second) > version(first) && version(third) > version(second));
        }
    }

    @Test
    void pagesAreServedByTheInstancesOneWatchHub() throws Exception {
        try (Events one = Events.open(fixture, "/watch?campaign=c1&scope=GROUPS_IN_REGION&region=east&access_token=t-read");
             Events two = Events.open(fixture, "/watch?campaign=c1&scope=groups_in_region&region=east&top=5&access_token=t-read")) {
            one.next(s -> true);
            two.next(s -> true);

            assertEquals(2, fixture.stack.server().watchStats().openStreams());
            assertEquals(1, fixture.stack.server().watchStats().watchedScopes(), "one scope, read once for both pages");
            fixture.settleOverGrpc("o1", "s1", 10_000);
            one.next(s -> entries(s).equals(List.of("g1:500")));
            two.next(s -> entries(s).equals(List.of("g1:500")));
        }
    }

    @Test
    void badParametersAndMissingTokensAreAnsweredAsJsonErrorsBeforeAnyStream() throws Exception {
        HttpResponse<String> badScope = get("/watch?campaign=c1&scope=everyone&top=many&access_token=t-read");
        HttpResponse<String> noToken = get("/watch?campaign=c1&scope=STEWARDS");
        HttpResponse<String> noRegion = get("/watch?campaign=c1&scope=STEWARDS_IN_REGION&access_token=t-read");
        HttpResponse<String> headerToken = HttpFixture.send(HttpRequest.newBuilder(fixture.uri(
                "/watch?campaign=nope&scope=STEWARDS")).header("Authorization", "Bearer t-read").build());

        assertEquals(400, badScope.statusCode(), badScope.body());
        Struct error = json(badScope.body());
        assertEquals("invalid_argument", error.getFieldsOrThrow("code").getStringValue());
        assertEquals(List.of("scope", "top"), error.getFieldsOrThrow("violations").getListValue().getValuesList().stream()
                .map(v -> v.getStructValue().getFieldsOrThrow("field").getStringValue()).toList());
        assertEquals(401, noToken.statusCode(), noToken.body());
        assertEquals(400, noRegion.statusCode(), noRegion.body());
        assertEquals("invalid_argument", json(noRegion.body()).getFieldsOrThrow("code").getStringValue());
        assertEquals(404, headerToken.statusCode(), headerToken.body());
        assertEquals("not_found", json(headerToken.body()).getFieldsOrThrow("code").getStringValue());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpFixture.send(HttpRequest.newBuilder(fixture.uri(path)).build());
    }

    /** {@code member:scoreFen} of each entry, in rank order. */
    static List<String> entries(Struct snapshot) {
        return snapshot.getFieldsOrThrow("entries").getListValue().getValuesList().stream().map(Value::getStructValue)
                .map(e -> e.getFieldsOrThrow("memberId").getStringValue() + ":" + e.getFieldsOrThrow("scoreFen").getStringValue())
                .toList();
    }

    private static long version(Struct snapshot) {
        return Long.parseLong(snapshot.getFieldsOrThrow("version").getStringValue());
    }

    static Struct json(String text) throws Exception {
        Struct.Builder builder = Struct.newBuilder();
        JsonFormat.parser().merge(text, builder);
        return builder.build();
    }

    /** An open event stream, its {@code data:} events parsed as they arrive. */
    static final class Events implements AutoCloseable {
        private final BlockingQueue<Struct> received = new LinkedBlockingQueue<>();
        private final Stream<String> lines;
        final String contentType;

        private Events(HttpResponse<Stream<String>> response) {
            this.lines = response.body();
            this.contentType = response.headers().firstValue("Content-Type").orElse("");
            Thread reader = new Thread(() -> lines.forEach(line -> {
                if (line.startsWith("data: ")) {
                    try {
                        received.add(json(line.substring(6)));
                    } catch (Exception e) {
                        throw new IllegalStateException(line, e);
                    }
                }
            }), "events-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static Events open(HttpFixture fixture, String path) throws Exception {
            HttpResponse<Stream<String>> response = HttpFixture.HTTP.send(HttpRequest.newBuilder(fixture.uri(path)).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, response.statusCode());
            return new Events(response);
        }

        /** The first event (from now on) that {@code wanted} accepts; earlier ones are passed over. */
        Struct next(Predicate<Struct> wanted) throws InterruptedException {
            long deadline = System.nanoTime() + WITHIN.toNanos();
            Struct last = null;
            while (System.nanoTime() < deadline) {
                Struct event = received.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (event != null && wanted.test(event)) {
                    return event;
                }
                last = event == null ? last : event;
            }
            throw new AssertionError("no such event within " + WITHIN + "; the last one: " + last);
        }

        @Override
        public void close() {
            lines.close();
        }
    }
}
