package agecnn.notebook;

import agecnn.config.Settings;
import agecnn.config.Profile;
import agecnn.data.AgeBins;
import agecnn.data.ImageIndex;
import agecnn.data.Split;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What notebooks 01-03 produced in the shared smoke run ({@link SmokeRun}): index, split,
 * tensor cache, run.json and figures.
 */
class NotebooksIT {

    static final Path PROJECT = SmokeRun.PROJECT;
    static final Path RUN_DIR = SmokeRun.RUN_DIR;
    static final Path WORK = SmokeRun.WORK;
    static Settings settings;

    @BeforeAll
    static void runNotebooks() throws Exception {
        SmokeRun.get();
        settings = SmokeRun.settings();
    }

    @Test
    void runJsonRecordsNotebooksParametersAndData() throws IOException {
        JsonObject json = new JsonParser().parse(Files.readString(RUN_DIR.resolve("run.json"))).getAsJsonObject();
        assertEquals("ok", json.get("status").getAsString());
        JsonArray nbs = json.getAsJsonArray("notebooks");
        List<String> names = new java.util.ArrayList<>();
        for (JsonElement e : nbs) names.add(e.getAsJsonObject().get("notebook").getAsString());
        assertEquals(List.of("01_obtain.ipynb", "02_scrub.ipynb", "03_explore.ipynb"), names.subList(0, 3));
        for (JsonElement e : nbs) assertTrue(e.getAsJsonObject().get("seconds").getAsDouble() > 0);
        assertEquals("smoke", json.getAsJsonObject("parameters").get("PROFILE").getAsString());
        assertEquals(String.valueOf(Profile.SMOKE.imageSize), json.getAsJsonObject("parameters").get("IMAGE_SIZE").getAsString());
        assertTrue(json.get("git_commit").getAsString().matches("[0-9a-f]{40}(-dirty)?"));
        JsonObject data = json.getAsJsonObject("data");
        assertEquals(ImageIndex.load(WORK).fingerprint(), data.get("fingerprint").getAsString());
        assertEquals(ImageIndex.load(WORK).images().rowCount(), data.get("images_indexed").getAsInt());
    }

    @Test
    void indexHoldsTheSmokeSubsetWithRealLabels() throws IOException {
        ImageIndex index = ImageIndex.load(WORK);
        Table images = index.images();
        // 12 per bin were drawn; every bin of UTKFace has more than that, and all decode
        assertEquals(Profile.SMOKE.maxPerBin * AgeBins.COUNT, images.rowCount());
        // the whole folder was seen (23,708 images in the published set)
        assertTrue(index.filesSeen() >= images.rowCount());
        for (int r = 0; r < images.rowCount(); r++) {
            String file = images.getString(r, "file");
            assertEquals(Integer.parseInt(file.substring(0, file.indexOf('_'))), images.intColumn("age").getInt(r), file);
            assertEquals(64, images.getString(r, "sha256").length());
        }
    }

    @Test
    void splitIsStratifiedWithoutLeaksAndMatchesTheNotebookOutput() throws IOException {
        var data = agecnn.tensors.PreparedData.load(settings);
        Split split = data.split();
        split.checkNoLeak(data.index().images());
        Table counts = split.counts();
        for (int b = 0; b < AgeBins.COUNT; b++) {
            assertEquals(Profile.SMOKE.balancedTest, counts.intColumn(Split.TEST).getInt(b), AgeBins.label(b));
            assertEquals(Profile.SMOKE.balancedVal, counts.intColumn(Split.VAL).getInt(b), AgeBins.label(b));
            assertTrue(counts.intColumn(Split.TRAIN).getInt(b) <= Profile.SMOKE.balancedTrain);
        }
        // the report keeps the same split the work folder has
        assertEquals(Files.readString(WORK.resolve("split.csv")), Files.readString(RUN_DIR.resolve("split.csv")));
        // the executed 02 shows the per-bin counts table, as HTML with its text layout beside it
        List<JsonObject> shown = ExecutedNotebook.read(RUN_DIR.resolve("notebooks/02_scrub.ipynb")).tables("images per bin and split");
        assertEquals(1, shown.size(), "02_scrub shows the split counts once");
        String text = ExecutedNotebook.join(shown.get(0).get("text/plain"));
        assertTrue(text.contains("images per bin and split") && text.contains("(74-120)"), text);
    }

