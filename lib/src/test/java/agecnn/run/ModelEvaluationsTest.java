package agecnn.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import agecnn.config.RunRecord;
import agecnn.eval.Evaluation;
import agecnn.testing.Evaluations;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

/** Which scored model is the best and which the baseline, the comparison, and the facts kept. */
class ModelEvaluationsTest {

    @TempDir
    Path runDir;

    final Evaluation first = Evaluations.predicting("mobilenet", 2, b -> b);
    final Evaluation base = Evaluations.predicting("baseline", 2, b -> 0);
    final Evaluation third = Evaluations.predicting("squeezenet", 2, b -> Math.min(11, b + 1));

    @Test
    void theNamedModelsAreTheBestAndTheBaseline() {
        ModelEvaluations m = new ModelEvaluations(List.of(first, base, third), "squeezenet", "baseline");
        assertSame(third, m.best());
        assertSame(base, m.baseline());
        assertEquals(List.of(first, base, third), m.all());
        assertEquals(first + "\n" + base + "\n" + third + "\nbest: squeezenet, baseline: baseline", m.toString());
    }

    @Test
    void withoutBestZipOrABaselineTheFirstModelStandsIn() {
        ModelEvaluations m = new ModelEvaluations(List.of(first, third), null, null);
        assertSame(first, m.best());
        assertSame(first, m.baseline());
        // nobody is marked as saved best
        Table t = m.comparison();
        assertEquals(List.of("mobilenet", "squeezenet"), t.stringColumn("model").asList());
        assertThrows(IllegalArgumentException.class, () -> new ModelEvaluations(List.of(first), "vgg16", null));
        assertThrows(IllegalArgumentException.class, () -> new ModelEvaluations(List.of(), null, null));
    }

    @Test
    void theComparisonMarksTheModelSavedAsBest() {
        Table t = new ModelEvaluations(List.of(first, base), "mobilenet", "baseline").comparison();
        assertEquals(List.of("mobilenet *", "baseline"), t.stringColumn("model").asList());
        assertEquals(100.0, t.doubleColumn("accuracy %").getDouble(0), 1e-9);
    }

    @Test
    void theFactsAreEachModelsScoresThenTheHeatMapsTheBestAndTheBaseline() throws IOException {
        new ModelEvaluations(List.of(first, base), "mobilenet", "baseline")
                .record(new RunRecord(runDir), runDir.resolve("figures/baseline_heatmap.png"), runDir.resolve("figures/finalmodel_heatmap.png"));
        JsonObject facts = JsonParser.parseString(Files.readString(runDir.resolve("facts.json"))).getAsJsonObject();
        assertEquals(List.of("interpret", "interpret_figures"), List.copyOf(facts.keySet()));
        JsonObject interpret = facts.getAsJsonObject("interpret");
        assertEquals(List.of("mobilenet", "baseline"), List.copyOf(interpret.keySet()));
        assertEquals(1.0, interpret.getAsJsonObject("mobilenet").get("accuracy").getAsDouble(), 1e-12);
        assertEquals(base.metrics().summary().keySet(), interpret.getAsJsonObject("baseline").keySet());
        JsonObject figures = facts.getAsJsonObject("interpret_figures");
        assertEquals(List.of("heatmaps", "best", "baseline"), List.copyOf(figures.keySet()));
        assertEquals("[\"baseline_heatmap.png\",\"finalmodel_heatmap.png\"]", figures.get("heatmaps").toString());
        assertEquals("mobilenet", figures.get("best").getAsString());
        assertEquals("baseline", figures.get("baseline").getAsString());
    }
}
