package dev.commission.server.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The dashboard page: plain HTML, CSS and JavaScript from the jar, read once. */
final class Dashboard {
    private record Page(String resource, String contentType) {
    }

    private static final Map<String, Page> PAGES = Map.of(
            "/", new Page("index.html", "text/html; charset=utf-8"),
            "/index.html", new Page("index.html", "text/html; charset=utf-8"),
            "/dashboard.css", new Page("dashboard.css", "text/css; charset=utf-8"),
            "/dashboard.js", new Page("dashboard.js", "text/javascript; charset=utf-8"));
    private static final Map<String, byte[]> CONTENT = Map.of(
            "index.html", read("index.html"), "dashboard.css", read("dashboard.css"), "dashboard.js", read("dashboard.js"));

    private Dashboard() {
    }

    static boolean serves(String path) {
        return PAGES.containsKey(path);
    }

    static void serve(HttpExchange exchange, String path) throws IOException {
        Page page = PAGES.get(path);
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        HttpGateway.reply(exchange, 200, page.contentType(), CONTENT.get(page.resource()), null);
    }

    private static byte[] read(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard/" + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
