package dev.commission.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.commission.server.security.Caller;
import dev.commission.server.security.Role;
import dev.commission.server.security.TokenStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} on the management port, with the JDK's own HTTP server. When the server
 * has tokens, a scrape needs a bearer token with the {@code read} role, like any read; with TLS
 * configured the port speaks HTTPS with the gRPC port's certificate.
 */
public final class MetricsHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsHttpServer.class);
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer http;
    private final ExecutorService executor;

    private MetricsHttpServer(HttpServer http, ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /**
     * @param tokens who may scrape; empty means anyone who reaches the port (loopback only then)
     * @param tls    null for plain HTTP
     */
    public static MetricsHttpServer start(InetSocketAddress address, ServerMetrics metrics, TokenStore tokens,
                                          SSLContext tls) throws IOException {
        HttpServer http;
        if (tls != null) {
            HttpsServer https = HttpsServer.create(address, 16);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            http = https;
        } else {
            http = HttpServer.create(address, 16);
        }
        http.createContext("/metrics", exchange -> {
            try (exchange) {
                serve(exchange, metrics, tokens);
            }
        });
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "metrics-http");
            thread.setDaemon(true);
            return thread;
        });
        http.setExecutor(executor);
        http.start();
        return new MetricsHttpServer(http, executor);
    }

    private static void serve(HttpExchange exchange, ServerMetrics metrics, TokenStore tokens) throws IOException {
        if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            exchange.sendResponseHeaders(405, -1);
            return;
        }
        if (!tokens.isEmpty()) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            Optional<Caller> caller = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? tokens.authenticate(authorization.substring(7).strip()) : Optional.empty();
            if (caller.isEmpty() || !caller.get().may(Role.READ)) {
                log.warn("denied GET /metrics to {} from {}", caller.map(Caller::name).orElse(
                        authorization == null ? "(no token)" : "(unknown token)"), exchange.getRemoteAddress());
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                exchange.sendResponseHeaders(caller.isEmpty() ? 401 : 403, -1);
                return;
            }
        }
        byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(200, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
