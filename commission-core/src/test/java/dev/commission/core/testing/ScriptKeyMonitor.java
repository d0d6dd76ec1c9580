package dev.commission.core.testing;

import dev.commission.core.testing.EmbeddedCluster.Connection;
import dev.commission.core.testing.EmbeddedCluster.ErrorReply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches one cluster node with MONITOR and lists the commands scripts ran there, with the keys
 * Redis itself finds in each (COMMAND GETKEYS): also the keys a script built and never declared.
 */
public final class ScriptKeyMonitor implements AutoCloseable {
    private final EmbeddedCluster cluster;
    private final int node;
    private final Connection stream;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    public ScriptKeyMonitor(EmbeddedCluster cluster, int node) {
        this.cluster = cluster;
        this.node = node;
        this.stream = cluster.connect(node);
        Object ok = stream.call("MONITOR");
        if (!"OK".equals(ok)) {
            stream.close();
            throw new IllegalStateException("MONITOR answered " + ok);
        }
        reader = new Thread(() -> {
            try {
                while (true) {
                    lines.add(String.valueOf(stream.next()));
                }
            } catch (IOException | RuntimeException e) {
                // closed
            }
        }, "monitor-" + node);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Every distinct command run inside a script since the monitor started (arguments as sent),
     * mapped to the keys Redis finds in it; empty for a command without keys (TIME, PUBLISH).
     */
    public Map<List<String>, List<String>> scriptCommandKeys() {
        String mark = "monitor-mark-" + System.nanoTime();
        cluster.call(node, "ECHO", mark);
        long deadline = System.currentTimeMillis() + 5_000;
        while (!seen(mark)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("MONITOR never showed " + mark);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        Map<List<String>, List<String>> keys = new LinkedHashMap<>();
        List<String> snapshot;
        synchronized (lines) {
            snapshot = new ArrayList<>(lines);
        }
        try (Connection connection = cluster.connect(node)) {
            for (String line : snapshot) {
                int close = line.indexOf("] ");
                if (close < 0 || !line.substring(0, close).endsWith(" lua")) {
                    continue;
                }
                List<String> args = arguments(line.substring(close + 2));
                if (keys.containsKey(args)) {
                    continue;
                }
                String[] request = new String[args.size() + 2];
                request[0] = "COMMAND";
                request[1] = "GETKEYS";
                for (int i = 0; i < args.size(); i++) {
                    request[i + 2] = args.get(i);
                }
                Object reply = connection.call(request);
                List<String> found = new ArrayList<>();
                if (reply instanceof List<?> list) {
                    list.forEach(k -> found.add((String) k));
                } else if (!(reply instanceof ErrorReply)) {
                    throw new IllegalStateException("COMMAND GETKEYS " + args + " answered " + reply);
                }
                keys.put(List.copyOf(args), List.copyOf(found));
            }
        }
        return keys;
    }

    private boolean seen(String mark) {
        synchronized (lines) {
            return lines.stream().anyMatch(l -> l.contains(mark));
        }
    }

    /** The quoted, escaped arguments of a MONITOR line (sdscatrepr: \\ \" \n \r \t \a \b \xHH). */
    static List<String> arguments(String text) {
        List<String> args = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) != '"') {
                i++;
                continue;
            }
            ByteArrayOutputStream arg = new ByteArrayOutputStream();
            i++;
            while (text.charAt(i) != '"') {
                char ch = text.charAt(i);
                if (ch == '\\') {
                    char esc = text.charAt(i + 1);
                    switch (esc) {
                        case 'n' -> arg.write('\n');
                        case 'r' -> arg.write('\r');
                        case 't' -> arg.write('\t');
                        case 'a' -> arg.write(7);
                        case 'b' -> arg.write('\b');
                        case 'x' -> {
                            arg.write(Integer.parseInt(text.substring(i + 2, i + 4), 16));
                            i += 2;
                        }
                        default -> arg.write(esc);
                    }
                    i += 2;
                } else {
                    arg.write(ch);
                    i++;
                }
            }
            args.add(arg.toString(StandardCharsets.UTF_8));
            i++;
        }
        return args;
    }

    @Override
    public void close() {
        stream.close();
        try {
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
