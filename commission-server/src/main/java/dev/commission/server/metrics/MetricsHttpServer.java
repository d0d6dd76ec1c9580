package dev.commission.server.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.commission.server.security.Caller;
import dev.commission.server.security.ClientSubjects;
import dev.commission.server.security.Role;
import dev.commission.server.security.TokenStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} on the management port, with the JDK's own HTTP server. When callers must
 * authenticate, a scrape needs the {@code read} role, like any read: from a bearer token or, with
 * mutual TLS, from the client certificate's subject. With TLS configured the port speaks HTTPS
 * with the gRPC port's certificate (and asks for a client certificate under mutual TLS).
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
     * @param tokens   who may scrape by token
     * @param subjects who may scrape by client certificate; with no tokens either, anyone who
     *                 reaches the port may (the server is then on loopback only)
     * @param tls      null for plain HTTP
     * @param mutual   whether clients must show a certificate the client CA signed
     */
    public static MetricsHttpServer start(InetSocketAddress address, ServerMetrics metrics, TokenStore tokens,
                                          ClientSubjects subjects, SSLContext tls, boolean mutual) throws IOException {
        HttpServer http;
        if (tls != null) {
            HttpsServer https = HttpsServer.create(address, 16);
            https.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters parameters = tls.getDefaultSSLParameters();
                    parameters.setNeedClientAuth(mutual);
                    params.setSSLParameters(parameters);
                }
            });
            http = https;
        } else {
            http = HttpServer.create(address, 16);
        }
        http.createContext("/metrics", exchange -> {
            try (exchange) {
                serve(exchange, metrics, tokens, subjects);
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

    private static void serve(HttpExchange exchange, ServerMetrics metrics, TokenStore tokens, ClientSubjects subjects)
            throws IOException {
        if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            exchange.sendResponseHeaders(405, -1);
            return;
        }
        if (!tokens.isEmpty() || !subjects.isEmpty()) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            Optional<Caller> caller = authorization != null
                    ? authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                            ? tokens.authenticate(authorization.substring(7).strip()) : Optional.empty()
                    : certificateCaller(exchange, subjects);
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

    private static Optional<Caller> certificateCaller(HttpExchange exchange, ClientSubjects subjects) {
        if (!(exchange instanceof HttpsExchange https) || subjects.isEmpty()) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = https.getSSLSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate certificate
                    ? subjects.caller(certificate.getSubjectX500Principal()) : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
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
