package dev.commission.server.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * How log lines look: {@code text} (one readable line per event, the default) or {@code json}
 * (one JSON object per line, with the MDC's request id, for log shippers), chosen at start.
 */
public enum LogFormat {
    TEXT("/logback.xml"),
    JSON("/logback-json.xml");

    private final String resource;

    LogFormat(String resource) {
        this.resource = resource;
    }

    public static LogFormat parse(String text) {
        return LogFormat.valueOf(text.strip().toUpperCase(Locale.ROOT));
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Switches logback to this format. Text is what logback starts with, so only JSON reconfigures.
     */
    public void apply() {
        if (this == TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        URL config = LogFormat.class.getResource(resource);
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("logging config " + resource + " is broken", e);
        }
    }
}
