package dev.commission.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.commission.server.logging.RequestIds;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP port: {@code POST /<service>/<method>} for every unary method of the services it is
 * given (the Connect protocol's unary shape: proto3 JSON in, proto3 JSON out, errors as
 * {@link ConnectErrors}), {@code GET /watch} as Server-Sent Events ({@link WatchEvents}) and the
 * dashboard page at {@code /}. It implements no method itself: each request becomes a call on an
 * in-process channel to the same service objects behind the same interceptors as the gRPC port,
 * in their JSON form ({@link JsonMessages}), carrying the caller's {@code Authorization} and
 * {@code X-Request-Id}. Served with the JDK's own HTTP server; replies are written from the call's
 * completion, so no thread waits for Redis.
 */
public final class HttpGateway implements AutoCloseable {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Logger log = LoggerFactory.getLogger(HttpGateway.class);
    private static final String JSON = "application/json";
    /** The largest request body taken, as gRPC's default limit on an inbound message. */
    static final int MAX_BODY = 4 * 1024 * 1024;
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private final HttpServer http;
    private final ExecutorService executor;
    private final WatchEvents watch;

    private HttpGateway(HttpServer http, ExecutorService executor, WatchEvents watch) {
        this.http = http;
        this.executor = executor;
        this.watch = watch;
    }

