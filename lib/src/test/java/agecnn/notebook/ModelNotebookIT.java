package agecnn.notebook;

import agecnn.config.Settings;
import agecnn.config.Profile;
import agecnn.data.Split;
import agecnn.nets.SavedModel;
import agecnn.run.ScoreTable;
import agecnn.run.TrainingSession;
import agecnn.tensors.PreparedData;
import agecnn.tensors.TensorCache;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/** What notebook 04 produced in the shared smoke run ({@link SmokeRun}): models, scores, metrics.json, figures, histories. */
class ModelNotebookIT {

    static final Path RUN_DIR = SmokeRun.RUN_DIR;
    static Settings settings;
    static JsonObject metrics;

    @BeforeAll
    static void runNotebooks() throws Exception {
        SmokeRun.get();
        settings = SmokeRun.settings();
        metrics = new JsonParser().parse(Files.readString(RUN_DIR.resolve("metrics.json"))).getAsJsonObject();
    }

    static Set<String> trained() {
        return new TreeSet<>(metrics.getAsJsonObject("models").keySet());
    }

    /** The trained model with the best validation accuracy (the earlier in MODELS among equals). */
    static String bestTrained() {
        String best = null;
        for (String m : Profile.SMOKE.training.models()) {
            double v = metrics.getAsJsonObject("models").getAsJsonObject(m).get("val_accuracy").getAsDouble();
            if (best == null || v > metrics.getAsJsonObject("models").getAsJsonObject(best).get("val_accuracy").getAsDouble()) best = m;
        }
        return best;
    }

    /**
     * The smoke run trains two models and ENSEMBLE is 2 by default: their ensemble is saved with
     * both as members, at the larger input size, its scores in metrics.json and in its file, and it
     * is best.zip exactly when its validation accuracy is above every model's.
     */
    @Test
    void theEnsembleOfBothModelsIsSavedAndScored() throws IOException {
        JsonObject e = metrics.getAsJsonObject(TrainingSession.ENSEMBLE);
        assertNotNull(e, "metrics.json has the ensemble: " + metrics.keySet());
        List<String> members = new java.util.ArrayList<>();
        e.getAsJsonArray("members").forEach(m -> members.add(m.getAsString()));
        assertEquals(trained(), new TreeSet<>(members));
        assertEquals(bestTrained(), members.get(0), "the best by validation accuracy first");
        SavedModel model = SavedModel.load(RUN_DIR.resolve("models/ensemble.zip"));
        assertTrue(model.isEnsemble());
        assertEquals(members, model.members().stream().map(m -> m.info().name()).toList());
        int largest = members.stream().mapToInt(m -> metrics.getAsJsonObject("models").getAsJsonObject(m).get("input_px").getAsInt()).max().orElseThrow();
        assertEquals(largest, model.info().imageSize());
        assertEquals(largest, e.get("input_px").getAsInt());
        assertEquals(e.get("test_accuracy").getAsDouble(), ((Number) model.info().metrics().get("test_accuracy")).doubleValue(), 1e-9);
        for (String k : List.of("test_accuracy", "test_one_off", "val_accuracy")) {
            double v = e.get(k).getAsDouble();
            assertTrue(v >= 0 && v <= 1, k + " = " + v);
        }
        double bestVal = metrics.getAsJsonObject("models").getAsJsonObject(bestTrained()).get("val_accuracy").getAsDouble();
        assertEquals(e.get("val_accuracy").getAsDouble() > bestVal ? TrainingSession.ENSEMBLE : bestTrained(),
                metrics.get("best_model").getAsString());
    }

    @Test
    void everySmokeModelIsTrainedAndScoredInMetricsJson() {
        assertEquals(new TreeSet<>(Profile.SMOKE.training.models()), trained(), "the smoke profile's models, all with weights here");
        for (String m : trained()) {
            JsonObject o = metrics.getAsJsonObject("models").getAsJsonObject(m);
            for (String k : List.of("test_accuracy", "test_one_off", "val_accuracy", "train_accuracy")) {
                double v = o.get(k).getAsDouble();
                assertTrue(v >= 0 && v <= 1, m + " " + k + " = " + v);
            }
            assertTrue(o.get("test_one_off").getAsDouble() >= o.get("test_accuracy").getAsDouble(), m);
            assertTrue(o.get("test_mae_years").getAsDouble() > 0, m);
            for (String k : List.of("test_accuracy", "test_one_off", "test_mae_years")) {
                var ci = o.getAsJsonArray(k + "_ci95");
                double v = o.get(k).getAsDouble();
                assertTrue(ci.size() == 2 && ci.get(0).getAsDouble() <= v + 1e-4 && v - 1e-4 <= ci.get(1).getAsDouble(), m + " " + k + " " + ci);
            }
            assertTrue(o.get("test_loss").getAsDouble() > 0, m);
            assertTrue(o.get("train_seconds").getAsDouble() > 0 && o.get("images_per_second").getAsDouble() > 0, m);
            int epochs = o.get("epochs").getAsInt();
            assertTrue(epochs >= 1 && epochs <= Profile.SMOKE.training.epochs(), m + " ran " + epochs + " epochs");
            assertEquals(Profile.SMOKE.balancedTest * 12, o.get("test_images").getAsInt());
        }
        String best = metrics.get("best_model").getAsString();
        assertTrue(trained().contains(best) || best.equals(TrainingSession.ENSEMBLE), best);
    }

