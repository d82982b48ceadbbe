package agecnn.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Every kind of name the published UTKFace holds, and a few it could. */
class FileNameParserTest {

    @Test
    void wellFormedNameGivesEveryFieldAndNoProblem() {
        ParsedName p = FileNameParser.parse("26_1_2_20170116174525125.jpg.chip.jpg");
        assertEquals(26, p.age());
        assertEquals(1, p.gender());
        assertEquals(2, p.race());
        assertEquals("20170116174525125", p.timestamp());
        assertTrue(p.problems().isEmpty());
        assertTrue(p.usable());
    }

    @Test
    void missingRaceFieldIsReportedAndTheRestIsRead() {
        ParsedName p = FileNameParser.parse("39_1_20170116174525125.jpg.chip.jpg");
        assertEquals(39, p.age());
        assertEquals(1, p.gender());
        assertNull(p.race());
        assertEquals("20170116174525125", p.timestamp());
        assertEquals(1, p.problems().size());
        assertEquals("race", p.problems().get(0).field());
    }

    @Test
    void spaceBeforeSuffixIsReported() {
        ParsedName p = FileNameParser.parse("24_0_1_20170116220224657 .jpg.chip.jpg");
        assertEquals(24, p.age());
        assertEquals(1, p.race());
        assertEquals("20170116220224657", p.timestamp());
        assertEquals("file name", p.problems().get(0).field());
        assertEquals(1, p.problems().size());
    }

    @Test
    void missingDotBeforeJpgIsReported() {
        ParsedName p = FileNameParser.parse("55_0_0_20170116232725357jpg.chip.jpg");
        assertEquals(55, p.age());
        assertEquals("20170116232725357", p.timestamp());
        assertEquals("suffix", p.problems().get(0).field());
        assertEquals(1, p.problems().size());
    }

    @Test
    void shortAndLongTimestampsAreReportedWithTheirLength() {
        ParsedName shortTs = FileNameParser.parse("14_0_0_2017011022340900.jpg.chip.jpg");
        ParsedName longTs = FileNameParser.parse("28_1_2_201701161846515488.jpg.chip.jpg");
        assertEquals(14, shortTs.age());
        assertEquals(28, longTs.age());
        assertTrue(shortTs.problemText().contains("found 16"), shortTs.problemText());
        assertTrue(longTs.problemText().contains("found 18"), longTs.problemText());
        assertEquals("timestamp", longTs.problems().get(0).field());
    }

    @Test
    void badGenderAndRaceCodesAreMissingWithAProblemEach() {
        ParsedName p = FileNameParser.parse("30_7_9_20170116174525125.jpg.chip.jpg");
        assertEquals(30, p.age());
        assertNull(p.gender());
        assertNull(p.race());
        assertEquals(2, p.problems().size());
        assertEquals("gender", p.problems().get(0).field());
        assertEquals("race", p.problems().get(1).field());
    }

    @Test
    void nameWithoutAnAgeIsNotUsable() {
        ParsedName p = FileNameParser.parse("x_0_0_20170116174525125.jpg.chip.jpg");
        assertNull(p.age());
        assertFalse(p.usable());
        assertEquals("age", p.problems().get(0).field());
    }

    @Test
    void nameWithTooFewFieldsKeepsTheAgeIfItCan() {
        ParsedName p = FileNameParser.parse("45_photo.jpg");
        assertEquals(45, p.age());
        assertTrue(p.problems().stream().anyMatch(x -> x.field().equals("suffix")));
        assertTrue(p.problems().stream().anyMatch(x -> x.field().equals("file name")));
    }
}
