package dev.commission.server.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One plain RESP connection to Redis for what a benchmark reads beside the service: INFO,
 * SLOWLOG, MEMORY USAGE, SCAN, CONFIG SET. Kept apart from the service's own Redis client so
 * that these reads neither queue behind its calls nor depend on how it is configured.
 */
final class RedisAdminConnection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    RedisAdminConnection(String host, int port) {
        try {
            socket = new Socket(host, port);
            // An audit that holds Redis delays these reads too; they wait for it rather than fail.
            socket.setSoTimeout((int) TimeUnit.HOURS.toMillis(1));
            out = new BufferedOutputStream(socket.getOutputStream());
            in = new BufferedInputStream(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends one command and returns its reply: a String (simple or bulk), a Long (integer), a
     * List (array) or null; an error reply throws {@link IllegalStateException}.
     */
    synchronized Object call(String... args) {
        try {
            out.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                out.write(('$' + Integer.toString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            return reply();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String string(String... args) {
        return String.valueOf(call(args));
    }

    long number(String... args) {
        Object reply = call(args);
        return reply == null ? 0 : (Long) reply;
    }

    /** One INFO section as field -> value. */
    Map<String, String> info(String section) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : string("INFO", section).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return fields;
    }

    long usedMemory() {
        return Long.parseLong(info("memory").get("used_memory"));
    }

    private Object reply() throws IOException {
        String head = line();
        switch (head.charAt(0)) {
            case '+':
                return head.substring(1);
            case ':':
                return Long.parseLong(head.substring(1));
            case '-':
                throw new IllegalStateException("redis: " + head.substring(1));
            case '$': {
                int length = Integer.parseInt(head.substring(1));
                if (length < 0) {
                    return null;
                }
                byte[] body = in.readNBytes(length);
                line();
                return new String(body, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(head.substring(1));
                if (count < 0) {
                    return null;
                }
                List<Object> items = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    items.add(reply());
                }
                return items;
            }
            default:
                throw new IllegalStateException("unexpected reply " + head);
        }
    }

    private String line() throws IOException {
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

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing left to do
        }
    }
}