    @Test
    void savedModelsLoadAndPredictProbabilities() throws IOException {
        PreparedData data = PreparedData.load(settings);
        List<String> test = data.split().files(Split.TEST);
        for (String m : trained()) {
            SavedModel model = SavedModel.load(RUN_DIR.resolve("models").resolve(m + ".zip"));
            assertEquals(m, model.info().name());
            assertEquals(metrics.getAsJsonObject("models").getAsJsonObject(m).get("input_px").getAsInt(), model.info().imageSize());
            assertEquals(12, model.info().binAges().length);
            assertEquals(metrics.getAsJsonObject("models").getAsJsonObject(m).get("test_accuracy").getAsDouble(),
                    ((Number) model.info().metrics().get("test_accuracy")).doubleValue(), 1e-9);
            TensorCache cache = data.cache(model.info().imageSize());
            int[] idx = test.stream().limit(5).mapToInt(cache::indexOf).toArray();
            INDArray p = model.predict(cache.batch(idx));
            assertArrayEquals(new long[] {5, 12}, p.shape());
            for (int i = 0; i < 5; i++) assertEquals(1.0, p.getRow(i).sumNumber().doubleValue(), 1e-4, m + " row " + i);
        }
        assertArrayEquals(Files.readAllBytes(RUN_DIR.resolve("models").resolve(metrics.get("best_model").getAsString() + ".zip")),
                Files.readAllBytes(RUN_DIR.resolve("models/best.zip")));
    }

    @Test
    void scoresTableHasOneRowPerModel() throws IOException {
        List<String> lines = Files.readAllLines(RUN_DIR.resolve("scores.csv"));
        assertEquals(String.join(",", ScoreTable.COLUMNS), lines.get(0));
        assertEquals(trained().size() + 1, lines.size());
        for (String m : trained()) assertTrue(lines.stream().anyMatch(l -> l.startsWith(m + ",")), m);
    }

    @Test
    void historiesHaveOneRowPerEpochRun() throws IOException {
        for (String m : trained()) {
            List<String> rows = Files.readAllLines(RUN_DIR.resolve("checkpoints").resolve(m).resolve("history.csv"));
            assertEquals(metrics.getAsJsonObject("models").getAsJsonObject(m).get("epochs").getAsInt() + 1, rows.size(), m);
            assertTrue(Files.isRegularFile(RUN_DIR.resolve("checkpoints").resolve(m).resolve("best.zip")), m);
        }
    }

    @Test
    void figuresAreSavedAndShownWithProgressInTheNotebook() throws IOException {
        List<String> figures = new java.util.ArrayList<>(List.of("scores_plot.png"));
        for (String m : trained()) figures.add(m + "_scores.png");
        for (String f : figures) {
            BufferedImage img = ImageIO.read(RUN_DIR.resolve("figures").resolve(f).toFile());
            assertNotNull(img, f);
            assertTrue(img.getWidth() >= 400 && img.getHeight() >= 300, f);
        }
        String nb = Files.readString(RUN_DIR.resolve("notebooks/04_model.ipynb"));
        JsonObject json = new JsonParser().parse(nb).getAsJsonObject();
        long pngs = 0;
        for (JsonElement cell : json.getAsJsonArray("cells")) {
            JsonObject c = cell.getAsJsonObject();
            if (!c.has("outputs")) continue;
            for (JsonElement o : c.getAsJsonArray("outputs")) {
                JsonObject out = o.getAsJsonObject();
                if (out.has("data") && out.getAsJsonObject("data").has("image/png")) pngs++;
            }
        }
        assertEquals(figures.size(), pngs, "each figure shown once");
        assertTrue(nb.contains("images/s"), "training progress is shown");
        ExecutedNotebook executed = ExecutedNotebook.read(RUN_DIR.resolve("notebooks/04_model.ipynb"));
        for (String table : List.of("against the targets", "scores", "models", "class weights", "ensemble")) {
            assertEquals(1, executed.tables(table).size(), "the " + table + " table is shown once, as HTML");
        }
        assertTrue(Files.readString(RUN_DIR.resolve("progress.log")).contains("[baseline] epoch 1/"));
    }

    @Test
    void endsWithEachModelsScoresAndTheBest() throws IOException {
        Path csv = RUN_DIR.resolve("scores.csv");
        Table scores = Table.read().csv(CsvReadOptions.builder(csv.toFile())
                .columnTypes(ScoreTable.table(List.of()).typeArray()).tableName("scores"));
        String best = metrics.get("best_model").getAsString(), trainedBest = bestTrained();
        JsonObject e = metrics.getAsJsonObject(TrainingSession.ENSEMBLE);
        List<String> members = new java.util.ArrayList<>();
        e.getAsJsonArray("members").forEach(m -> members.add(m.getAsString()));
        NotebooksIT.assertEndsWithFindings(RUN_DIR, "04_model", Findings.training(scores, trainedBest, best.equals(trainedBest)) + "\n"
                + Findings.ensemble(members, e.get("input_px").getAsInt(), e.get("val_accuracy").getAsDouble(), e.get("test_accuracy").getAsDouble(),
                e.get("test_one_off").getAsDouble(), e.get("test_mae_years").getAsDouble(), best.equals(TrainingSession.ENSEMBLE), trainedBest));
    }

    @Test
    void runJsonRecordsTheModels() throws IOException {
        JsonObject run = new JsonParser().parse(Files.readString(RUN_DIR.resolve("run.json"))).getAsJsonObject();
        JsonObject model = run.getAsJsonObject("facts").getAsJsonObject("model");
        assertEquals(metrics.get("best_model").getAsString(), model.get("best").getAsString());
        for (String m : trained()) assertTrue(model.getAsJsonObject(m).has("test_accuracy"), m);
    }
}
