package dev.commission.server.watch;

import dev.commission.core.testing.RedisExtension;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Server commands Redisson does not expose (CLIENT LIST, CLIENT KILL), sent over a plain socket
 * to the test redis-server.
 */
public final class RedisAdmin {
    private RedisAdmin() {
    }

    /** CLIENT LIST, one map of fields per connection. */
    public static List<Map<String, String>> clients() {
        List<Map<String, String>> clients = new ArrayList<>();
        for (String line : command("CLIENT", "LIST").split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> fields = new TreeMap<>();
            for (String field : line.trim().split(" ")) {
                int eq = field.indexOf('=');
                if (eq > 0) {
                    fields.put(field.substring(0, eq), field.substring(eq + 1));
                }
            }
            clients.add(fields);
        }
        return clients;
    }

    public static void killClient(String id) {
        command("CLIENT", "KILL", "ID", id);
    }

    public static String command(String... args) {
        return command(RedisExtension.port(), args);
    }

    public static String command(int port, String... args) {
        return (String) run(port, List.of(List.of(args))).get(0);
    }

    /**
     * Runs the commands in one MULTI/EXEC, so nothing else runs between them (e.g. a subscriber
     * is killed and an event published with no chance to resubscribe in between); EXEC's replies.
     */
    public static List<Object> transaction(List<List<String>> commands) {
        List<List<String>> all = new ArrayList<>();
        all.add(List.of("MULTI"));
        all.addAll(commands);
        all.add(List.of("EXEC"));
        List<Object> replies = run(RedisExtension.port(), all);
        @SuppressWarnings("unchecked")
        List<Object> exec = (List<Object>) replies.get(replies.size() - 1);
        return exec;
    }

    private static List<Object> run(int port, List<List<String>> commands) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder();
            for (List<String> args : commands) {
                request.append('*').append(args.size()).append("\r\n");
                for (String arg : args) {
                    request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                            .append(arg).append("\r\n");
                }
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            List<Object> replies = new ArrayList<>();
            for (int i = 0; i < commands.size(); i++) {
                replies.add(reply(in));
            }
            return replies;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A simple or bulk string, an integer (as text) or an array (as a list); errors throw. */
    private static Object reply(InputStream in) throws IOException {
        String head = line(in);
        switch (head.charAt(0)) {
            case '+':
            case ':':
                return head.substring(1);
            case '-':
                throw new IllegalStateException("redis: " + head.substring(1));
            case '$': {
                int length = Integer.parseInt(head.substring(1));
                if (length < 0) {
                    return null;
                }
                byte[] body = in.readNBytes(length);
                line(in);
                return new String(body, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(head.substring(1));
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(reply(in));
                }
                return items;
            }
            default:
                throw new IllegalStateException("unexpected reply " + head);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
