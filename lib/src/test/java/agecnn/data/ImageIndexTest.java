package agecnn.data;

import agecnn.io.Sha256;
import agecnn.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ImageIndexTest {

    @TempDir
    Path tmp;

    private static final String ODD_1 = "39_1_20170116174525125.jpg.chip.jpg";
    private static final String ODD_2 = "24_0_1_20170116220224657 .jpg.chip.jpg";

    @Test
    void indexesRealFilesReportsOddNamesAndLeavesOutBadImages() throws IOException {
        Path data = tmp.resolve("faces");
        List<String> good = TestImages.copyRealFiles(3, data);
        TestImages.copyRealFiles(data, ODD_1, ODD_2);
        byte[] real = Files.readAllBytes(data.resolve(good.get(0)));
        Files.write(data.resolve("30_0_0_20170116174525125.jpg.chip.jpg"), Arrays.copyOf(real, real.length / 2));
        Files.writeString(data.resolve("31_0_0_20170116174525125.jpg.chip.jpg"), "not an image");
        Files.write(data.resolve("x_0_0_20170116174525125.jpg.chip.jpg"), real);
        Files.writeString(data.resolve("README.md"), "documentation is not an image");

        ImageIndex index = ImageIndex.build(data, 0, 1);
        Table images = index.images();
        assertEquals(8, index.filesSeen());
        assertEquals(5, images.rowCount(), images.print());
        assertTrue(images.stringColumn(IndexColumns.FILE).contains(ODD_1));
        assertTrue(images.stringColumn(IndexColumns.FILE).contains(ODD_2));
        int odd = images.stringColumn(IndexColumns.FILE).indexOf(ODD_1);
        assertTrue(images.intColumn(IndexColumns.RACE).isMissing(odd));
        assertEquals(39, images.intColumn(IndexColumns.AGE).getInt(odd));
        assertEquals(200, images.intColumn(IndexColumns.WIDTH).getInt(odd));

        Table problems = index.problems();
        assertEquals("left out: unreadable", actionOf(problems, "30_0_0_20170116174525125.jpg.chip.jpg"));
        assertEquals("left out: unreadable", actionOf(problems, "31_0_0_20170116174525125.jpg.chip.jpg"));
        assertEquals("left out: no age", actionOf(problems, "x_0_0_20170116174525125.jpg.chip.jpg"));
        assertEquals("kept", actionOf(problems, ODD_1));
        // the content hash is the SHA-256 of the file's bytes
        int g = images.stringColumn(IndexColumns.FILE).indexOf(good.get(0));
        assertEquals(Sha256.hex(real), images.stringColumn(IndexColumns.SHA256).get(g));
    }

    private static String actionOf(Table problems, String file) {
        Table t = problems.where(problems.stringColumn("file").isEqualTo(file));
        assertFalse(t.isEmpty(), file + " not reported");
        return t.stringColumn("action").get(0);
    }

    @Test
    void saveAndLoadRoundTripKeepsMissingValuesAndOddNames() throws IOException {
        Path data = tmp.resolve("faces");
        TestImages.copyRealFiles(2, data);
        TestImages.copyRealFiles(data, ODD_1, ODD_2);
        ImageIndex index = ImageIndex.build(data, 0, 1);
        index.save(tmp.resolve("work"));
        ImageIndex back = ImageIndex.load(tmp.resolve("work"));
        assertEquals(index.images().print(), back.images().print());
        assertEquals(index.problems().rowCount(), back.problems().rowCount());
        assertEquals(index.fingerprint(), back.fingerprint());
        assertEquals(index.filesSeen(), back.filesSeen());
    }

    @Test
    void subsetTakesAtMostNPerBinAndIsDeterministic() throws IOException {
        Path data = tmp.resolve("faces");
        TestImages.copyRealFiles(40, data);
        ImageIndex a = ImageIndex.build(data, 2, 5), b = ImageIndex.build(data, 2, 5);
        assertEquals(a.images().stringColumn("file").asList(), b.images().stringColumn("file").asList());
        var bins = a.images().intColumn("age").asList().stream().map(agecnn.data.AgeBins::binOf).toList();
        for (int bin : bins) assertTrue(bins.stream().filter(x -> x == bin).count() <= 2);
        assertTrue(a.images().rowCount() < 40);
    }

    @Test
    void fingerprintChangesWithContent() throws IOException {
        Path data = tmp.resolve("faces");
        List<String> files = TestImages.copyRealFiles(3, data);
        String before = ImageIndex.build(data, 0, 1).fingerprint();
        Files.write(data.resolve(files.get(0)), Files.readAllBytes(data.resolve(files.get(1))));
        assertNotEquals(before, ImageIndex.build(data, 0, 1).fingerprint());
    }

    @Test
    void loadingWithoutAnIndexSaysWhichNotebookToRun() {
        IOException e = assertThrows(IOException.class, () -> ImageIndex.load(tmp));
        assertTrue(e.getMessage().contains("01_obtain"), e.getMessage());
    }

    @Test
    void aDamagedIndexNamesTheFileTheLineAndTheColumn() throws IOException {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve("index.source"), tmp + "\n2\n");
        Files.writeString(work.resolve("problems.csv"), "file,field,problem,action\n");
        String header = "file,age,gender,race,timestamp,width,height,sha256,problems\n";
        Files.writeString(work.resolve("index.csv"), header + "1_0_0_1.jpg,1,0,0,1,200,200,aa,\n2_0_0_1.jpg,two,0,0,1,200,200,bb,\n");
        IOException e = assertThrows(IOException.class, () -> ImageIndex.load(work));
        assertEquals(work.resolve("index.csv") + ": line 3, column 'age': expected INTEGER, found 'two'", e.getMessage());

        Files.writeString(work.resolve("index.csv"), "file,age,gender,race,timestamp,width,height,problems\n");
        e = assertThrows(IOException.class, () -> ImageIndex.load(work));
        assertEquals(work.resolve("index.csv") + ": line 1 (the header) has no column 'sha256': found "
                + "file,age,gender,race,timestamp,width,height,problems, expected the columns "
                + "file,age,gender,race,timestamp,width,height,sha256,problems", e.getMessage());
    }

    @Test
    void loadReadsWhatSaveWroteWithMissingValues() throws IOException {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.writeString(work.resolve("index.source"), tmp + "\n2\n");
        Files.writeString(work.resolve("problems.csv"), "file,field,problem,action\n39_1_1.jpg,race,missing,kept\n");
        Files.writeString(work.resolve("index.csv"), "file,age,gender,race,timestamp,width,height,sha256,problems\n"
                + "007,1,0,0,20170116174525125,200,200,aa,\n39_1_1.jpg,39,1,,1,200,200,bb,\"race: missing, kept\"\n");
        ImageIndex index = ImageIndex.load(work);
        Table images = index.images();
        assertEquals("images", images.name());
        assertEquals(List.of("007", "39_1_1.jpg"), images.stringColumn(IndexColumns.FILE).asList());
        assertEquals("20170116174525125", images.stringColumn(IndexColumns.TIMESTAMP).get(0));
        assertTrue(images.intColumn(IndexColumns.RACE).isMissing(1));
        assertEquals("race: missing, kept", images.stringColumn(IndexColumns.PROBLEMS).get(1));
        assertEquals(List.of("kept"), index.problems().stringColumn("action").asList());
        assertEquals(2, index.filesSeen());
        // and saved again, the same bytes
        index.save(tmp.resolve("again"));
        assertEquals(Files.readString(work.resolve("index.csv")), Files.readString(tmp.resolve("again/index.csv")));
        assertEquals(Files.readString(work.resolve("problems.csv")), Files.readString(tmp.resolve("again/problems.csv")));
    }
}
