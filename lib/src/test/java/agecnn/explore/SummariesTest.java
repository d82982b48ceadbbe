package agecnn.explore;

import agecnn.data.AgeBins;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class SummariesTest {

    private final Table seven = ExploreTables.seven();

    @Test
    void imagesPerBinCountsEveryBinInOrderWithPercents() {
        Table t = Summaries.imagesPerBin(seven);
        assertEquals(List.of("age bin", "images", "percent"), t.columnNames());
        assertEquals(AgeBins.labels(), t.stringColumn("age bin").asList());
        assertEquals(List.of(3, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 1), t.intColumn("images").asList());
        assertEquals(300.0 / 7, t.doubleColumn("percent").get(0), 1e-9);
        assertEquals(200.0 / 7, t.doubleColumn("percent").get(4), 1e-9);
        assertEquals(0.0, t.doubleColumn("percent").get(1));
        assertEquals(100.0, t.doubleColumn("percent").sum(), 1e-9);
    }

    @Test
    void countsDoNotDependOnRowOrder() {
        Table shuffled = seven.sortDescendingOn("file");
        assertEquals(Summaries.imagesPerBin(seven).intColumn("images").asList(),
                Summaries.imagesPerBin(shuffled).intColumn("images").asList());
    }

    @Test
    void genderPerBinCountsMissingAndInvalidCodesAsUnknown() {
        Table t = Summaries.genderPerBin(seven);
        assertEquals(List.of("age bin", "male", "female", "unknown"), t.columnNames());
        assertEquals(List.of(1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0), t.intColumn("male").asList());
        assertEquals(List.of(1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1), t.intColumn("female").asList());
        // c (bin 0) has no gender, g (bin 5) has code 7
        assertEquals(List.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0), t.intColumn("unknown").asList());
    }

    @Test
    void racePerBinCountsMissingAndInvalidCodesAsUnknown() {
        Table t = Summaries.racePerBin(seven);
        assertEquals(List.of("age bin", "White", "Black", "Asian", "Indian", "Others", "unknown"), t.columnNames());
        assertEquals(1, t.intColumn("White").get(0));
        assertEquals(1, t.intColumn("Asian").get(0));
        assertEquals(1, t.intColumn("unknown").get(0));
        assertEquals(1, t.intColumn("Black").get(4));
        assertEquals(1, t.intColumn("Others").get(4));
        assertEquals(1, t.intColumn("unknown").get(5));
        assertEquals(1, t.intColumn("Indian").get(11));
        int total = 0;
        for (int c = 1; c < t.columnCount(); c++) total += (int) t.intColumn(c).sum();
        assertEquals(seven.rowCount(), total);
    }

    @Test
    void splitPerBinCountsEachSplitAndSaysWhatIsUnassigned() {
        Table t = Summaries.splitPerBin(seven);
        assertEquals(List.of("age bin", "train", "val", "test", "unassigned"), t.columnNames());
        assertEquals(List.of(2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0), t.intColumn("train").asList());
        assertEquals(List.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), t.intColumn("val").asList());
        assertEquals(List.of(0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0), t.intColumn("test").asList());
        assertEquals(1, t.intColumn("unassigned").get(11));
    }

    @Test
    void splitPerBinHasNoUnassignedColumnWhenEveryRowIsSplit() {
        Table split = seven.dropWhere(seven.stringColumn("split").isMissing());
        assertEquals(List.of("age bin", "train", "val", "test"), Summaries.splitPerBin(split).columnNames());
    }

    @Test
    void splitPerBinNeedsASplitColumn() {
        Table noSplit = seven.copy().removeColumns("split");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Summaries.splitPerBin(noSplit));
        assertTrue(e.getMessage().contains("split"), e.getMessage());
    }

    @Test
    void ageSummaryOfAnEvenCount() {
        Table t = Summaries.ageSummary(ExploreTables.scrubbed(
                new String[] {"a", "b", "c", "d"}, new int[] {1, 2, 3, 10},
                new Integer[4], new Integer[4], null));
        assertEquals(List.of("images", "min", "max", "mean", "median", "std"), t.columnNames());
        assertEquals(1, t.rowCount());
        assertEquals(4, t.intColumn("images").get(0));
        assertEquals(1, t.intColumn("min").get(0));
        assertEquals(10, t.intColumn("max").get(0));
        assertEquals(4.0, t.doubleColumn("mean").get(0), 1e-12);
        assertEquals(2.5, t.doubleColumn("median").get(0), 1e-12);
        // squares about the mean: 9 + 4 + 1 + 36 = 50, over n - 1 = 3
        assertEquals(Math.sqrt(50.0 / 3), t.doubleColumn("std").get(0), 1e-12);
    }

    @Test
    void ageSummaryOfTheSevenSkipsNothing() {
        Table t = Summaries.ageSummary(seven);
        assertEquals(7, t.intColumn("images").get(0));
        assertEquals(1, t.intColumn("min").get(0));
        assertEquals(80, t.intColumn("max").get(0));
        assertEquals(166.0 / 7, t.doubleColumn("mean").get(0), 1e-12);
        assertEquals(25.0, t.doubleColumn("median").get(0), 1e-12);
    }

    @Test
    void readsNumbersStoredAsOtherNumericTypes() {
        // a CSV read may give doubles where whole numbers were meant
        Table t = Table.create("t", StringColumn.create("file", "a", "b"),
                IntColumn.create("age", 5, 70),
                IntColumn.create("bin", 1, 10).asDoubleColumn().setName("bin"));
        assertEquals(1, Summaries.imagesPerBin(t).intColumn("images").get(1));
    }

    @Test
    void aRowWithoutAValidBinIsAnError() {
        Table bad = seven.copy();
        bad.intColumn("bin").set(2, 12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Summaries.imagesPerBin(bad));
        assertTrue(e.getMessage().contains("row 2"), e.getMessage());
        bad.intColumn("bin").setMissing(2);
        assertThrows(IllegalArgumentException.class, () -> Summaries.genderPerBin(bad));
    }

    @Test
    void printsReadably() {
        String printed = Summaries.imagesPerBin(seven).printAll();
        assertTrue(printed.contains("(74-120)"), printed);
        assertTrue(printed.contains("42.9"), printed);
        assertFalse(printed.contains("42.857"), printed);
    }
}
