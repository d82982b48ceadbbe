package agecnn.notebook;

import agecnn.config.Settings;
import agecnn.data.Split;
import agecnn.eval.Evaluation;
import agecnn.nets.SavedModel;
import agecnn.run.RunModels;
import agecnn.tensors.PreparedData;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What 05_interpret produced in the shared smoke run: a score per saved model that the library
 * reproduces, the two heat maps, the mistake gallery. Needs 04_model's models in the run.
 */
class InterpretNotebookIT {

    @BeforeAll
    static void runNotebooks() throws Exception {
        SmokeRun.get();
    }

    @Test
    void interpretOutputs() throws Exception {
        check(SmokeRun.RUN_DIR, SmokeRun.settings());
    }

    /** The checks, for any run folder that ran 05_interpret. */
    static void check(Path runDir, Settings settings) throws Exception {
        JsonObject run = new JsonParser().parse(Files.readString(runDir.resolve("run.json"))).getAsJsonObject();
        assertEquals("ok", status(run, "05_interpret.ipynb"), "05 ran: " + run);

        // one score per model saved by 04 (best.zip is a copy, not scored twice), as the library computes it
        RunModels models = RunModels.in(runDir);
        JsonObject scores = run.getAsJsonObject("facts").getAsJsonObject("interpret");
        java.util.Set<String> scored = new java.util.HashSet<>();
        scores.entrySet().forEach(e -> scored.add(e.getKey()));
        assertEquals(models.models().keySet(), scored);
        PreparedData data = PreparedData.load(settings);
        for (Map.Entry<String, Path> m : models.models().entrySet()) {
            JsonObject s = scores.getAsJsonObject(m.getKey());
            Evaluation again = Evaluation.of(SavedModel.load(m.getValue()), data, Split.TEST);
            assertEquals(again.metrics().accuracy(), s.get("accuracy").getAsDouble(), 1e-9, m.getKey());
            // float32 sums in another process (threads, OneDNN) differ in the last digits: 1e-4 years
            assertEquals(again.metrics().maeYears(), s.get("mae_years").getAsDouble(), 1e-4, m.getKey());
            assertEquals(data.split().files(Split.TEST).size(), s.get("images").getAsInt());
            for (String k : new String[]{"accuracy", "one_off", "macro_f1"}) {
                double v = s.get(k).getAsDouble();
                assertTrue(v >= 0 && v <= 1, k + " = " + v);
            }
            assertTrue(s.get("one_off").getAsDouble() >= s.get("accuracy").getAsDouble());
        }

        // the heat maps as the issue names them, and the gallery among the face figures
        for (String f : new String[]{"baseline_heatmap.png", "finalmodel_heatmap.png", "faces/worst_mistakes.png"}) {
            BufferedImage img = ImageIO.read(runDir.resolve("figures").resolve(f).toFile());
            assertNotNull(img, f);
            assertTrue(img.getWidth() >= 600 && img.getHeight() >= 150, f + " " + img.getWidth() + "x" + img.getHeight());
        }
        String nb = Files.readString(runDir.resolve("notebooks/05_interpret.ipynb"));
        assertEquals(3, count(nb, "\"image/png\""), "two heat maps and the gallery shown inline");
        ExecutedNotebook executed = ExecutedNotebook.read(runDir.resolve("notebooks/05_interpret.ipynb"));
        List<JsonObject> comparison = executed.tables("models on the test images");
        assertEquals(1, comparison.size(), "the comparison is shown once, as an HTML table");
        String html = ExecutedNotebook.join(comparison.get(0).get("text/html")), text = ExecutedNotebook.join(comparison.get(0).get("text/plain"));
        for (String m : models.models().keySet()) {
            assertTrue(html.contains(">" + m) && text.contains(m), m + " in the comparison");
        }
        assertEquals(1, executed.tables("per-bin scores").size());
        assertTrue(nb.contains("age standing for each bin"), "05 shows the bins' ages");

        // what it found: the best model and the baseline as recorded, with their accuracy, and the best's hardest bins
        JsonObject chosen = run.getAsJsonObject("facts").getAsJsonObject("interpret_figures");
        String best = chosen.get("best").getAsString(), baseline = chosen.get("baseline").getAsString();
        assertEquals(models.best(), best);
        String found = executed.lastOutput();
        assertTrue(executed.lastSource().contains("Findings.interpret"), executed.lastSource());
        assertTrue(found.startsWith("Best model: " + best + ", accuracy " + Findings.pct(scores.getAsJsonObject(best).get("accuracy").getAsDouble())
                + " (95% interval "), found);
        if (!baseline.equals(best)) {
            assertTrue(found.contains("\nBaseline: " + baseline + ", accuracy "
                    + Findings.pct(scores.getAsJsonObject(baseline).get("accuracy").getAsDouble()) + " (95% interval "), found);
        }
        assertTrue(found.contains("\nHardest bins for " + best + " (lowest recall): "), found);
    }

    /** The status run.json gives a notebook, or "not run". */
    static String status(JsonObject run, String notebook) {
        for (var e : run.getAsJsonArray("notebooks")) {
            JsonObject nb = e.getAsJsonObject();
            if (nb.get("notebook").getAsString().equals(notebook)) return nb.get("status").getAsString();
        }
        return "not run";
    }

    static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) n++;
        return n;
    }
}
