package dev.commission.server.http;

import com.sun.net.httpserver.HttpExchange;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.RankingServiceGrpc;
import dev.commission.api.v1.WatchRankingRequest;
import dev.commission.server.logging.RequestIds;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * {@code GET /watch?campaign=C&scope=KIND[&region=R|&group=G][&top=N][&interval=MS][&access_token=T]}
 * as Server-Sent Events: one {@code data:} event per snapshot, the JSON of the RankingSnapshot (its
 * {@code stale} flag included). Each page is one WatchRanking call through the same pipeline as a
 * gRPC caller's, so it is served by the instance's one watch hub and costs Redis nothing more.
 *
 * <p>Each stream has a thread that writes to the browser, and asks the call for the next snapshot
 * only once the last one is written: a slow browser holds back the call, and the hub keeps only
 * the latest snapshot for it, as it does for a slow gRPC client. A comment line every
 * {@link #KEEPALIVE} finds browsers that went away and keeps proxies from closing an idle stream.
 */
final class WatchEvents implements AutoCloseable {
    static final String METHOD = RankingServiceGrpc.getWatchRankingMethod().getFullMethodName();
    /** Streams one instance serves at once; more are refused (503) rather than queued. */
    static final int MAX_STREAMS = 512;
    static final Duration KEEPALIVE = Duration.ofSeconds(15);
    /** Entries a page gets when it does not say: the dashboard's top 20. */
    static final int DEFAULT_TOP = 20;
    private static final String KINDS = Arrays.stream(RankingScope.Kind.values())
            .filter(k -> k != RankingScope.Kind.KIND_UNSPECIFIED && k != RankingScope.Kind.UNRECOGNIZED)
            .map(Enum::name).collect(Collectors.joining(", "));

    private final Channel channel;
    private final MethodDescriptor<byte[], byte[]> method;
    private final Semaphore slots = new Semaphore(MAX_STREAMS);
    private final Set<ClientCall<byte[], byte[]>> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService writers;
    private volatile boolean closed;

    WatchEvents(Channel channel, MethodDescriptor<byte[], byte[]> method) {
        this.channel = channel;
        this.method = method;
        AtomicInteger n = new AtomicInteger();
        this.writers = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "watch-events-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    void serve(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        Map<String, String> violations = new LinkedHashMap<>();
        WatchRankingRequest request = request(query, violations);
        if (!violations.isEmpty()) {
            HttpGateway.reply(exchange, ConnectErrors.of(Status.Code.INVALID_ARGUMENT, "the watch parameters are not "
                    + "valid: " + String.join("; ", violations.values()), "MALFORMED_REQUEST", violations,
                    HttpGateway.requestId(exchange)));
            return;
        }
        if (closed || !slots.tryAcquire()) {
            HttpGateway.reply(exchange, ConnectErrors.of(Status.Code.UNAVAILABLE, closed ? "the server is stopping"
                    : "this instance serves " + MAX_STREAMS + " watch streams already; try another", null, Map.of(),
                    HttpGateway.requestId(exchange)));
            return;
        }
        Stream stream = new Stream(exchange, channel.newCall(method, CallOptions.DEFAULT));
        open.add(stream.call);
        stream.call.start(stream, HttpGateway.headers(exchange, query.get("access_token")));
        stream.call.sendMessage(JsonMessages.print(request).getBytes(StandardCharsets.UTF_8));
        stream.call.halfClose();
        stream.call.request(1);
        writers.execute(() -> {
            try {
                stream.run();
            } finally {
                open.remove(stream.call);
                slots.release();
            }
        });
    }

    /** The WatchRanking request a query names; what does not parse goes to {@code violations} by parameter. */
    static WatchRankingRequest request(Map<String, String> query, Map<String, String> violations) {
        WatchRankingRequest.Builder request = WatchRankingRequest.newBuilder()
                .setCampaignId(query.getOrDefault("campaign", ""))
                .setTopN(DEFAULT_TOP);
        RankingScope.Kind kind = RankingScope.Kind.STEWARDS;
        String word = query.get("scope");
        if (word != null) {
            try {
                kind = RankingScope.Kind.valueOf(word.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                kind = null;
            }
            if (kind == null || kind == RankingScope.Kind.KIND_UNSPECIFIED || kind == RankingScope.Kind.UNRECOGNIZED) {
                violations.put("scope", "scope must be one of " + KINDS + ", got '" + word + "'");
                kind = RankingScope.Kind.STEWARDS;
            }
        }
        String id = switch (kind) {
            case STEWARDS_IN_REGION, GROUPS_IN_REGION -> query.getOrDefault("region", "");
            case STEWARDS_IN_GROUP -> query.getOrDefault("group", "");
            default -> "";
        };
        request.setScope(RankingScope.newBuilder().setKind(kind).setId(id));
        number(query, "top", violations, request::setTopN);
        number(query, "interval", violations, request::setMinIntervalMs);
        return request.build();
    }

    private static void number(Map<String, String> query, String name, Map<String, String> violations,
                               java.util.function.IntConsumer set) {
        String value = query.get(name);
        if (value == null) {
            return;
        }
        try {
            set.accept(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            violations.put(name, name + " must be a whole number, got '" + value + "'");
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw == null) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            query.putIfAbsent(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }

    /** Ends every stream (each page's EventSource will try again) and takes no more. */
    @Override
    public void close() {
        closed = true;
        open.forEach(call -> call.cancel("the server is stopping", null));
        writers.shutdown();
    }

    /** One page's stream: the call's listener hands over the latest snapshot; {@link #run} writes it. */
    private static final class Stream extends ClientCall.Listener<byte[]> {
        private final HttpExchange exchange;
        private final ClientCall<byte[], byte[]> call;
        private String requestId;
        private byte[] latest;
        private Status end;
        private Metadata endTrailers;

        Stream(HttpExchange exchange, ClientCall<byte[], byte[]> call) {
            this.exchange = exchange;
            this.call = call;
        }

        @Override
        public synchronized void onHeaders(Metadata headers) {
            requestId = headers.get(RequestIds.HEADER);
        }

        @Override
        public synchronized void onMessage(byte[] snapshot) {
            latest = snapshot;
            notifyAll();
        }

        @Override
        public synchronized void onClose(Status status, Metadata trailers) {
            end = status;
            endTrailers = trailers;
            notifyAll();
        }

        /** The next snapshot, or null when the call ended or {@code timeoutMillis} passed. */
        private synchronized byte[] next(long timeoutMillis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            while (latest == null && end == null) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return null;
                }
                wait(left);
            }
            byte[] snapshot = latest;
            latest = null;
            return snapshot;
        }

        private synchronized boolean ended() {
            return end != null && latest == null;
        }

        void run() {
            try {
                byte[] first = next(Long.MAX_VALUE / 2);
                if (first == null) {
                    Status status;
                    Metadata trailers;
                    String id;
                    synchronized (this) {
                        status = end;
                        trailers = endTrailers;
                        id = requestId;
                    }
                    HttpGateway.reply(exchange, ConnectErrors.of(status, trailers, id));
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
                synchronized (this) {
                    if (requestId != null) {
                        exchange.getResponseHeaders().set("X-Request-Id", requestId);
                    }
                }
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                out.write("retry: 2000\n\n".getBytes(StandardCharsets.US_ASCII));
                byte[] snapshot = first;
                while (true) {
                    if (snapshot != null) {
                        out.write("data: ".getBytes(StandardCharsets.US_ASCII));
                        out.write(snapshot);
                        out.write("\n\n".getBytes(StandardCharsets.US_ASCII));
                        call.request(1);
                    } else if (ended()) {
                        break;
                    } else {
                        out.write(": keepalive\n\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                    snapshot = next(KEEPALIVE.toMillis());
                }
            } catch (IOException e) {
                call.cancel("the browser went away", e);
            } catch (InterruptedException e) {
                call.cancel("the server is stopping", e);
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                call.cancel("writing the stream failed", e);
                throw e;
            } finally {
                exchange.close();
            }
        }
    }
}
