package dev.commission.core.testing;

import dev.commission.core.testing.EmbeddedCluster.Connection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Watches the test redis-server with MONITOR and lists every script call as it reached Redis:
 * the SHA, KEYS and ARGV of each EVALSHA, with the commands the script ran (Redis 7 logs a
 * script's commands right after its EVALSHA).
 */
public final class ScriptCallMonitor implements AutoCloseable {
    private final int port;
    private final Connection stream;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    /** One EVALSHA: the script's SHA, its KEYS and ARGV, and each command it ran. */
    public record ScriptCall(String sha, List<String> keys, List<String> args, List<List<String>> commands) {
    }

    public ScriptCallMonitor(int port) {
        this.port = port;
        this.stream = Connection.open(port).streaming();
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
        }, "monitor-" + port);
        reader.setDaemon(true);
        reader.start();
    }

    /** Every script call since the monitor started, in the order Redis ran them. */
    public List<ScriptCall> calls() {
        String mark = "monitor-mark-" + System.nanoTime();
        try (Connection connection = Connection.open(port)) {
            connection.call("ECHO", mark);
        }
        long deadline = System.currentTimeMillis() + 10_000;
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
        List<String> snapshot;
        synchronized (lines) {
            snapshot = new ArrayList<>(lines);
        }
        List<ScriptCall> calls = new ArrayList<>();
        ScriptCall current = null;
        for (String line : snapshot) {
            int close = line.indexOf("] ");
            if (close < 0) {
                continue;
            }
            List<String> args = ScriptKeyMonitor.arguments(line.substring(close + 2));
            if (line.substring(0, close).endsWith(" lua")) {
                if (current != null) {
                    current.commands().add(args);
                }
                continue;
            }
            current = null;
            if (!args.isEmpty() && args.get(0).toUpperCase(Locale.ROOT).equals("EVALSHA")) {
                int numKeys = Integer.parseInt(args.get(2));
                current = new ScriptCall(args.get(1), List.copyOf(args.subList(3, 3 + numKeys)),
                        List.copyOf(args.subList(3 + numKeys, args.size())), new ArrayList<>());
                calls.add(current);
            }
        }
        return calls;
    }

    private boolean seen(String mark) {
        synchronized (lines) {
            return lines.stream().anyMatch(l -> l.contains(mark));
        }
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