    /**
     * Listens on {@code address} and serves the unary methods of {@code services} through
     * {@code channel}, where the same services speak JSON.
     *
     * @param executor runs the HTTP exchanges and the calls' completions; owned by the gateway from now on
     * @param tls      null for plain HTTP
     */
    public static HttpGateway start(InetSocketAddress address, Channel channel, List<ServerServiceDefinition> services,
                                    ExecutorService executor, SSLContext tls) throws IOException {
        Map<String, MethodDescriptor<byte[], byte[]>> unary = new TreeMap<>();
        MethodDescriptor<byte[], byte[]> watchMethod = null;
        for (ServerServiceDefinition service : services) {
            for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
                MethodDescriptor<?, ?> descriptor = method.getMethodDescriptor();
                MethodDescriptor<byte[], byte[]> bytes = descriptor.toBuilder(BYTES, BYTES).build();
                if (descriptor.getType() == MethodDescriptor.MethodType.UNARY) {
                    unary.put("/" + descriptor.getFullMethodName(), bytes);
                } else if (descriptor.getFullMethodName().equals(WatchEvents.METHOD)) {
                    watchMethod = bytes;
                }
            }
        }
        HttpServer http;
        if (tls != null) {
            HttpsServer https = HttpsServer.create(address, 128);
            https.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters parameters = tls.getDefaultSSLParameters();
                    params.setSSLParameters(parameters);
                }
            });
            http = https;
        } else {
            http = HttpServer.create(address, 128);
        }
        WatchEvents watch = watchMethod == null ? null : new WatchEvents(channel, watchMethod);
        Router router = new Router(channel, Map.copyOf(unary), watch);
        http.createContext("/", router::handle);
        http.setExecutor(executor);
        http.start();
        log.info("HTTP/JSON for {} unary methods{}", unary.size(), watch == null ? "" : ", GET /watch and the dashboard");
        return new HttpGateway(http, executor, watch);
    }

    /** A fixed pool for {@link #start}: HTTP exchanges are short, their calls complete asynchronously. */
    public static ExecutorService executor() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), r -> {
            Thread thread = new Thread(r, "http-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** Ends the watch streams, stops listening and lets running exchanges finish for at most a second. */
    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
        http.stop(1);
        executor.shutdown();
        try {
            executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }

    /** The request's id as the caller gave it, when it is one {@link RequestIds} would keep; else a new one. */
    static String requestId(HttpExchange exchange) {
        return RequestIds.idFor(exchange.getRequestHeaders().getFirst("X-Request-Id"));
    }

    /** The metadata a call from this exchange carries: the caller's token and request id, nothing else. */
    static Metadata headers(HttpExchange exchange, String tokenFromQuery) {
        Metadata headers = new Metadata();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null && tokenFromQuery != null) {
            authorization = "Bearer " + tokenFromQuery;
        }
        if (authorization != null) {
            headers.put(AUTHORIZATION, authorization);
        }
        String id = exchange.getRequestHeaders().getFirst("X-Request-Id");
        if (id != null) {
            headers.put(RequestIds.HEADER, id);
        }
        return headers;
    }

    static void reply(HttpExchange exchange, int status, String contentType, byte[] body, String requestId)
            throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        if (requestId != null) {
            exchange.getResponseHeaders().set("X-Request-Id", requestId);
        }
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    static void reply(HttpExchange exchange, ConnectErrors.Reply error) throws IOException {
        reply(exchange, error.httpStatus(), JSON, error.json().getBytes(StandardCharsets.UTF_8), error.requestId());
    }

    /** Sends each request where it belongs. */
    private record Router(Channel channel, Map<String, MethodDescriptor<byte[], byte[]>> unary, WatchEvents watch) {
        void handle(HttpExchange exchange) throws IOException {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            try {
                MethodDescriptor<byte[], byte[]> rpc = unary.get(path);
                if (rpc != null) {
                    if (!method.equals("POST")) {
                        exchange.getResponseHeaders().set("Allow", "POST");
                        refuse(exchange, 405, Status.Code.UNIMPLEMENTED, method + " " + path + ": an RPC takes POST");
                    } else if (!jsonContent(exchange)) {
                        refuse(exchange, 415, Status.Code.INVALID_ARGUMENT, "send the request as Content-Type: " + JSON);
                    } else {
                        call(exchange, rpc);
                    }
                } else if (watch != null && path.equals("/watch") && method.equals("GET")) {
                    watch.serve(exchange);
                } else if (watch != null && get(method) && Dashboard.serves(path)) {
                    Dashboard.serve(exchange, path);
                } else {
                    refuse(exchange, 404, Status.Code.NOT_FOUND, "no such method or page: " + method + " " + path
                            + " (an RPC is POST /commission.v1.<Service>/<Method>)");
                }
            } catch (IOException | RuntimeException e) {
                log.warn("{} {} from {}: {}", method, path, exchange.getRemoteAddress(), e.toString());
                exchange.close();
            }
        }

        private static boolean get(String method) {
            return method.equals("GET") || method.equals("HEAD");
        }

        private static boolean jsonContent(HttpExchange exchange) {
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            return type == null || type.toLowerCase(java.util.Locale.ROOT).startsWith(JSON);
        }

        private static void refuse(HttpExchange exchange, int httpStatus, Status.Code code, String message)
                throws IOException {
            exchange.getRequestBody().readNBytes(MAX_BODY);
            ConnectErrors.Reply error = ConnectErrors.of(code, message, null, Map.of(), requestId(exchange));
            reply(exchange, new ConnectErrors.Reply(httpStatus, error.json(), error.requestId()));
        }

        /** Starts the call and returns; the call's completion writes the reply. */
        private void call(HttpExchange exchange, MethodDescriptor<byte[], byte[]> rpc) throws IOException {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                exchange.getResponseHeaders().set("Connection", "close"); // the rest of the body is not read
                ConnectErrors.Reply error = ConnectErrors.of(Status.Code.RESOURCE_EXHAUSTED, "the request body is over "
                        + MAX_BODY + " bytes", null, Map.of(), requestId(exchange));
                reply(exchange, error);
                return;
            }
            CallOptions options = CallOptions.DEFAULT;
            String timeout = exchange.getRequestHeaders().getFirst("Connect-Timeout-Ms");
            if (timeout != null && timeout.matches("[0-9]{1,10}")) {
                options = options.withDeadlineAfter(Long.parseLong(timeout), TimeUnit.MILLISECONDS);
            }
            ClientCall<byte[], byte[]> call = channel.newCall(rpc, options);
            call.start(new ClientCall.Listener<>() {
                private String requestId;
                private byte[] response;

                @Override
                public void onHeaders(Metadata headers) {
                    requestId = headers.get(RequestIds.HEADER);
                }

                @Override
                public void onMessage(byte[] message) {
                    response = message;
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    try {
                        if (status.isOk() && response != null) {
                            reply(exchange, 200, JSON, response, requestId);
                        } else {
                            reply(exchange, ConnectErrors.of(status, trailers, requestId));
                        }
                    } catch (IOException | RuntimeException e) {
                        log.warn("reply to {} {} failed: {}", exchange.getRemoteAddress(), rpc.getFullMethodName(), e.toString());
                        exchange.close();
                    }
                }
            }, headers(exchange, null));
            call.request(2);
            call.sendMessage(body);
            call.halfClose();
        }
    }
}
