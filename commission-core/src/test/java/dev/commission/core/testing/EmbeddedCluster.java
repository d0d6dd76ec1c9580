package dev.commission.core.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import redis.embedded.RedisServer;

/**
 * A real Redis Cluster of three masters (no replicas) for tests, from the embedded 7.0.15 binary.
 * Node {@code i} owns the slot range {@link #slotRange(int)}; the cluster is formed with
 * CLUSTER ADDSLOTSRANGE and CLUSTER MEET over a small RESP client ({@link #call}), then awaited
 * until every node reports {@code cluster_state:ok}, all 16384 slots and all three nodes.
 *
 * <p>Every node runs with {@code dir} set to one temporary directory (its nodes-&lt;port&gt;.conf is
 * written there), which {@link #close()} deletes after stopping the processes.
 */
public final class EmbeddedCluster implements AutoCloseable {
    public static final int NODES = 3;
    public static final int SLOTS = 16384;
    private static final long FORM_TIMEOUT_MS = 20_000;

    private final Path dir;
    private final int[] ports = new int[NODES];
    private final int[] busPorts = new int[NODES];
    private final List<RedisServer> servers = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::stopQuietly, "embedded-cluster-stop");

    private EmbeddedCluster() throws IOException {
        dir = Files.createTempDirectory("embedded-cluster-");
    }

    /** Starts the three nodes and forms the cluster; fails if it is not healthy in 20 s. */
    public static EmbeddedCluster start() {
        EmbeddedCluster cluster;
        try {
            cluster = new EmbeddedCluster();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.startNodes();
            cluster.form();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void startNodes() {
        Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < NODES; i++) {
            int port = freePort(taken);
            int busPort = freePort(taken);
            ports[i] = port;
            busPorts[i] = busPort;
            RedisServer server = RedisServer.builder().port(port)
                    .setting("bind 127.0.0.1")
                    .setting("dir " + dir.toAbsolutePath())
                    .setting("cluster-enabled yes")
                    .setting("cluster-config-file nodes-" + port + ".conf")
                    .setting("cluster-port " + busPort)
                    .setting("cluster-node-timeout 5000")
                    .setting("appendonly no")
                    .setting("save \"\"")
                    .build();
            servers.add(server);
            server.start();
        }
    }

    /** Splits the slots over the masters, introduces them to each other, waits until it is healthy. */
    private void form() {
        for (int i = 0; i < NODES; i++) {
            int[] range = slotRange(i);
            expectOk(call(i, "CLUSTER", "ADDSLOTSRANGE", Integer.toString(range[0]), Integer.toString(range[1])));
        }
        for (int i = 1; i < NODES; i++) {
            // The bus port is not port + 10000 here (cluster-port), so MEET must name it.
            expectOk(call(0, "CLUSTER", "MEET", "127.0.0.1", Integer.toString(ports[i]), Integer.toString(busPorts[i])));
        }
        long deadline = System.currentTimeMillis() + FORM_TIMEOUT_MS;
        while (!healthy()) {
            if (System.currentTimeMillis() > deadline) {
                StringBuilder state = new StringBuilder("cluster did not form in time:");
                for (int i = 0; i < NODES; i++) {
                    state.append("\n--- node ").append(i).append(" :").append(ports[i]).append('\n')
                            .append(call(i, "CLUSTER", "INFO")).append(call(i, "CLUSTER", "NODES"));
                }
                throw new IllegalStateException(state.toString());
            }
            sleep(50);
        }
    }

    private boolean healthy() {
        for (int i = 0; i < NODES; i++) {
            String info = (String) call(i, "CLUSTER", "INFO");
            if (!info.contains("cluster_state:ok")
                    || !info.contains("cluster_slots_assigned:" + SLOTS)
                    || !info.contains("cluster_slots_ok:" + SLOTS)
                    || !info.contains("cluster_known_nodes:" + NODES)) {
                return false;
            }
            // Every node must map every range to the right owner, not just count the slots.
            for (int j = 0; j < NODES; j++) {
                int[] range = slotRange(j);
                if (!("127.0.0.1:" + ports[j]).equals(ownerAddress(i, range[0]))
                        || !("127.0.0.1:" + ports[j]).equals(ownerAddress(i, range[1]))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** host:port of the master that node {@code asked} says owns {@code slot}, or null. */
    private String ownerAddress(int asked, int slot) {
        for (Object entry : (List<?>) call(asked, "CLUSTER", "SLOTS")) {
            List<?> row = (List<?>) entry;
            if ((Long) row.get(0) <= slot && slot <= (Long) row.get(1)) {
                List<?> master = (List<?>) row.get(2);
                return master.get(0) + ":" + master.get(1);
            }
        }
        return null;
    }

    /** The inclusive slot range node {@code node} owns: 0-5460, 5461-10922, 10923-16383. */
    public static int[] slotRange(int node) {
        if (node == 0) {
            return new int[] {0, 5460};
        }
        if (node == 1) {
            return new int[] {5461, 10922};
        }
        return new int[] {10923, SLOTS - 1};
    }

    /** The node that owns {@code slot}. */
    public static int nodeOfSlot(int slot) {
        for (int i = 0; i < NODES; i++) {
            int[] range = slotRange(i);
            if (range[0] <= slot && slot <= range[1]) {
                return i;
            }
        }
        throw new IllegalArgumentException("slot " + slot);
    }

    /** The Cluster slot of a key, honouring a {@code {hash tag}} as Redis does (CRC16/XMODEM mod 16384). */
    public static int slot(String key) {
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                key = key.substring(open + 1, close);
            }
        }
        int crc = 0;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            crc ^= (b & 0xff) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
                crc &= 0xffff;
            }
        }
        return crc % SLOTS;
    }

    public int port(int node) {
        return ports[node];
    }

    public String address(int node) {
        return "redis://127.0.0.1:" + ports[node];
    }

    /** A Redisson client in cluster mode, seeded with every node's address. */
    public RedissonClient redisson() {
        Config config = new Config();
        var cluster = config.useClusterServers().setScanInterval(1000);
        for (int i = 0; i < NODES; i++) {
            cluster.addNodeAddress(address(i));
        }
        return Redisson.create(config);
    }

    /**
     * Sends one command to node {@code node} on a fresh connection and returns the reply: String for
     * simple and bulk strings, Long for integers, List for arrays, null for nil, and an
     * {@link ErrorReply} for an error (returned, not thrown, so tests can assert on it).
     */
    public Object call(int node, String... args) {
        try (Connection connection = connect(node)) {
            return connection.call(args);
        }
    }

    /** A connection to one node, for several commands or for a MONITOR stream. */
    public Connection connect(int node) {
        return new Connection(node, ports[node]);
    }

    /** One RESP connection; replies as {@link #call} describes. Not thread-safe. */
    public static final class Connection implements AutoCloseable {
        private final String name;
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        /** A connection to a redis-server on a loopback port, e.g. {@link RedisExtension#port()}. */
        public static Connection open(int port) {
            return new Connection(-1, port);
        }

        private Connection(int node, int port) {
            this.name = "node " + node + " (:" + port + ")";
            try {
                socket = new Socket();
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
                socket.setSoTimeout(10_000);
                out = socket.getOutputStream();
                in = new BufferedInputStream(socket.getInputStream());
            } catch (IOException e) {
                throw new UncheckedIOException(name, e);
            }
        }

        public Object call(String... args) {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                request.writeBytes(bytes);
                request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            try {
                out.write(request.toByteArray());
                out.flush();
                return read(in);
            } catch (IOException e) {
                throw new UncheckedIOException(name + ": " + String.join(" ", args), e);
            }
        }

        /** Waits for replies without a time limit, for a MONITOR or subscription stream that may idle. */
        public Connection streaming() {
            try {
                socket.setSoTimeout(0);
            } catch (IOException e) {
                throw new UncheckedIOException(name, e);
            }
            return this;
        }

        /** The next reply without sending anything (after MONITOR). */
        public Object next() throws IOException {
            return read(in);
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    /** A RESP error reply, e.g. {@code MOVED 1234 127.0.0.1:7001} or {@code ERR ...}. */
    public record ErrorReply(String message) {
    }

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = readLine(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                return new ErrorReply(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length);
                in.readNBytes(2);
                return new String(bytes, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("unexpected RESP type byte " + type + " (" + line + ")");
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new IOException("connection closed mid-reply");
            }
            line.write(b);
        }
        in.read(); // '\n'
        return line.toString(StandardCharsets.UTF_8);
    }

    private static void expectOk(Object reply) {
        if (!"OK".equals(reply)) {
            throw new IllegalStateException("expected OK, got " + reply);
        }
    }

    /** A loopback port nothing listens on, not in {@code taken} (which it joins). */
    private static int freePort(Set<Integer> taken) {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (taken.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops every node and deletes the directory holding their cluster config files. */
    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or has run
        }
    }

    private synchronized void stopQuietly() {
        for (RedisServer server : servers) {
            try {
                server.stop();
            } catch (RuntimeException e) {
                // keep stopping the others
            }
        }
        servers.clear();
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temp dir left behind is not worth failing a test for
            }
        }
    }
}
