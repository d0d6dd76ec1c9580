package dev.commission.server.http;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Debian's chromium, headless, driven through the DevTools protocol over the JDK's WebSocket: one
 * page, JavaScript evaluated in it, screenshots. Nothing but the browser itself is needed.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration CALL = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Struct>> pending = new ConcurrentHashMap<>();

    private HeadlessChromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /** The chromium binary on the PATH (or named by {@code $CHROMIUM}), if there is one. */
    static Optional<Path> binary() {
        String named = System.getenv("CHROMIUM");
        if (named != null && Files.isExecutable(Path.of(named))) {
            return Optional.of(Path.of(named));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : new String[] {"chromium", "chromium-browser"}) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Starts the browser with a window of the given size (CSS pixels) and attaches to its page. */
    static HeadlessChromium start(Path binary, Path profile, int width, int height, Path log) throws Exception {
        Process process = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + START.toNanos();
            String port = null;
            while (port == null) {
                if (Files.exists(portFile)) {
                    port = Files.readAllLines(portFile).stream().findFirst().filter(s -> !s.isBlank()).orElse(null);
                }
                if (port == null) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        throw new IOException("chromium did not open its DevTools port; see " + log);
                    }
                    Thread.sleep(50);
                }
            }
            String pages = HttpFixture.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            ListValue.Builder list = ListValue.newBuilder();
            JsonFormat.parser().merge(pages, list);
            String page = list.getValuesList().stream().map(Value::getStructValue)
                    .filter(p -> p.getFieldsOrThrow("type").getStringValue().equals("page"))
                    .map(p -> p.getFieldsOrThrow("webSocketDebuggerUrl").getStringValue()).findFirst()
                    .orElseThrow(() -> new IOException("chromium shows no page: " + pages));
            Listener listener = new Listener();
            WebSocket socket = HttpFixture.HTTP.newWebSocketBuilder().buildAsync(URI.create(page), listener)
                    .get(CALL.toSeconds(), TimeUnit.SECONDS);
            HeadlessChromium chromium = new HeadlessChromium(process, socket);
            listener.owner = chromium;
            return chromium;
        } catch (Exception e) {
            stop(process);
            throw e;
        }
    }

    /** Sends a DevTools command and waits for its result. */
    Struct call(String method, Struct params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<Struct> answer = new CompletableFuture<>();
        pending.put(id, answer);
        Struct command = Struct.newBuilder().putFields("id", Value.newBuilder().setNumberValue(id).build())
                .putFields("method", Value.newBuilder().setStringValue(method).build())
                .putFields("params", Value.newBuilder().setStructValue(params).build()).build();
        socket.sendText(JsonFormat.printer().print(command), true).get(CALL.toSeconds(), TimeUnit.SECONDS);
        Struct reply = answer.get(CALL.toSeconds(), TimeUnit.SECONDS);
        if (reply.containsFields("error")) {
            throw new IOException(method + ": " + JsonFormat.printer().print(reply.getFieldsOrThrow("error")));
        }
        return reply.getFieldsOrThrow("result").getStructValue();
    }

    void open(URI page) throws Exception {
        call("Page.navigate", Struct.newBuilder().putFields("url", string(page.toString())).build());
    }

    /** The value of a JavaScript expression (JSON-able), evaluated in the page. */
    Value evaluate(String expression) throws Exception {
        Struct result = call("Runtime.evaluate", Struct.newBuilder().putFields("expression", string(expression))
                .putFields("returnByValue", Value.newBuilder().setBoolValue(true).build()).build());
        if (result.containsFields("exceptionDetails")) {
            throw new IOException(expression + ": " + JsonFormat.printer().print(result.getFieldsOrThrow("exceptionDetails")));
        }
        return result.getFieldsOrThrow("result").getStructValue().getFieldsOrDefault("value", Value.getDefaultInstance());
    }

    /** Evaluates {@code expression} until {@code accepted} takes its value; fails after {@code within}. */
    Value until(String expression, Predicate<Value> accepted, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        Value value = evaluate(expression);
        while (!accepted.test(value)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + ": " + expression + " was " + JsonFormat.printer()
                        .omittingInsignificantWhitespace().print(value));
            }
            Thread.sleep(50);
            value = evaluate(expression);
        }
        return value;
    }

    void screenshot(Path file) throws Exception {
        Struct shot = call("Page.captureScreenshot", Struct.newBuilder().putFields("format", string("png")).build());
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(shot.getFieldsOrThrow("data").getStringValue()));
    }

    @Override
    public void close() {
        socket.abort();
        stop(process);
    }

    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private void received(String message) {
        try {
            Struct.Builder reply = Struct.newBuilder();
            JsonFormat.parser().merge(message, reply);
            if (reply.containsFields("id")) {
                CompletableFuture<Struct> answer = pending.remove((int) reply.getFieldsOrThrow("id").getNumberValue());
                if (answer != null) {
                    answer.complete(reply.build());
                }
            }
        } catch (IOException e) {
            pending.values().forEach(p -> p.completeExceptionally(e));
        }
    }

    /** Puts a message's parts together; events without an id (the page's own) are passed over. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder parts = new StringBuilder();
        private volatile HeadlessChromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                String message = parts.toString();
                parts.setLength(0);
                if (owner != null) {
                    owner.received(message);
                }
            }
            socket.request(1);
            return null;
        }
    }
}
