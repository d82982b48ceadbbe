package agecnn.predict;

import agecnn.config.Params;
import agecnn.nets.weights.WeightStore;
import agecnn.testing.LoopbackHttp;
import agecnn.testing.TestImages;
import agecnn.testing.TinyModels;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** ./agecnn predict: one JSON line per input, errors as lines too, the rest still done, exit status. */
class PredictCommandTest {

    @TempDir
    Path project;
    Path model;
    final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    @BeforeEach
    void tinyModel() throws IOException {
        model = TinyModels.save(project.resolve("reports/run-1/models/best.zip"), "tiny", 16, 1);
    }

    private int run(String... args) {
        return PredictCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), project);
    }

    private String[] lines() {
        return out.toString(StandardCharsets.UTF_8).strip().split("\n");
    }

    @Test
    void oneJsonLinePerInputInOrderAndExit1WhenOneFailed() throws IOException {
        Path face = TestImages.write(project, "face.jpg", TestImages.noise(120, 100, 1), "jpg");
        Path broken = Files.write(project.resolve("broken.jpg"), new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2});
        try (LoopbackHttp http = new LoopbackHttp().file("/p.png", "image/png", TestImages.encode(TestImages.noise(50, 50, 2), "png"))) {
            int status = run("--no-detect", face.toString(), broken.toString(), http.url("/missing.png"), http.url("/p.png"));
            assertEquals(1, status, err.toString());
        }
        String[] lines = lines();
        assertEquals(4, lines.length, out.toString());
        JsonObject first = new JsonParser().parse(lines[0]).getAsJsonObject();
        assertEquals(face.toString(), first.get("input").getAsString());
        assertEquals("tiny", first.get("model").getAsString());
        assertEquals("off", first.get("detector").getAsString());
        JsonObject f = first.getAsJsonArray("faces").get(0).getAsJsonObject();
        assertTrue(f.get("box").isJsonNull());
        assertEquals(3, f.getAsJsonArray("top").size());
        assertTrue(f.get("expected_age").getAsDouble() > 0);
        assertTrue(new JsonParser().parse(lines[1]).getAsJsonObject().get("error").getAsString().contains("broken.jpg"));
        assertTrue(new JsonParser().parse(lines[2]).getAsJsonObject().get("error").getAsString().contains("HTTP 404"));
        assertTrue(new JsonParser().parse(lines[3]).getAsJsonObject().has("faces"));
        assertTrue(err.toString().contains("1 of 4") || err.toString().contains("2 of 4"), err.toString());
    }

    @Test
    void aTableOnRequestAndExit0WhenAllWereHandled() throws IOException {
        Path face = TestImages.write(project, "face.png", TestImages.noise(64, 64, 3), "png");
        assertEquals(0, run("--table", "--no-detect", "--top", "2", face.toString()));
        String table = out.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("expected age") && table.contains("whole image") && table.contains("face.png"), table);
    }

    @Test
    void theNewestBestModelIsTheDefaultAndMODELOverridesIt() throws IOException {
        Path older = model;
        Files.setLastModifiedTime(older, FileTime.from(Instant.now().minusSeconds(3600)));
        Path newer = TinyModels.save(project.resolve("reports/run-2/models/best.zip"), "newer", 16, 2);
        assertEquals(newer, PredictCommand.parse(new String[]{"x.jpg"}, Map.of(), project).model());
        assertEquals(older, PredictCommand.parse(new String[]{"x.jpg"}, Map.of("MODEL", older.toString()), project).model());
        assertEquals(older, PredictCommand.parse(new String[]{"--model", older.toString(), "x.jpg"}, Map.of(), project).model());
    }

    @Test
    void badUsageExits2WithTheUsage() {
        assertEquals(2, run());
        assertTrue(err.toString().contains("no input") && err.toString().contains("usage:"), err.toString());
        assertEquals(2, run("--top", "zero", "a.jpg"));
        assertEquals(2, run("--model", project.resolve("none.zip").toString(), "a.jpg"));
        assertTrue(err.toString().contains("no model file at"), err.toString());
        assertEquals(2, run("--frobnicate", "a.jpg"));
    }

    @Test
    void theDetectorsModelIsLookedForInWeightsDirAndTheOldSettingIsRefused() {
        Params p = PredictCommand.settings(Map.of("WEIGHTS_DIR", "w"), project);
        WeightStore store = WeightStore.of(p);
        assertEquals(project.resolve("w"), store.localDir());
        assertEquals(project.resolve("data/cache/weights"), store.cacheDir());
        int status = PredictCommand.run(new String[]{"--no-detect", "a.jpg"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("AGECNN_WEIGHTS", "/old"), project);
        assertEquals(2, status);
        assertTrue(err.toString().contains("AGECNN_WEIGHTS=/old is no longer read: set WEIGHTS_DIR"), err.toString());
    }
}
