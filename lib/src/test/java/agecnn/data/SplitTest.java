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
    void csvRoundTripGivesTheSameSplit() throws IOException {
        Split s = Split.balanced(clean, 12, 4, 4, 42);
        Path csv = tmp.resolve("split.csv");
        s.save(csv);
        Split back = Split.read(csv, clean);
        for (String name : Split.NAMES) assertEquals(s.files(name), back.files(name));
        assertArrayEquals(s.bins(Split.TRAIN), back.bins(Split.TRAIN));
        assertEquals("file,split,bin", Files.readAllLines(csv).get(0));
    }

    @Test
    void fileNamesWithCommasAndSpacesSurviveTheRoundTrip() throws IOException {
        Table t = CleanData.scrub(IndexTables.of(new String[][]{
            {"24_0_1_2017 .jpg.chip.jpg", "24", "a"}, {"odd,name.jpg", "24", "b"}, {"x.jpg", "24", "c"}})).table();
        Split s = Split.all(t, 0.3, 0.3, 1);
        Path csv = tmp.resolve("odd.csv");
        s.save(csv);
        assertEquals(new HashSet<>(s.table().stringColumn("file").asList()),
                new HashSet<>(Split.read(csv, t).table().stringColumn("file").asList()));
    }

    @Test
    void labelsAreAcceptedAsBins() throws IOException {
        Path csv = tmp.resolve("labels.csv");
        Files.writeString(csv, "file,split,bin\nb5_0.jpg,test,(27-32)\nb0_1.jpg,train,0\n");
        Split s = Split.read(csv, clean);
        assertEquals(List.of("b5_0.jpg"), s.files(Split.TEST));
        assertArrayEquals(new int[]{5}, s.bins(Split.TEST));
    }

    @Test
    void badSplitFilesNameTheLineAndTheProblem() throws IOException {
        assertReadFails("file,split\nb0_1.jpg,train\n", "line 1");
        assertReadFails("file,split,bin\nb0_1.jpg,training,0\n", "line 2: split must be train, val or test");
        assertReadFails("file,split,bin\nb0_1.jpg,train,0\nnope.jpg,test,0\n", "line 3: 'nope.jpg' is not among");
        assertReadFails("file,split,bin\nb0_1.jpg,train,3\n", "line 2: 'b0_1.jpg' has bin 3");
        assertReadFails("file,split,bin\nb0_1.jpg,train,12\n", "bin must be 0-11");
        IOException e = assertThrows(IOException.class, () -> Split.read(tmp.resolve("absent.csv"), clean));
        assertTrue(e.getMessage().contains("absent.csv"));
    }

    private void assertReadFails(String content, String expected) throws IOException {
        Path csv = Files.createTempFile(tmp, "bad", ".csv");
        Files.writeString(csv, content);
        IOException e = assertThrows(IOException.class, () -> Split.read(csv, clean));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains(csv.getFileName().toString()), e.getMessage());
    }
}
