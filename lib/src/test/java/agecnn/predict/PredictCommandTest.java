package agecnn.predict;

import agecnn.config.Settings;
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
import java.awt.image.BufferedImage;
import org.nd4j.linalg.api.ndarray.INDArray;
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

    /** An ensemble's file is a model like any other: the face made at its input size, its probabilities those of its predict. */
    @Test
    void anEnsembleFileIsTakenLikeAnyModel() throws IOException {
        Path ensemble = project.resolve("reports/run-1/models/ensemble.zip");
        agecnn.nets.SavedModel e = agecnn.nets.SavedModel.ensemble("ensemble",
                java.util.List.of(TinyModels.random("a", 16, 1), TinyModels.random("b", 24, 2)));
        e.save(ensemble);
        BufferedImage photo = TestImages.noise(64, 64, 3);
        Path face = TestImages.write(project, "face.png", photo, "png");
        assertEquals(0, run("--model", ensemble.toString(), "--no-detect", "--top", "12", face.toString()), err.toString());
        JsonObject line = new JsonParser().parse(lines()[0]).getAsJsonObject();
        assertEquals("ensemble", line.get("model").getAsString());
        var top = line.getAsJsonArray("faces").get(0).getAsJsonObject().getAsJsonArray("top");
        INDArray p = e.predict(agecnn.tensors.TensorCache.batchOf(agecnn.tensors.Resizer.toSquareRgb(photo, 24), 24));
        for (var t : top) {
            JsonObject bin = t.getAsJsonObject();
            int b = agecnn.data.AgeBins.labels().indexOf(bin.get("bin").getAsString());
            // the JSON rounds probabilities to 4 decimals (Metrics.round)
            assertEquals(p.getDouble(0, b), bin.get("probability").getAsDouble(), 0.5e-4 + 1e-9, bin.toString());
        }
    }

    @Test
    void aDamagedModelFileExits2NamingIt() throws IOException {
        Path empty = Files.createFile(project.resolve("ensemble.zip"));
        assertEquals(2, run("--model", empty.toString(), "a.jpg"));
        assertTrue(err.toString().contains(empty.toString()), err.toString());
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
        Settings p = PredictCommand.settings(Map.of("WEIGHTS_DIR", "w"), project);
        WeightStore store = WeightStore.of(p);
        assertEquals(project.resolve("w"), store.localDir());
        assertEquals(project.resolve("data/cache/weights"), store.cacheDir());
        int status = PredictCommand.run(new String[]{"--no-detect", "a.jpg"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("AGECNN_WEIGHTS", "/old"), project);
        assertEquals(2, status);
        assertTrue(err.toString().contains("AGECNN_WEIGHTS=/old is no longer read: set WEIGHTS_DIR"), err.toString());
    }

    @Test
    void helpGoesToStdoutWithEveryOptionAndExits0() {
        for (String flag : new String[]{"--help", "-h"}) {
            out.reset();
            err.reset();
            assertEquals(0, run(flag), err.toString());
            String help = out.toString(StandardCharsets.UTF_8);
            assertTrue(help.startsWith("usage: ./agecnn predict [options] <url-or-file>..."), help);
            for (String option : new String[]{"--model FILE", "--table", "--no-detect", "--keep DIR", "--overwrite", "--top K", "--help"}) {
                assertTrue(help.contains(option), option + " missing from\n" + help);
            }
            assertTrue(help.contains("$MODEL") && help.contains("reports/*/models/best.zip"), help);
            assertTrue(help.contains("(default 3)"), "the default of --top: " + help);
            assertTrue(help.contains("exit status:") && help.contains("some input failed"), help);
            assertEquals("", err.toString(), "nothing on stderr");
        }
        assertEquals(0, run("--model", project.resolve("none.zip").toString(), "-h"), "help needs neither inputs nor a model");
    }

    @Test
    void anUnknownOptionOrABadNumberExits2WithOneLineNamingTheOption() {
        assertUsageError("Unknown option: '--frobnicate'", "--frobnicate", "a.jpg");
        assertUsageError("Unknown option: '--tabel' (did you mean --table?)", "a.jpg", "--tabel", "--frobnicate");
        assertUsageError("Invalid value for option '--top': a number from 1 to 12, got 'zero'", "--top", "zero", "a.jpg");
        assertUsageError("Invalid value for option '--top': a number from 1 to 12, got '13'", "a.jpg", "--top", "13");
        assertUsageError("Missing required parameter for option '--top' (K)", "a.jpg", "--top");
        assertUsageError("Missing required parameter for option '--model' (FILE)", "a.jpg", "--model");
    }

    private void assertUsageError(String message, String... args) {
        out.reset();
        err.reset();
        assertEquals(2, run(args), err.toString());
        String[] errLines = err.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(message, errLines[0]);
        assertEquals("usage: ./agecnn predict [options] <url-or-file>...", errLines[1], "then the usage");
        assertFalse(err.toString().contains("Exception") || err.toString().contains("\tat "), "no stack trace: " + err);
        assertEquals("", out.toString(), "stdout carries only predictions");
    }

    @Test
    void optionsAndInputsMixAndARepeatedOptionTakesItsLastValue() {
        PredictCommand.Options o = PredictCommand.parse(
                new String[]{"a.jpg", "--top", "2", "-x.jpg", "--table", "--top", "5", "--no-detect", "https://e.org/b.png"},
                Map.of(), project);
        assertEquals(java.util.List.of("a.jpg", "-x.jpg", "https://e.org/b.png"), o.inputs(), "a single dash is an input, as before");
        assertEquals(5, o.top());
        assertTrue(o.table());
        assertFalse(o.detect());
        assertFalse(o.overwrite());
        assertNull(o.keep());
        PredictCommand.Options plain = PredictCommand.parse(new String[]{"a.jpg"}, Map.of(), project);
        assertEquals(3, plain.top(), "--top defaults to 3");
        assertTrue(plain.detect() && !plain.table());
    }
}
