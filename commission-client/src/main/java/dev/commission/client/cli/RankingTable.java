package dev.commission.client.cli;

import dev.commission.api.v1.RankingEntry;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.RankingSnapshot;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The terminal's view of a watched ranking: the latest snapshot as rows with the rank movement
 * since the watch started (▲2, ▼1, new), the score and the gap to the place above in yuan, and
 * whether the figures are live, stale or being reconnected.
 */
final class RankingTable {
    static final String RESET = "\033[0m";
    private static final String BOLD = "\033[1m";
    private static final String DIM = "\033[2m";
    private static final String RED = "\033[31m";
    private static final String GREEN = "\033[32m";
    private static final String YELLOW = "\033[33m";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final String title;
    private final Map<String, Long> startRanks = new HashMap<>();
    private RankingSnapshot snapshot;
    private String trouble;

    RankingTable(String campaign, RankingScope scope, int topN) {
        this.title = campaign + " · " + scope.getKind() + (scope.getId().isEmpty() ? "" : ":" + scope.getId()) + " · top " + topN;
    }

    /** A new snapshot; the first one is what later movement is measured against. */
    void show(RankingSnapshot next) {
        if (snapshot == null) {
            next.getEntriesList().forEach(e -> startRanks.put(e.getMemberId(), e.getRank()));
        }
        snapshot = next;
        trouble = null;
    }

    /** The stream broke: the rows stay, marked as no longer live, until {@link #show} again. */
    void reconnecting(String why) {
        trouble = why;
    }

    /** {@code ▲n} moved up n places since the start, {@code ▼n} down, {@code new} was not shown then. */
    String movement(RankingEntry entry) {
        Long start = startRanks.get(entry.getMemberId());
        if (start == null) {
            return "new";
        }
        long up = start - entry.getRank();
        return up > 0 ? "▲" + up : up < 0 ? "▼" + -up : "";
    }

    List<String> render() {
        List<String> lines = new ArrayList<>();
        lines.add(BOLD + title + RESET + (snapshot == null ? "" : " of " + snapshot.getTotalMembers()
                + " · v" + snapshot.getVersion() + " · changed " + TIME.format(Instant.ofEpochSecond(
                snapshot.getChangedAt().getSeconds(), snapshot.getChangedAt().getNanos()))) + " · " + state());
        lines.add(String.format(Locale.ROOT, "%5s  %-4s  %-12s  %-16s  %14s  %12s", "rank", "move", "member", "name",
                "score (yuan)", "gap (yuan)"));
        if (snapshot == null) {
            lines.add("  waiting for the first snapshot...");
            return lines;
        }
        boolean live = trouble == null && !snapshot.getStale();
        long above = -1;
        for (RankingEntry entry : snapshot.getEntriesList()) {
            String move = movement(entry);
            String colour = move.startsWith("▲") || move.equals("new") ? GREEN : move.startsWith("▼") ? RED : "";
            String row = String.format(Locale.ROOT, "%5d  %s%-4s%s  %-12s  %-16s  %14s  %12s", entry.getRank(),
                    colour, move, colour.isEmpty() ? "" : RESET, entry.getMemberId(), entry.getDisplayName(),
                    yuan(entry.getScoreFen()), above < 0 ? "" : yuan(above - entry.getScoreFen()));
            lines.add(live ? row : DIM + row + RESET);
            above = entry.getScoreFen();
        }
        if (snapshot.getEntriesCount() == 0) {
            lines.add("  (nobody ranked yet)");
        }
        return lines;
    }

    private String state() {
        if (trouble != null) {
            return RED + trouble + RESET;
        }
        if (snapshot != null && snapshot.getStale()) {
            return YELLOW + "STALE: the server cannot vouch for these figures" + RESET;
        }
        return snapshot == null ? "connecting" : GREEN + "live" + RESET;
    }

    /** Fen as yuan with two decimals and thousands separators: 123456 is 1,234.56. */
    static String yuan(long fen) {
        return String.format(Locale.ROOT, "%s%,d.%02d", fen < 0 ? "-" : "", Math.abs(fen) / 100, Math.abs(fen) % 100);
    }
}
