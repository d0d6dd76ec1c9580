package dev.commission.core.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AuditReaderTest {

    @Test
    void aSliceThatTookTwiceTheTargetIsHalved() {
        assertEquals(50, AuditReader.nextSliceSize(100, 2 * AuditReader.TARGET_MICROS));
    }

    @Test
    void aSliceFarOverTheTargetShrinksInOneStepToWhatFits() {
        // 100 items in 40 ms: 2.5 items a millisecond, so 5 fit the 2 ms target.
        assertEquals(5, AuditReader.nextSliceSize(100, 20 * AuditReader.TARGET_MICROS));
    }

    @Test
    void aFastSliceAtMostDoubles() {
        assertEquals(200, AuditReader.nextSliceSize(100, AuditReader.TARGET_MICROS / 100));
    }

    @Test
    void noSliceGrowsPastTheMostOrShrinksBelowOne() {
        assertEquals(AuditReader.MAX_SLICE, AuditReader.nextSliceSize(AuditReader.MAX_SLICE, 1));
        assertEquals(1, AuditReader.nextSliceSize(1, 1_000_000));
    }

    @Test
    void aSliceOnTargetKeepsItsSize() {
        assertEquals(100, AuditReader.nextSliceSize(100, AuditReader.TARGET_MICROS));
    }
}
