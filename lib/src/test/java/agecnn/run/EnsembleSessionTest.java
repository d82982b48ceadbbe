package agecnn.run;

import agecnn.data.Split;
import agecnn.eval.Evaluation;
import agecnn.nets.SavedModel;
import agecnn.nets.weights.WeightFile;
import agecnn.tensors.PreparedData;
import agecnn.testing.TestWeights;
import agecnn.testing.TinyData;
import agecnn.train.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * 04's ensemble on a tiny run: two models trained for one epoch (the study's CNN at 32 px,
 * MobileNet at 48 px), their ensemble saved as models/ensemble.zip, best.zip chosen by the
 * validation accuracy, and no ensemble (a stale one removed) with ENSEMBLE=0.
 */
class EnsembleSessionTest {

    @TempDir
    Path tmp;

    private Map<String, String> settings(String ensemble) {
        Map<String, String> m = new HashMap<>(Map.of("MODELS", "baseline,mobilenet", "IMAGE_SIZE", "32", "TRANSFER_IMAGE_SIZE", "48", "TRAINABLE_BLOCKS", "1",
                "EPOCHS", "1", "BATCH_SIZE", "6", "WEIGHTS_DIR", TestWeights.file(WeightFile.MOBILENET_V1_025.fileName()).getParent().toString()));
        if (ensemble != null) m.put("ENSEMBLE", ensemble);
        return m;
    }

    @Test
    void theBestModelsMakeAnEnsembleThatIsSavedScoredAndChosenByValidationAccuracy() throws IOException {
        PreparedData data = TinyData.scrubbed(tmp, 3, 1, 1, 1, settings(null));
        assertEquals(2, data.settings().training().ensemble(), "two members unless ENSEMBLE says otherwise");
        TrainingSession session = TrainingSession.start(data.settings(), data, Progress.quiet());
        session.trainAll();
        Table t = session.ensemble();
        EnsembleScore e = session.ensembleScore().orElseThrow();
        assertEquals(java.util.Set.of("baseline", "mobilenet"), java.util.Set.copyOf(e.members()));
        List<String> rows = new java.util.ArrayList<>(e.members());
        rows.add(TrainingSession.ENSEMBLE);
        assertEquals(rows, t.stringColumn("model").asList(), "the members, then the ensemble");
        assertEquals(session.best().name(), e.members().get(0), "the best by validation accuracy first");
        assertEquals(48, e.imageSize(), "the larger member's input");

        Path file = session.modelFile(TrainingSession.ENSEMBLE);
        SavedModel saved = SavedModel.load(file);
        assertEquals(e.members(), saved.members().stream().map(m -> m.info().name()).toList());
        assertEquals(e.test().accuracy(), ((Number) saved.info().metrics().get("test_accuracy")).doubleValue(), 0.0);
        // 05 scores the file as 04 did (same images, same predict, same batches of the one prediction path)
        assertEquals(e.test().summary(), Evaluation.of(saved, data, Split.TEST).metrics().summary());
        assertEquals(t.toString(), session.ensemble().toString(), "asked again, the same ensemble");
        assertSame(e, session.ensembleScore().orElseThrow(), "made once per session");

        session.save();
        double bestVal = session.best().history().best().valAccuracy();
        String expected = e.valAccuracy() > bestVal ? TrainingSession.ENSEMBLE : session.best().name();
        assertEquals(expected, session.bestName());
        assertArrayEquals(Files.readAllBytes(session.modelFile(expected)), Files.readAllBytes(tmp.resolve("run/models/best.zip")));
        var metrics = com.google.gson.JsonParser.parseString(Files.readString(tmp.resolve("run/metrics.json"))).getAsJsonObject();
        assertEquals(java.util.Set.of("baseline", "mobilenet"), metrics.getAsJsonObject("models").keySet(), "models: the trained ones");
        assertEquals(e.test().accuracy(), metrics.getAsJsonObject("ensemble").get("test_accuracy").getAsDouble(), 0.0);
        assertEquals(expected, metrics.get("best_model").getAsString());

        // the same run folder with ENSEMBLE=0: the models resume from their checkpoints, no ensemble, the old file removed
        PreparedData same = TinyData.scrubbed(tmp, 3, 1, 1, 1, settings("0"));   // the same images and split, rewritten
        TrainingSession again = TrainingSession.start(same.settings(), same, Progress.quiet());
        again.trainAll();
        assertEquals(0, again.ensemble().rowCount());
        assertTrue(again.ensembleScore().isEmpty());
        assertFalse(Files.exists(file), "an ensemble.zip not made of this run's models is removed");
        again.save();
        assertEquals(again.best().name(), again.bestName());
    }

}
