package agecnn.data;

import agecnn.config.RunRecord;
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

    private final CleanData data = CleanData.scrub(IndexTables.perBin(20));
    private final Table clean = data.table();

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
        assertSameTable(s.table(), Split.read(csv, data).table());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("file,split,bin", lines.get(0));
        assertEquals(s.table().getString(0, "file") + "," + s.table().getString(0, "split") + "," + s.table().intColumn("bin").getInt(0),
                lines.get(1));
        assertEquals(s.table().rowCount() + 1, lines.size());
    }

    @Test
    void fileNamesWithCommasSpacesOrDigitsOnlySurviveTheRoundTrip() throws IOException {
        CleanData d = CleanData.scrub(IndexTables.of(new String[][]{
            {"24_0_1_2017 .jpg.chip.jpg", "24", "a"}, {"odd,name.jpg", "24", "b"}, {"007", "24", "c"},
            {"x.jpg", "24", "d"}, {"say \"cheese\".jpg", "24", "e"}}));
        Table t = d.table();
        Split s = Split.all(t, 0.2, 0.2, 1);
        Path csv = tmp.resolve("odd.csv");
        s.save(csv);
        assertTrue(Files.readString(csv).contains("\n\"odd,name.jpg\","), Files.readString(csv));
        assertSameTable(s.table(), Split.read(csv, d).table());
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
        // study's folder names, data/<split>/<bin>/<file>; Excel's "CSV UTF-8" adds a byte-order mark
        CleanData d = CleanData.scrub(IndexTables.of(new String[][]{
            {"b1_0.jpg", "4", "h1"}, {"b11_3.jpg", "80", "h2"}, {"b0_2.jpg", "2", "h3"}, {"odd, \"quoted\" name.jpg", "30", "h4"}}));
        Path csv = tmp.resolve("python.csv");
        Files.writeString(csv, "\uFEFFfile,split,bin\r\nb1_0.jpg,train,\"[04, 10]\"\r\nb11_3.jpg,test,\"[74, 120]\"\r\n"
                + "b0_2.jpg,val,\"[01, 03]\"\r\n\"odd, \"\"quoted\"\" name.jpg\",train,\"[27, 32]\"\r\n");
        Split s = Split.read(csv, d);
        assertEquals(List.of("b1_0.jpg", "b11_3.jpg", "b0_2.jpg", "odd, \"quoted\" name.jpg"), s.table().stringColumn("file").asList());
        assertEquals(List.of(Split.TRAIN, Split.TEST, Split.VAL, Split.TRAIN), s.table().stringColumn("split").asList());
        assertEquals(List.of(1, 11, 0, 5), s.table().intColumn("bin").asList());
        assertEquals(0, s.changes().rowCount());
        assertEquals(csv, s.source());
    }

    @Test
    void binsMayBeNumbersOrAgeRangesAndColumnsComeInAnyOrder() throws IOException {
        Path csv = tmp.resolve("labels.csv");
        Files.writeString(csv, "\uFEFFsplit,age,bin,file\ntest,27,(27-32),b5_0.jpg\ntrain,1,0,b0_1.jpg\nval,4,4-10,b1_1.jpg\n");
        Split s = Split.read(csv, data);
        assertEquals(List.of("file", "split", "bin"), s.table().columnNames());
        assertEquals(List.of("b5_0.jpg", "b0_1.jpg", "b1_1.jpg"), s.table().stringColumn("file").asList());
        assertEquals(List.of(5, 0, 1), s.table().intColumn("bin").asList());
    }

    @Test
    void aFolderLaidOutAsTheStudysIsReadAsTheSameSplitAsItsCsv() throws IOException {
        // the study's data/<split>/<bin>/<file>, as empty placeholders; bins in two bracket styles
        Path dir = tmp.resolve("study");
        Split made = Split.balanced(clean, 12, 4, 4, 42);
        for (int r = 0; r < made.table().rowCount(); r++) {
            int bin = made.table().intColumn("bin").getInt(r);
            String binDir = bin % 2 == 0 ? String.format("[%02d, %02d]", AgeBins.lower(bin), AgeBins.upper(bin)) : AgeBins.label(bin);
            Path f = dir.resolve(made.table().getString(r, "split")).resolve(binDir).resolve(made.table().getString(r, "file"));
            Files.createDirectories(f.getParent());
            Files.createFile(f);
        }
        Files.createFile(dir.resolve(".DS_Store"));
        Files.createFile(dir.resolve("test").resolve("[01, 03]").resolve(".DS_Store"));
        Split read = Split.read(dir, data);
        assertEquals(made.table().rowCount(), read.table().rowCount());
        // the folder is read in name order: compare as sets of rows
        assertEquals(rows(made.table()), rows(read.table()));
        assertEquals(dir, read.source());
        assertEquals(0, read.changes().rowCount());
    }

    private static Set<String> rows(Table t) {
        Set<String> out = new HashSet<>();
        for (int r = 0; r < t.rowCount(); r++) out.add(t.getString(r, "file") + "|" + t.getString(r, "split") + "|" + t.getString(r, "bin"));
        return out;
    }

    @Test
    void aFolderInAnotherLayoutIsRefusedNamingEachMisplacedFile() throws IOException {
        Path dir = tmp.resolve("flat");
        Files.createDirectories(dir.resolve("train/[01, 03]"));
        Files.createFile(dir.resolve("train/[01, 03]/b0_1.jpg"));
        Files.createFile(dir.resolve("train/b0_2.jpg"));
        Files.createFile(dir.resolve("b0_3.jpg"));
        IOException e = assertThrows(IOException.class, () -> Split.read(dir, data));
        assertEquals(dir + ": 2 problems, every one listed:\n"
                + "  b0_3.jpg: expected the layout <split>/<bin>/<file>, e.g. train/[04, 10]/<file>\n"
                + "  train/b0_2.jpg: expected the layout <split>/<bin>/<file>, e.g. train/[04, 10]/<file>", e.getMessage());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        e = assertThrows(IOException.class, () -> Split.read(empty, data));
        assertEquals(empty + ": holds no file; expected the layout <split>/<bin>/<file>, e.g. train/[04, 10]/<file>", e.getMessage());
    }

    /**
     * Byte-identical copies (equal hashes) as the scrub resolves them: a and a' (ages 5 and 6, bin
     * 1: a kept), b and b' (ages 30 and 28, bin 5: b kept), c and c' (ages 2 and 40: both dropped),
     * and distinct images d, e, f.
     */
    private static final CleanData COPIES = CleanData.scrub(IndexTables.of(new String[][]{
        {"a.jpg", "5", "ha"}, {"a2.jpg", "6", "ha"}, {"b.jpg", "30", "hb"}, {"b2.jpg", "28", "hb"},
        {"c.jpg", "2", "hc"}, {"c2.jpg", "40", "hc"}, {"d.jpg", "50", "hd"}, {"e.jpg", "20", "he"}, {"f.jpg", "70", "hf"}}));

    @Test
    void theScrubsResolutionOfCopiesIsCarriedIntoTheUsersSplitAndSaid() throws IOException {
        Path csv = tmp.resolve("copies.csv");
        Files.writeString(csv, String.join("\r\n", "file,split,bin",
                "a2.jpg,train,\"[04, 10]\"",    // a copy resolved away: stands for a.jpg
                "b.jpg,test,\"[27, 32]\"",      // in test, while its copy b2 is in train: leaves test
                "c.jpg,val,\"[01, 03]\"",       // its copies disagree on the bin: dropped
                "b2.jpg,train,\"[27, 32]\"",    // stands for b.jpg, in train
                "d.jpg,test,\"[46, 53]\"",
                "d.jpg,test,\"[46, 53]\"",      // listed again in the same split
                "e.jpg,test,\"[18, 22]\"",      // in test and in val: stays in val
                "e.jpg,val,\"[18, 22]\"",
                "f.jpg,val,\"[63, 73]\"", ""));
        Split s = Split.read(csv, COPIES);
        assertEquals(List.of("a.jpg", "b.jpg", "d.jpg", "e.jpg", "f.jpg"), s.table().stringColumn("file").asList());
        assertEquals(List.of(Split.TRAIN, Split.TRAIN, Split.TEST, Split.VAL, Split.VAL), s.table().stringColumn("split").asList());
        assertEquals(List.of(1, 5, 8, 3, 10), s.table().intColumn("bin").asList());
        assertDoesNotThrow(() -> s.checkNoLeak(COPIES.index()));

        Table c = s.changes();
        assertEquals(List.of("line 2", "line 3", "line 4", "line 5", "line 7", "line 8"), c.stringColumn("listed at").asList());
        assertEquals(List.of("a2.jpg", "b.jpg", "c.jpg", "b2.jpg", "d.jpg", "e.jpg"), c.stringColumn("file").asList());
        assertEquals(List.of(Split.Change.REMAPPED.text, Split.Change.LEFT.text, Split.Change.DROPPED_CONFLICT.text,
                Split.Change.REMAPPED.text, Split.Change.REPEATED.text, Split.Change.LEFT.text), c.stringColumn("change").asList());
        assertEquals(List.of(
                "the scrub resolved it away as a byte-identical copy: it stands for a.jpg, which was kept",
                "its content is listed in train at line 5 as b2.jpg: one image in two splits is a leak; it stays in train",
                "its byte-identical copies' ages fall in different bins: c.jpg (age 2), c2.jpg (age 40); the scrub dropped every copy",
                "the scrub resolved it away as a byte-identical copy: it stands for b.jpg, which was kept",
                "its content is listed already at line 6: kept once",
                "its content is listed in val at line 9: one image in two splits is a leak; it stays in val"), c.stringColumn("why").asList());
        assertEquals(2, s.changed(Split.Change.REMAPPED));
        assertEquals(2, s.changed(Split.Change.LEFT));
        assertEquals(1, s.changed(Split.Change.REPEATED));
        assertEquals(1, s.changed(Split.Change.DROPPED_CONFLICT));
        assertEquals("The split is read from " + csv + ", which lists 9 files: 2 stand for the byte-identical copy the scrub kept; "
                + "2 left val or test because their content is also listed in train (or val before test); 1 repeat a content already "
                + "listed in the same split; 1 were dropped because their copies' ages fall in different bins. 5 images are in the split.", s.describe());

        RunRecord record = new RunRecord(tmp);
        s.record(record);
        assertEquals(csv.toString(), record.get("scrub", "split_file").getAsString());
        assertEquals(9, record.get("scrub", "split_file_listed").getAsInt());
        assertEquals(2, record.get("scrub", "split_file_remapped_duplicates").getAsInt());
        assertEquals(2, record.get("scrub", "split_file_leaks_removed").getAsInt());
        assertEquals(1, record.get("scrub", "split_file_repeats_removed").getAsInt());
        assertEquals(1, record.get("scrub", "split_file_dropped_conflicting_bins").getAsInt());

        // the changes are saved as read back: one row per changed line
        Path saved = tmp.resolve("changes.csv");
        s.saveChanges(saved);
        assertEquals(7, Files.readAllLines(saved).size());
        // and the saved split reads back as it is, with nothing left to change
        Path again = tmp.resolve("again.csv");
        s.save(again);
        Split back = Split.read(again, COPIES);
        assertSameTable(s.table(), back.table());
        assertEquals(0, back.changes().rowCount());
    }

    @Test
    void copiesInAStudyStyleFolderAreFittedAlikeAndNamedByTheirPath() throws IOException {
        Path dir = tmp.resolve("copies");
        for (String p : List.of("train/[27, 32]/b2.jpg", "test/[27, 32]/b.jpg", "val/[04, 10]/a2.jpg")) {
            Files.createDirectories(dir.resolve(p).getParent());
            Files.createFile(dir.resolve(p));
        }
        Split s = Split.read(dir, COPIES);
        assertEquals(List.of("b.jpg", "a.jpg"), s.table().stringColumn("file").asList());
        assertEquals(List.of(Split.TRAIN, Split.VAL), s.table().stringColumn("split").asList());
        assertEquals(List.of("test/[27, 32]/b.jpg", "train/[27, 32]/b2.jpg", "val/[04, 10]/a2.jpg"),
                s.changes().stringColumn("listed at").asList());
        assertEquals("its content is listed in train at train/[27, 32]/b2.jpg: one image in two splits is a leak; it stays in train",
                s.changes().getString(0, "why"));
    }

    @Test
    void makeReadsSplitFileWhenSetAndFollowsTheProtocolOtherwise() throws IOException {
        Path csv = tmp.resolve("mine.csv");
        Files.writeString(csv, "file,split,bin\r\nb0_1.jpg,train,\"[01, 03]\"\r\nb1_1.jpg,test,\"[04, 10]\"\r\n");
        Split mine = Split.make(agecnn.config.Settings.of(java.util.Map.of("PROJECT_DIR", tmp.toString(), "SPLIT_FILE", "mine.csv")), data);
        assertEquals(csv, mine.source());
        assertEquals(List.of("b0_1.jpg", "b1_1.jpg"), mine.table().stringColumn("file").asList());
        Split made = Split.make(agecnn.config.Settings.of(java.util.Map.of("PROJECT_DIR", tmp.toString(), "SPLIT_PROTOCOL", "all")), data);
        assertNull(made.source());
        assertEquals(clean.rowCount(), made.table().rowCount());
        assertEquals("The split is made by SPLIT_PROTOCOL (no SPLIT_FILE): 240 images.", made.describe());
    }

    @Test
    void aSplitMadeHereHasNoSourceNorChangesAndRecordsNothing() {
        Split s = Split.balanced(clean, 12, 4, 4, 42);
        assertNull(s.source());
        assertEquals(0, s.changes().rowCount());
        RunRecord record = new RunRecord(tmp);
        s.record(record);
        assertNull(record.get("scrub", "split_file"));
    }

    @Test
    void everyWrongLineIsListedInOneError() throws IOException {
        Path csv = tmp.resolve("several.csv");
        Files.writeString(csv, String.join("\n", "file,split,bin",
                "a2.jpg,train,1",
                "nope.jpg,train,1",
                "b.jpg,test,\"[23, 26]\"",
                "d.jpg,training,\"[46, 53]\"",
                "e.jpg,val,old",
                "f.jpg,val,\"[63, 73]\"", ""));
        IOException e = assertThrows(IOException.class, () -> Split.read(csv, COPIES));
        assertEquals(csv + ": 4 problems, every one listed:\n"
                + "  line 3: 'nope.jpg' is not among the 9 indexed images; expected a file of the data set (is it the same data set, "
                + "or an index of a subset, MAX_PER_BIN?)\n"
                + "  line 4: 'b.jpg' has bin 4 (23-26) in the split, but its age, 30, is in bin 5 (27-32) (are the bin edges the same?)\n"
                + "  line 5: split must be train, val or test, found 'training'\n"
                + "  line 6: bin: expected a bin number 0-11 or an age range such as (27-32), [27, 32] or 27-32, found 'old'",
                e.getMessage());
    }

    @Test
    void badSplitFilesNameTheFileTheLineAndWhatWasExpected() throws IOException {
        assertReadFails("file,split\nb0_1.jpg,train\n",
                "line 1 (the header) has no column 'bin': found file,split, expected the columns file,split,bin");
        assertReadFails("file,split,bin\nb0_1.jpg,training,0\n", "line 2: split must be train, val or test, found 'training'");
        // a blank line still counts, as in an editor
        assertReadFails("file,split,bin\nb0_1.jpg,train,0\n\nnope.jpg,test,0\n", "line 4: 'nope.jpg' is not among the 240 indexed "
                + "images; expected a file of the data set (is it the same data set, or an index of a subset, MAX_PER_BIN?)");
        assertReadFails("file,split,bin\nb0_1.jpg,train,\"[18, 22]\"\n",
                "line 2: 'b0_1.jpg' has bin 3 (18-22) in the split, but its age, 1, is in bin 0 (1-3) (are the bin edges the same?)");
        assertReadFails("file,split,bin\nb0_1.jpg,train,12\n", "line 2: bin: bin number must be 0-11, found '12'");
        assertReadFails("file,split,bin\nb0_1.jpg,train,old\n",
                "line 2: bin: expected a bin number 0-11 or an age range such as (27-32), [27, 32] or 27-32, found 'old'");
        assertReadFails("file,split,bin\nb0_1.jpg,train,0\nb0_2.jpg,val\n", "line 3: 2 fields, but the header (line 1) has 3");
        // an unquoted comma in the bin: the form a hand-written parser used to choke on
        assertReadFails("file,split,bin\nb0_1.jpg,train,0\nb1_2.jpg,val,[04, 10]\n", "line 3: 4 fields, but the header (line 1) has 3");
        assertReadFails("file,split,bin\n,train,0\n", "line 2: file is empty; expected an image's file name");
        assertReadFails("", "the file is empty; expected a header line with the columns file,split,bin");
        assertReadFails("file,split,bin\n", "lists no file; expected a line file,split,bin per image");
        IOException e = assertThrows(IOException.class, () -> Split.read(tmp.resolve("absent.csv"), data));
        assertEquals(tmp.resolve("absent.csv") + ": no such file or folder; expected a file,split,bin CSV or a folder <split>/<bin>/<file>",
                e.getMessage());
    }

    @Test
    void anAgeOutsideEveryBinIsRefused() throws IOException {
        CleanData d = CleanData.scrub(IndexTables.of(new String[][]{{"old.jpg", "130", "h1"}, {"x.jpg", "30", "h2"}}));
        Path csv = tmp.resolve("old.csv");
        Files.writeString(csv, "file,split,bin\nold.jpg,test,11\nx.jpg,train,5\n");
        IOException e = assertThrows(IOException.class, () -> Split.read(csv, d));
        assertEquals(csv + ": line 2: 'old.jpg' is aged 130, outside every bin (1-120), so the scrub left it out; "
                + "expected images with an age in a bin", e.getMessage());
    }

    private void assertReadFails(String content, String expected) throws IOException {
        Path csv = Files.createTempFile(tmp, "bad", ".csv");
        Files.writeString(csv, content);
        IOException e = assertThrows(IOException.class, () -> Split.read(csv, data));
        assertEquals(csv + ": " + expected, e.getMessage());
    }
}
