package dev.commission.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.commission.api.v1.RankingEntry;
import dev.commission.api.v1.RankingScope;
import dev.commission.api.v1.RankingSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class RankingTableTest {
    private static RankingSnapshot snapshot(boolean stale, String... members) {
        RankingSnapshot.Builder snapshot = RankingSnapshot.newBuilder().setStale(stale).setTotalMembers(members.length);
        for (int i = 0; i < members.length; i++) {
            snapshot.addEntries(RankingEntry.newBuilder().setRank(i + 1).setMemberId(members[i]).setScoreFen(1_000 - i));
        }
        return snapshot.build();
    }

    private static String plain(List<String> lines) {
        return String.join("\n", lines).replaceAll("\033\\[[0-9;]*m", "");
    }

    @Test
    void movementIsMeasuredAgainstTheFirstSnapshot() {
        RankingTable table = new RankingTable("c1", RankingScope.newBuilder().setKind(RankingScope.Kind.GROUPS).build(), 3);
        table.show(snapshot(false, "a", "b", "c"));
        table.show(snapshot(false, "c", "d", "a"));

        assertEquals("▲2", table.movement(RankingEntry.newBuilder().setMemberId("c").setRank(1).build()));
        assertEquals("new", table.movement(RankingEntry.newBuilder().setMemberId("d").setRank(2).build()));
        assertEquals("▼2", table.movement(RankingEntry.newBuilder().setMemberId("a").setRank(3).build()));
        assertTrue(plain(table.render()).endsWith("0.01"), "the gap to the place above: " + plain(table.render()));
    }

    @Test
    void staleAndBrokenStreamsAreShownUntilTheNextLiveSnapshot() {
        RankingTable table = new RankingTable("c1", RankingScope.newBuilder().setKind(RankingScope.Kind.STEWARDS).build(), 3);
        table.show(snapshot(true, "a"));
        String stale = plain(table.render());
        table.reconnecting("UNAVAILABLE: reconnecting in 1 s");
        String broken = plain(table.render());
        table.show(snapshot(false, "a"));

        assertTrue(stale.contains("STALE"), stale);
        assertTrue(broken.contains("UNAVAILABLE: reconnecting in 1 s") && broken.contains("a"), broken);
        assertTrue(plain(table.render()).contains("· live"), plain(table.render()));
        assertTrue(table.render().get(2).startsWith("    1"), "a live row is not dimmed");
        assertEquals("10.00", RankingTable.yuan(1_000));
        assertEquals("1,234.56", RankingTable.yuan(123_456));
    }
}
