package agecnn.data;

import agecnn.testing.IndexTables;
import tech.tablesaw.api.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SplitTest {

    private final Table clean = CleanData.scrub(IndexTables.perBin(20)).table();

    @Test
    void balancedGivesTheQuotaOfEveryBin() {
        Split s = Split.balanced(clean, 12, 4, 3, 7);
        Table counts = s.counts();
        for (int b = 0; b < AgeBins.COUNT; b++) {
            assertEquals(12, counts.intColumn("train").get(b));
            assertEquals(4, counts.intColumn("val").get(b));
            assertEquals(3, counts.intColumn("test").get(b));
        }
        assertEquals(12 * 19, s.table().rowCount());
    }

    @Test
    void balancedWithTooFewImagesFillsTestAndValFirst() {
        Split s = Split.balanced(clean, 100, 5, 5, 7);
        assertEquals(10, s.counts().intColumn("train").get(0));
        assertEquals(5, s.counts().intColumn("test").get(0));
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        Split a = Split.balanced(clean, 12, 4, 4, 42), b = Split.balanced(clean, 12, 4, 4, 42),
                c = Split.balanced(clean, 12, 4, 4, 43);
        assertEquals(a.files(Split.TEST), b.files(Split.TEST));
        assertNotEquals(a.files(Split.TEST), c.files(Split.TEST));
    }

    @Test
    void splitOfABinDoesNotDependOnOtherBins() {
        Table fewer = clean.where(clean.intColumn(CleanData.BIN).isNotEqualTo(3));
        Split a = Split.balanced(clean, 12, 4, 4, 42), b = Split.balanced(fewer, 12, 4, 4, 42);
        assertEquals(a.files(Split.TEST).stream().filter(f -> f.startsWith("b5_")).toList(),
                b.files(Split.TEST).stream().filter(f -> f.startsWith("b5_")).toList());
    }

    @Test
    void balancedEvalKeepsTheQuotaForValAndTestAndPutsTheRestInTrain() {
        Split s = Split.balancedEval(clean, 4, 3, 7);
        Table counts = s.counts();
        Table total = Split.all(clean, 0, 0, 1).counts();
        for (int b = 0; b < AgeBins.COUNT; b++) {
            assertEquals(3, counts.intColumn(Split.TEST).getInt(b));
            assertEquals(4, counts.intColumn(Split.VAL).getInt(b));
            assertEquals(total.intColumn("total").getInt(b), counts.intColumn("total").getInt(b), "every image is used");
        }
        // the same val and test images as the balanced protocol with the same seed
        Split b = Split.balanced(clean, 1, 4, 3, 7);
        assertEquals(b.files(Split.TEST), s.files(Split.TEST));
        assertEquals(b.files(Split.VAL), s.files(Split.VAL));
    }

    @Test
    void allProtocolUsesEveryImageStratified() {
        Split s = Split.all(clean, 0.1, 0.2, 1);
        assertEquals(clean.rowCount(), s.table().rowCount());
        for (int b = 0; b < AgeBins.COUNT; b++) {
            assertEquals(4, s.counts().intColumn("test").get(b));
            assertEquals(2, s.counts().intColumn("val").get(b));
            assertEquals(14, s.counts().intColumn("train").get(b));
        }
        Set<String> all = new HashSet<>(s.table().stringColumn("file").asList());
        assertEquals(clean.rowCount(), all.size());
    }

    @Test
    void classWeightsBalanceTheBins() {
        // bin 0 has 30 train images, bin 1 has 10: weights make n_b * w_b equal.
        Table t = CleanData.scrub(IndexTables.of(rows(30, 10))).table();
        double[] w = Split.all(t, 0, 0, 1).classWeights();
        // all() takes at least one per val/test: 28 and 8 left for train
        assertEquals(28 * w[0], 8 * w[1], 1e-9);
        assertEquals(0.0, w[5]);
        assertEquals((28 + 8) / 2.0 / 28, w[0], 1e-9);
    }

    private static String[][] rows(int n0, int n1) {
        String[][] r = new String[n0 + n1][];
        for (int i = 0; i < n0; i++) r[i] = new String[]{"x" + i, "2", "hx" + i};
        for (int i = 0; i < n1; i++) r[n0 + i] = new String[]{"y" + i, "5", "hy" + i};
        return r;
    }

    @Test
    void noImageContentInTwoSplits() {
        Table index = IndexTables.perBin(20);
        Split s = Split.balanced(clean, 12, 4, 4, 42);
        assertDoesNotThrow(() -> s.checkNoLeak(index));
        // a second file with a test image's content, placed in train, must be caught
        String testFile = s.files(Split.TEST).get(0);
        String hash = index.where(index.stringColumn("file").isEqualTo(testFile)).stringColumn("sha256").get(0);
        Table leaky = index.copy();
        leaky.stringColumn("file").append("copy.jpg");
        leaky.intColumn("age").append(1);
        leaky.intColumn("gender").append(0);
        leaky.intColumn("race").append(0);
        leaky.stringColumn("sha256").append(hash);
        Table st = s.table().copy();
        st.stringColumn("file").append("copy.jpg");
        st.stringColumn("split").append(Split.TRAIN);
        st.intColumn("bin").append(0);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Split.of(st).checkNoLeak(leaky));
        assertTrue(e.getMessage().contains("copy.jpg") && e.getMessage().contains(testFile), e.getMessage());
        // and a file listed twice
        Table twice = s.table().copy().append(s.table().first(1));
        assertThrows(IllegalStateException.class, () -> Split.of(twice).checkNoLeak(index));
    }

    @TempDir
    Path tmp;

    @Test
    void csvRoundTripGivesTheSameSplitExactly() throws IOException {
        Split s = Split.balanced(clean, 12, 4, 4, 42);
        Path csv = tmp.resolve("split.csv");
        s.save(csv);
        assertSameTable(s.table(), Split.read(csv, clean).table());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("file,split,bin", lines.get(0));
        assertEquals(s.table().getString(0, "file") + "," + s.table().getString(0, "split") + "," + s.table().intColumn("bin").getInt(0),
                lines.get(1));
        assertEquals(s.table().rowCount() + 1, lines.size());
    }

    @Test
    void fileNamesWithCommasSpacesOrDigitsOnlySurviveTheRoundTrip() throws IOException {
        Table t = CleanData.scrub(IndexTables.of(new String[][]{
            {"24_0_1_2017 .jpg.chip.jpg", "24", "a"}, {"odd,name.jpg", "24", "b"}, {"007", "24", "c"},
            {"x.jpg", "24", "d"}, {"say \"cheese\".jpg", "24", "e"}})).table();
        Split s = Split.all(t, 0.2, 0.2, 1);
        Path csv = tmp.resolve("odd.csv");
        s.save(csv);
        assertTrue(Files.readString(csv).contains("\n\"odd,name.jpg\","), Files.readString(csv));
        assertSameTable(s.table(), Split.read(csv, t).table());
    }

    private static void assertSameTable(Table expected, Table actual) {
        assertEquals(expected.columnNames(), actual.columnNames());
        for (int c = 0; c < expected.columnCount(); c++) assertEquals(expected.column(c).type(), actual.column(c).type());
        assertEquals(expected.rowCount(), actual.rowCount());
        for (int r = 0; r < expected.rowCount(); r++) {
            for (int c = 0; c < expected.columnCount(); c++) assertEquals(expected.getString(r, c), actual.getString(r, c), "row " + r);
        }
    }

    @Test
    void aSplitWrittenByPythonsCsvModuleWithTheStudysBinNamesIsRead() throws IOException {
        // csv.writer quotes the bins (they hold a comma) and ends lines with \r\n; the bins are the
        // study's folder names, data/<split>/<bin>/<file>
        Path csv = tmp.resolve("python.csv");
        Files.writeString(csv, "file,split,bin\r\nb1_0.jpg,train,\"[04, 10]\"\r\nb11_3.jpg,test,\"[74, 120]\"\r\n"
                + "b0_2.jpg,val,\"[01, 03]\"\r\n");
        Split s = Split.read(csv, clean);
        assertEquals(List.of("b1_0.jpg", "b11_3.jpg", "b0_2.jpg"), s.table().stringColumn("file").asList());
        assertEquals(List.of(Split.TRAIN, Split.TEST, Split.VAL), s.table().stringColumn("split").asList());
        assertEquals(List.of(1, 11, 0), s.table().intColumn("bin").asList());
    }

    @Test
    void binsMayBeNumbersOrAgeRangesAndColumnsComeInAnyOrder() throws IOException {
        Path csv = tmp.resolve("labels.csv");
        Files.writeString(csv, "\uFEFFsplit,age,bin,file\ntest,27,(27-32),b5_0.jpg\ntrain,1,0,b0_1.jpg\nval,4,4-10,b1_1.jpg\n");
        Split s = Split.read(csv, clean);
        assertEquals(List.of("file", "split", "bin"), s.table().columnNames());
        assertEquals(List.of("b5_0.jpg", "b0_1.jpg", "b1_1.jpg"), s.table().stringColumn("file").asList());
        assertEquals(List.of(5, 0, 1), s.table().intColumn("bin").asList());
    }

    @Test
    void badSplitFilesNameTheFileTheLineAndWhatWasExpected() throws IOException {
        assertReadFails("file,split\nb0_1.jpg,train\n",
                "line 1 (the header) has no column 'bin': found file,split, expected the columns file,split,bin");
        assertReadFails("file,split,bin\nb0_1.jpg,training,0\n", "line 2: split must be train, val or test, found 'training'");
        // a blank line still counts, as in an editor
        assertReadFails("file,split,bin\nb0_1.jpg,train,0\n\nnope.jpg,test,0\n", "line 4: 'nope.jpg' is not among the scrubbed "
                + "images (unknown file, a duplicate that was resolved away, or an age outside every bin)");
        assertReadFails("file,split,bin\nb0_1.jpg,train,\"[18, 22]\"\n",
                "line 2: 'b0_1.jpg' has bin 3 (18-22) in the split, but its age, 1, is in bin 0 (1-3) (are the bin edges the same?)");
        assertReadFails("file,split,bin\nb0_1.jpg,train,12\n", "line 2: bin: bin number must be 0-11, found '12'");
        assertReadFails("file,split,bin\nb0_1.jpg,train,old\n",
                "line 2: bin: expected a bin number 0-11 or an age range such as (27-32), [27, 32] or 27-32, found 'old'");
        assertReadFails("file,split,bin\nb0_1.jpg,train,0\nb0_2.jpg,val,0\nb0_1.jpg,test,0\n",
                "line 4: 'b0_1.jpg' is listed twice (first on line 2)");
        assertReadFails("file,split,bin\nb0_1.jpg,train,0\nb0_2.jpg,val\n", "line 3: 2 fields, but the header (line 1) has 3");
        // an unquoted comma in the bin: the form a hand-written parser used to choke on
        assertReadFails("file,split,bin\nb0_1.jpg,train,0\nb1_2.jpg,val,[04, 10]\n", "line 3: 4 fields, but the header (line 1) has 3");
        assertReadFails("file,split,bin\n,train,0\n", "line 2: file is empty; expected an image's file name");
        assertReadFails("", "the file is empty; expected a header line with the columns file,split,bin");
        IOException e = assertThrows(IOException.class, () -> Split.read(tmp.resolve("absent.csv"), clean));
        assertEquals(tmp.resolve("absent.csv") + ": no such file", e.getMessage());
    }

    private void assertReadFails(String content, String expected) throws IOException {
        Path csv = Files.createTempFile(tmp, "bad", ".csv");
        Files.writeString(csv, content);
        IOException e = assertThrows(IOException.class, () -> Split.read(csv, clean));
        assertEquals(csv + ": " + expected, e.getMessage());
    }
}
