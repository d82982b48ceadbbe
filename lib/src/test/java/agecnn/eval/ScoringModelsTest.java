package agecnn.eval;

import agecnn.data.AgeBins;
import agecnn.run.RunModels;
import agecnn.data.Split;
import agecnn.tensors.PreparedData;
import agecnn.testing.TinyData;
import agecnn.testing.TinyModels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A run's saved models scored on a tiny synthetic data set: the plumbing from artifact to
 * metrics, heat maps and gallery (untrained models; the numbers are tested in MetricsTest).
 */
class ScoringModelsTest {

    @TempDir
    Path tmp;
    PreparedData data;
    Path runDir;

    @BeforeEach
    void tinyData() throws IOException {
        data = TinyData.scrubbed(tmp, 2, 1, 0, 1, Map.of());
        runDir = tmp.resolve("run");
    }

    @Test
    void everyModelOfTheRunIsScoredAtItsOwnInputSize() throws IOException {
        TinyModels.save(runDir.resolve("models/baseline.zip"), "baseline", 12, 1);
        TinyModels.save(runDir.resolve("models/small-cnn.zip"), "small-cnn", 20, 2);
        TinyModels.save(runDir.resolve("models/best.zip"), "small-cnn", 20, 2);
        RunModels models = RunModels.in(runDir);
        assertEquals(List.of("baseline", "small-cnn"), List.copyOf(models.models().keySet()));
        assertEquals("small-cnn", models.best());
        assertEquals("baseline", models.baseline());

        for (var e : models.models().entrySet()) {
            Evaluation ev = Evaluation.of(agecnn.nets.SavedModel.load(e.getValue()), data, Split.TEST);
            assertEquals(AgeBins.COUNT, ev.metrics().count(), "one test image per bin");
            assertEquals(ev.info().imageSize(), data.cache(ev.info().imageSize()).imageSize());
            int sum = 0;
            for (int[] row : ev.metrics().confusion()) for (int c : row) sum += c;
            assertEquals(AgeBins.COUNT, sum);
            assertEquals(12, ev.binAgeTable().rowCount());
        }
        assertEquals(16, data.cache().imageSize(), "IMAGE_SIZE's cache is still the default one");

        // all at once, as 05 asks: the same scores, in the same order, best.zip's model as the best
        var scored = models.evaluate(data, Split.TEST);
        assertEquals(List.of("baseline", "small-cnn"), scored.all().stream().map(Evaluation::model).toList());
        assertEquals("small-cnn", scored.best().model());
        assertEquals("baseline", scored.baseline().model());
        for (Evaluation ev : scored.all()) {
            Evaluation alone = Evaluation.of(agecnn.nets.SavedModel.load(models.models().get(ev.model())), data, Split.TEST);
            assertEquals(alone.metrics().summary(), ev.metrics().summary(), ev.model());
        }
    }

    /** 05 takes an ensemble's file like any model's: listed, scored at its (largest) input size, marked when it is best.zip. */
    @Test
    void anEnsembleIsScoredBesideItsMembers() throws IOException {
        Path small = TinyModels.save(runDir.resolve("models/baseline.zip"), "baseline", 12, 1);
        Path large = TinyModels.save(runDir.resolve("models/small-cnn.zip"), "small-cnn", 20, 2);
        agecnn.nets.SavedModel ensemble = agecnn.nets.SavedModel.ensemble("ensemble",
                List.of(agecnn.nets.SavedModel.load(large), agecnn.nets.SavedModel.load(small)));
        ensemble.save(runDir.resolve("models/ensemble.zip"));
        ensemble.save(runDir.resolve("models/best.zip"));
        RunModels models = RunModels.in(runDir);
        assertEquals(List.of("baseline", "ensemble", "small-cnn"), List.copyOf(models.models().keySet()));
        assertEquals("ensemble", models.best());
        var scored = models.evaluate(data, Split.TEST);
        Evaluation e = scored.best();
        assertEquals("ensemble", e.model());
        assertEquals(20, e.info().imageSize());
        assertEquals(AgeBins.COUNT, e.metrics().count());
        var table = scored.comparison();
        assertEquals(3, table.rowCount());
        assertTrue(table.stringColumn("backbone").asList().contains("ensemble of small-cnn + baseline"), table.toString());
    }

    @Test
    void heatMapAndGalleryAreDrawn() throws IOException {
        Evaluation ev = Evaluation.of(agecnn.testing.TinyModels.random("baseline", 16, 3), data, Split.TEST);
        BufferedImage heat = ConfusionHeatmap.figure(ev.metrics(), "baseline");
        assertEquals(2 * ConfusionHeatmap.PANEL_WIDTH, heat.getWidth());
        assertEquals(ConfusionHeatmap.PANEL_HEIGHT, heat.getHeight());
        var cache = data.cache(16);
        List<Evaluation.Mistake> worst = ev.worstMistakes(6);
        BufferedImage gallery = MistakeGallery.draw(worst, 3, cache::image);
        int rows = Math.max(1, (worst.size() + 2) / 3);
        assertEquals(MistakeGallery.GAP + rows * (MistakeGallery.TILE + MistakeGallery.CAPTION + MistakeGallery.GAP),
                gallery.getHeight());
    }

    @Test
    void aRunWithoutModelsSaysToRun04First() {
        IOException e = assertThrows(IOException.class, () -> RunModels.in(runDir));
        assertTrue(e.getMessage().contains("04_model"), e.getMessage());
    }
}
