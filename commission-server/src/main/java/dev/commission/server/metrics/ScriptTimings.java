package dev.commission.server.metrics;

import dev.commission.core.operation.ScriptListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** Times every Lua script run ({@code redis_script_seconds}) by script name and outcome. */
public final class ScriptTimings implements ScriptListener {
    private final MeterRegistry registry;

    public ScriptTimings(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void scriptRan(String script, long nanos, String outcome) {
        Timer.builder("redis.script").description("Lua scripts run with EVALSHA, from call to reply")
                .tag("script", script).tag("outcome", outcome).serviceLevelObjectives(CallMetrics.BUCKETS)
                .register(registry).record(Duration.ofNanos(nanos));
    }
}
