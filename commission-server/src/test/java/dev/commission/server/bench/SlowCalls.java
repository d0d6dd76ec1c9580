package dev.commission.server.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SLOWLOG entries summed up by what ran: the command, for a script its file name (or SHA), and
 * the campaign its keys belong to. SLOWLOG times a command's execution in Redis only (no I/O),
 * so its longest entry is the longest time Redis was held by one call.
 */
final class SlowCalls {
    private final Map<String, long[]> byWhat; // what -> {count, max µs, total µs}

    private SlowCalls(Map<String, long[]> byWhat) {
        this.byWhat = byWhat;
    }

    static SlowCalls of(List<?> slowlog, Map<String, String> scriptNames, String... campaigns) {
        Map<String, long[]> byWhat = new LinkedHashMap<>();
        for (Object item : slowlog) {
            List<?> entry = (List<?>) item;
            long micros = (Long) entry.get(2);
            List<?> args = (List<?>) entry.get(3);
            String what = what(args, scriptNames, campaigns);
            long[] stats = byWhat.computeIfAbsent(what, k -> new long[3]);
            stats[0]++;
            stats[1] = Math.max(stats[1], micros);
            stats[2] += micros;
        }
        return new SlowCalls(byWhat);
    }

    private static String what(List<?> args, Map<String, String> scriptNames, String... campaigns) {
        String command = String.valueOf(args.get(0)).toLowerCase();
        String what = command;
        if (command.startsWith("evalsha") && args.size() > 1) {
            String sha = String.valueOf(args.get(1));
            what = scriptNames.getOrDefault(sha, "script " + sha.substring(0, Math.min(12, sha.length())));
        } else if (command.startsWith("eval")) {
            what = "eval (script text)";
        }
        for (String campaign : campaigns) {
            if (args.stream().skip(1).anyMatch(a -> String.valueOf(a).contains(campaign))) {
                return what + " on " + campaign;
            }
        }
        return what;
    }

    /** The longest single call: its time and what it was. */
    String longest() {
        return byWhat.entrySet().stream().max(Comparator.comparingLong(e -> e.getValue()[1]))
                .map(e -> String.format("%.1f ms (%s)", e.getValue()[1] / 1000.0, e.getKey()))
                .orElse("none over the threshold");
    }

    /** The {@code rows} kinds of call with the longest single call, longest first. */
    void print(String indent, int rows) {
        if (byWhat.isEmpty()) {
            System.out.println(indent + "none");
            return;
        }
        List<Map.Entry<String, long[]>> sorted = new ArrayList<>(byWhat.entrySet());
        sorted.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1]).reversed());
        for (Map.Entry<String, long[]> row : sorted.subList(0, Math.min(rows, sorted.size()))) {
            long[] s = row.getValue();
            System.out.printf("%s%-40s %,8d calls, longest %,10.1f ms, mean %,8.1f ms, total %,9.1f s%n", indent,
                    row.getKey(), s[0], s[1] / 1000.0, s[2] / 1000.0 / s[0], s[2] / 1e6);
        }
        if (sorted.size() > rows) {
            System.out.printf("%s(%d more kinds of call, each shorter)%n", indent, sorted.size() - rows);
        }
    }
}
