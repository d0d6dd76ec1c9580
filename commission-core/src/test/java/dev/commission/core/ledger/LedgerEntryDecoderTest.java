package dev.commission.core.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerEntryDecoderTest {

    private static LedgerEntry decode(String packed) {
        return LedgerEntryDecoder.decode("1700000000123-4", Map.of(LedgerEntryDecoder.FIELD, packed));
    }

    @Test
    void aSettlementSpellsOutItsPaidAmountItemsAndRule() {
        LedgerEntry entry = decode("settle s1 617 r1 g2 o-9 sofa*1*9900,lamp*2*2440 r500c2000");

        assertEquals("settle", entry.type());
        assertEquals("s1", entry.stewardId());
        assertEquals(617, entry.deltaFen());
        assertEquals("r1", entry.regionId());
        assertEquals("g2", entry.groupId());
        assertEquals(Map.ofEntries(Map.entry("type", "settle"), Map.entry("steward", "s1"), Map.entry("delta", "617"),
                Map.entry("region", "r1"), Map.entry("group", "g2"), Map.entry("order", "o-9"),
                Map.entry("lines", "sofa*1*9900,lamp*2*2440"), Map.entry("paid", "12340"), Map.entry("items", "3"),
                Map.entry("rule", "rate"), Map.entry("rate", "500"), Map.entry("cap", "2000"),
                Map.entry("ts", "1700000000123")), entry.fields());
    }

    @Test
    void aFixedRuleWithoutCapHasCapZero() {
        LedgerEntry entry = decode("settle s1 300 r1 g1 o1 a*1*100 f300");

        assertEquals("fixed", entry.fields().get("rule"));
        assertEquals("300", entry.fields().get("rate"));
        assertEquals("0", entry.fields().get("cap"));
    }

    @Test
    void freeTextComesLastAndKeepsItsSpaces() {
        LedgerEntry adjust = decode("adjust s1 -850 r1 g1 adj-1 duplicate bonus  clawed back");
        LedgerEntry register = decode("register s2 0 east g7 Wang  Fang");

        assertEquals("duplicate bonus  clawed back", adjust.fields().get("reason"));
        assertEquals(-850, adjust.deltaFen());
        assertEquals("Wang  Fang", register.fields().get("name"));
    }

    @Test
    void anEmptyTokenIsAnAbsentFieldAndTrailingOnesAreDropped() {
        LedgerEntry recovered = decode("reverse s1 -30 r1 g1 o1 rf1 300");
        LedgerEntry excess = decode("reverse s1 -30 r1 g1 o1 rf2 300  50");

        assertFalse(recovered.fields().containsKey("unrecovered"));
        assertFalse(excess.fields().containsKey("unrecovered"));
        assertEquals("50", excess.fields().get("excess"));
        assertEquals("rf2", excess.fields().get("refund"));
    }

    @Test
    void aCloseNamesNoStewardAndMovesNothing() {
        LedgerEntry close = decode("close");

        assertEquals("close", close.type());
        assertEquals("", close.stewardId());
        assertEquals(0, close.deltaFen());
        assertEquals(Map.of("type", "close", "ts", "1700000000123"), close.fields());
    }
}