    @Test
    void eachNotebookEndsWithWhatItFoundInThisRun() throws IOException {
        var data = agecnn.tensors.PreparedData.load(settings);
        assertEndsWithFindings("01_obtain", Findings.obtain(ImageIndex.load(WORK), settings.data().maxPerBin()));
        assertEndsWithFindings("02_scrub", Findings.scrub(data));
        assertEndsWithFindings("03_explore", Findings.explore(data.clean().table()));
    }

    /** The notebook's last code cell prints its findings, and they are what the library finds in the run's results. */
    static void assertEndsWithFindings(Path runDir, String notebook, String expected) throws IOException {
        ExecutedNotebook nb = ExecutedNotebook.read(runDir.resolve("notebooks").resolve(notebook + ".ipynb"));
        assertTrue(nb.lastSource().contains("Findings."), notebook + " ends with: " + nb.lastSource());
        assertEquals(expected, nb.lastOutput().stripTrailing(), notebook);
    }

    static void assertEndsWithFindings(String notebook, String expected) throws IOException {
        assertEndsWithFindings(RUN_DIR, notebook, expected);
    }

    @Test
    void tensorCacheHoldsEveryImageOfTheSplit() throws IOException {
        var data = agecnn.tensors.PreparedData.load(settings);
        var cache = data.cache();
        assertTrue(cache.reused(), "02_scrub built the cache; loading it again must not decode");
        assertEquals(data.split().table().rowCount(), cache.count());
        assertEquals(Profile.SMOKE.imageSize, cache.imageSize());
        Set<String> inCache = new HashSet<>(cache.files());
        assertEquals(new HashSet<>(data.split().table().stringColumn("file").asList()), inCache);
    }

    @Test
    void exploreFiguresAreSavedAndShownInline() throws IOException {
        for (String f : List.of("age_histogram.png", "age_bar.png", "age_pie.png", "gender_per_bin.png",
                "race_per_bin.png", "faces/faces_per_bin.png")) {
            BufferedImage img = ImageIO.read(RUN_DIR.resolve("figures").resolve(f).toFile());
            assertNotNull(img, f);
            assertTrue(img.getWidth() >= 400 && img.getHeight() >= 300, f + " " + img.getWidth() + "x" + img.getHeight());
        }
        JsonObject nb = new JsonParser().parse(Files.readString(RUN_DIR.resolve("notebooks/03_explore.ipynb"))).getAsJsonObject();
        long pngs = 0;
        for (JsonElement cell : nb.getAsJsonArray("cells")) {
            JsonObject c = cell.getAsJsonObject();
            if (!c.has("outputs")) continue;
            for (JsonElement o : c.getAsJsonArray("outputs")) {
                JsonObject out = o.getAsJsonObject();
                if (out.has("data") && out.getAsJsonObject("data").has("image/png")) pngs++;
            }
        }
        assertEquals(6, pngs, "each figure is shown inline once");
        assertTrue(Files.exists(RUN_DIR.resolve("notebooks/03_explore.html")));
    }

    @Test
    void smokeRunLeavesReadmeImagesAlone() throws IOException {
        Path readme = PROJECT.resolve("readme_images");
        if (!Files.isDirectory(readme)) return;
        try (Stream<Path> s = Files.list(readme)) {
            for (Path p : s.toList()) {
                assertTrue(Files.getLastModifiedTime(p).toMillis() < SmokeRun.startedAt(), p + " was overwritten by a smoke run");
            }
        }
    }
}
