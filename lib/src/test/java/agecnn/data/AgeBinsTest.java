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
        for (int b = 0; b < 12; b++) assertEquals(b, AgeBins.ofLabel(AgeBins.label(b)));
        assertThrows(IllegalArgumentException.class, () -> AgeBins.ofLabel("(5-9)"));
        assertThrows(IllegalArgumentException.class, () -> AgeBins.label(12));
    }
}
