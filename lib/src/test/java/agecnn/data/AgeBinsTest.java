package agecnn.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class AgeBinsTest {

    @Test
    void edgesAreTheStudysTwelveBins() {
        int[][] expected = {{1, 3}, {4, 10}, {11, 17}, {18, 22}, {23, 26}, {27, 32}, {33, 37}, {38, 45},
            {46, 53}, {54, 62}, {63, 73}, {74, 120}};
        assertEquals(12, AgeBins.COUNT);
        for (int b = 0; b < 12; b++) {
            assertEquals(expected[b][0], AgeBins.lower(b));
            assertEquals(expected[b][1], AgeBins.upper(b));
            // both edges inclusive, and the next age belongs to the next bin
            assertEquals(b, AgeBins.binOf(expected[b][0]));
            assertEquals(b, AgeBins.binOf(expected[b][1]));
            if (b < 11) assertEquals(b + 1, AgeBins.binOf(expected[b][1] + 1));
        }
    }

    @Test
    void agesOutsideEveryBinGiveMinusOne() {
        assertEquals(-1, AgeBins.binOf(0));
        assertEquals(-1, AgeBins.binOf(121));
        assertEquals(-1, AgeBins.binOf(-5));
        assertFalse(AgeBins.inRange(0));
        assertTrue(AgeBins.inRange(116));
    }

    @Test
    void labelsRoundTrip() {
        assertEquals("(27-32)", AgeBins.label(5));
        for (int b = 0; b < 12; b++) assertEquals(b, AgeBins.parse(AgeBins.label(b)));
        assertThrows(IllegalArgumentException.class, () -> AgeBins.label(12));
    }

    @Test
    void parseTakesTheBinNumberOrItsAgeRangeInAnyUsualForm() {
        for (int b = 0; b < 12; b++) assertEquals(b, AgeBins.parse(Integer.toString(b)));
        // the study's folder names, zero-padded, and other ways of writing a range
        assertEquals(1, AgeBins.parse("[04, 10]"));
        assertEquals(0, AgeBins.parse("[01, 03]"));
        assertEquals(11, AgeBins.parse("[74, 120]"));
        assertEquals(1, AgeBins.parse("(4-10)"));
        assertEquals(1, AgeBins.parse("4-10"));
        assertEquals(1, AgeBins.parse(" [4,10] "));
        assertEquals(5, AgeBins.parse("27 - 32"));
        assertEquals(1, AgeBins.parse("{04, 10}"));
        assertEquals(1, AgeBins.parse("[004, 010]"));
        assertEquals(1, AgeBins.parse("(04,10]"));
        assertEquals(5, AgeBins.parse("27\u201332"));
    }

    @Test
    void parseSaysWhatWasExpected() {
        assertEquals("bin number must be 0-11, found '12'",
                assertThrows(IllegalArgumentException.class, () -> AgeBins.parse("12")).getMessage());
        assertEquals("ages 5-9 are not the range of any bin, found '(5-9)'; the bins are (1-3) (4-10) (11-17) (18-22) "
                        + "(23-26) (27-32) (33-37) (38-45) (46-53) (54-62) (63-73) (74-120)",
                assertThrows(IllegalArgumentException.class, () -> AgeBins.parse("(5-9)")).getMessage());
        for (String bad : new String[] {"", "young", "[4, 10", "4-10]", "-1", "4..10", "(4-10-12)"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgeBins.parse(bad), bad);
            assertEquals("expected a bin number 0-11 or an age range such as (27-32), [27, 32] or 27-32, found '" + bad + "'",
                    e.getMessage());
        }
    }
}
