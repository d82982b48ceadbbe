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
}
