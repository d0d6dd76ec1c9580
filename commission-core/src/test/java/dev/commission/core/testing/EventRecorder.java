package dev.commission.core.testing;

import dev.commission.core.CampaignKeys;
import dev.commission.core.testing.EmbeddedCluster.Connection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Subscribes to every campaign's events channel (the pattern the server subscribes to) and
 * hands out what the scripts published, in the order Redis sent it.
 */
public final class EventRecorder implements AutoCloseable {
    private static final String MARK_CHANNEL = new CampaignKeys("event-recorder-mark").events();

    private final int port;
    private final Connection subscription;
    private final BlockingQueue<Event> received = new LinkedBlockingQueue<>();
    private final Thread reader;

    /** One message: the channel and the text published on it. */
    public record Event(String channel, String message) {
    }

    public EventRecorder(int port) {
        this.port = port;
        this.subscription = Connection.open(port).streaming();
        Object reply = subscription.call("PSUBSCRIBE", CampaignKeys.eventsPattern());
        if (!(reply instanceof List<?> list) || !"psubscribe".equals(list.get(0))) {
            subscription.close();
            throw new IllegalStateException("PSUBSCRIBE answered " + reply);
        }
        reader = new Thread(() -> {
            try {
                while (true) {
                    if (subscription.next() instanceof List<?> message && "pmessage".equals(message.get(0))) {
                        received.add(new Event((String) message.get(2), (String) message.get(3)));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // closed
            }
        }, "events-" + port);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Everything published since the last call: publishes a mark of its own and collects until the
     * mark arrives, so nothing published before this call is left out.
     */
    public List<Event> drain() {
        String mark = "mark-" + System.nanoTime();
        try (Connection connection = Connection.open(port)) {
            connection.call("PUBLISH", MARK_CHANNEL, mark);
        }
        List<Event> events = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Event event;
            try {
                event = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (event == null) {
                throw new IllegalStateException("the events subscription never received " + mark);
            }
            if (event.channel().equals(MARK_CHANNEL)) {
                if (event.message().equals(mark)) {
                    return events;
                }
                continue;
            }
            events.add(event);
        }
    }

    @Override
    public void close() {
        subscription.close();
        try {
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
