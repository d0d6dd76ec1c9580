package dev.commission.core.operation;

import static dev.commission.core.EngineFixture.engine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.core.EngineTour;
import dev.commission.core.testing.LuaSources;
import dev.commission.core.testing.LuaSources.KeyEntry;
import dev.commission.core.testing.RedisExtension;
import dev.commission.core.testing.ScriptCallMonitor;
import dev.commission.core.testing.ScriptCallMonitor.ScriptCall;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The KEYS a script is called with, as Redis received them (MONITOR), against the
 * {@code -- KEYS[i] name} header of the script: a strategy or reader that builds its keys in
 * another order than its script reads them fails here, whichever side changed.
 */
@ExtendWith(RedisExtension.class)
class ScriptKeysContractTest {
    /**
     * What KEYS[1] of a script is: a campaign's hash, whose hash tag every key of the script
     * shares, or for the settlement queue's scripts a partition's stream, whose tag they share.
     */
    private static final java.util.Set<String> FIRST_KEYS = java.util.Set.of("campaign", "stream");
    /**
     * A queue script's further keys may belong to any partition: on one Redis node a batch of
     * submissions spans partitions (under Cluster, ClusterTest runs it one partition a call).
     */
    private static final java.util.regex.Pattern ANY_PARTITION = java.util.regex.Pattern.compile("cms:\\{q:\\d+\\}:");

    @Test
    void everyScriptIsCalledWithTheKeysItsHeaderNames() {
        Map<String, String> scriptOfSha = new LinkedHashMap<>();
        for (String name : LuaSources.scripts()) {
            scriptOfSha.put(LuaScript.load(name).sha(), name);
        }
        engine();
        List<ScriptCall> calls;
        try (ScriptCallMonitor monitor = new ScriptCallMonitor(RedisExtension.port())) {
            EngineTour.run();
            calls = monitor.calls();
        }

        List<String> mismatches = new ArrayList<>();
        TreeSet<String> called = new TreeSet<>();
        for (ScriptCall call : calls) {
            String script = scriptOfSha.get(call.sha());
            if (script == null) {
                mismatches.add("EVALSHA of a script not in lua/: " + call);
                continue;
            }
            called.add(script);
            mismatches.addAll(mismatches(script, call.keys()));
        }

        assertEquals(List.of(), mismatches.stream().distinct().toList());
        assertEquals(new TreeSet<>(LuaSources.scripts()), called, "every script in lua/ is run by the tour");
        assertTrue(called.containsAll(engine().registry().operations()), "every registered operation is run by the tour");
    }

    @Test
    void everyHeaderNamesEachOfItsKeys() {
        List<String> problems = new ArrayList<>();
        for (String script : LuaSources.scripts()) {
            List<KeyEntry> header = LuaSources.keysHeader(script);
            if (header.isEmpty() || header.get(0).index() != 1 || !FIRST_KEYS.contains(header.get(0).name())) {
                problems.add(script + ": the header must start with KEYS[1] campaign (or stream, for the queue), has " + header);
            }
            for (int i = 0; i < header.size(); i++) {
                KeyEntry entry = header.get(i);
                if (!entry.range() && entry.index() != i + 1) {
                    problems.add(script + ": KEYS[" + (i + 1) + "] is missing or listed twice");
                }
                if (!entry.range() && entry.name() == null) {
                    problems.add(script + ": KEYS[" + entry.index() + "] does not name its key: " + entry.description());
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** What is wrong with calling {@code script} with {@code keys}; empty when they match its header. */
    private static List<String> mismatches(String script, List<String> keys) {
        List<KeyEntry> header = LuaSources.keysHeader(script);
        List<KeyEntry> fixed = header.stream().filter(e -> !e.range()).toList();
        boolean open = header.stream().anyMatch(KeyEntry::range);
        List<String> problems = new ArrayList<>();
        String first = header.isEmpty() ? "campaign" : header.get(0).name();
        if (keys.isEmpty() || !FIRST_KEYS.contains(first) || !keys.get(0).endsWith(":" + first)) {
            return List.of(script + ": KEYS[1] must be the " + first + " key, was called with " + keys);
        }
        String prefix = keys.get(0).substring(0, keys.get(0).length() - first.length());
        if (open ? keys.size() < fixed.size() : keys.size() != fixed.size()) {
            problems.add(script + ": header lists " + fixed.size() + " keys" + (open ? " and more" : "")
                    + ", called with " + keys.size() + ": " + keys);
        }
        for (int i = 0; i < keys.size(); i++) {
            KeyEntry entry = i < fixed.size() ? fixed.get(i) : null;
            boolean ok = entry != null ? entry.matches(prefix, keys.get(i))
                    : open && (keys.get(i).startsWith(prefix) || first.equals("stream") && ANY_PARTITION.matcher(keys.get(i)).lookingAt());
            if (!ok) {
                problems.add(script + ": KEYS[" + (i + 1) + "] is " + keys.get(i) + ", the header says "
                        + (entry == null ? "nothing" : entry.name()));
            }
        }
        return problems;
    }
}
