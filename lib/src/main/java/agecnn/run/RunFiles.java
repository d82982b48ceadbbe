package agecnn.run;

import agecnn.eval.Metrics;
import agecnn.train.EpochStats;
import com.google.gson.GsonBuilder;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files a training run leaves in its folder, and their layout: {@code models/<name>.zip}
 * (and {@code models/best.zip}), {@code scores.csv}, {@code metrics.json}. The session decides
 * what goes in; this class alone knows where and in which format. Each is written whole or not
 * at all (a temporary file renamed into place), so a killed run never leaves half of one.
 */
public final class RunFiles {

    private final Path runDir;

    public RunFiles(Path runDir) {
        this.runDir = runDir;
    }

    public Path runDir() { return runDir; }

    /** A trained model's file, {@code models/<name>.zip}. */
    public Path model(String name) {
        return runDir.resolve("models").resolve(name + ".zip");
    }

    /** {@code models/best.zip}, the model the predictor takes by default. */
    public Path best() {
        return runDir.resolve("models").resolve("best.zip");
    }

    public Path scoresCsv() { return runDir.resolve("scores.csv"); }

    public Path metricsJson() { return runDir.resolve("metrics.json"); }

    /** Writes the scores table as {@code scores.csv}. */
    public void saveScores(Table scores) throws IOException {
        replace(scoresCsv(), tmp -> ScoreTable.saveCsv(scores, tmp));
    }

    /** Copies the named model's file to {@code models/best.zip}. */
    public void saveBest(String name) throws IOException {
        replace(best(), tmp -> Files.copy(model(name), tmp, StandardCopyOption.REPLACE_EXISTING));
    }

    /**
     * Writes {@code metrics.json}: the run's id, profile, best model, test images, one entry per
     * model ({@link #metrics}) and the models that could not be trained, with why; returns its path.
     */
    public Path saveMetrics(String profile, String bestModel, int testImages, Map<String, Object> models,
                            Map<String, String> notTrained) throws IOException {
        return saveMetrics(profile, bestModel, testImages, models, null, notTrained);
    }

    /**
     * The same with the ensemble's entry ({@link #metrics(EnsembleScore)}) under {@code ensemble},
     * beside {@code models} (which holds the trained models only), when there is one.
     */
    public Path saveMetrics(String profile, String bestModel, int testImages, Map<String, Object> models, Map<String, Object> ensemble,
                            Map<String, String> notTrained) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("run_id", runDir.getFileName().toString());
        root.put("profile", profile);
        root.put("best_model", bestModel);
        root.put("test_images", testImages);
        root.put("models", models);
        if (ensemble != null) root.put("ensemble", ensemble);
        if (!notTrained.isEmpty()) root.put("not_trained", notTrained);
        Path json = metricsJson();
        String text = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(root);
        replace(json, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
        return json;
    }

    /** Writes a file's content. */
    @FunctionalInterface
    private interface Writer {
        void write(Path file) throws IOException;
    }

    /**
     * Writes {@code file} under a temporary name beside it ({@code <name>.tmp}) and renames it
     * into place, so a run killed while writing leaves the previous file whole (or none), never
     * a half-written one; a temporary file left by such a run is overwritten by the next.
     */
    private static void replace(Path file, Writer writer) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        writer.write(tmp);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** One model's entry in metrics.json (and in its saved info), without the engine. */
    public static Map<String, Object> metrics(ModelScore s) {
        return metrics(s, null);
    }

    /** The same, with the engine it was trained on ({@link EpochFitter#summary()}) when known. */
    public static Map<String, Object> metrics(ModelScore s, String engine) {
        EpochStats best = s.history().best();
        Map<String, Object> m = new LinkedHashMap<>();
        putTestScores(m, s.test(), s.testLoss());
        m.put("val_accuracy", best.valAccuracy());
        m.put("val_loss", best.valLoss());
        m.put("train_accuracy", best.trainAccuracy());
        m.put("train_loss", best.trainLoss());
        m.put("epochs", s.history().size());
        m.put("best_epoch", best.epoch());
        m.put("stop_reason", s.stopReason());
        m.put("train_seconds", s.seconds());
        m.put("images_per_second", s.imagesPerSecond());
        m.put("input_px", s.imageSize());
        m.put("backbone", s.title());
        if (engine != null) m.put("engine", engine);
        return m;
    }

    /** The test scores of a model or an ensemble, with how far each could move on another test set drawn the same way. */
    private static void putTestScores(Map<String, Object> m, Metrics test, double testLoss) {
        m.put("test_accuracy", test.accuracy());
        m.put("test_one_off", test.oneOffAccuracy());
        m.put("test_mae_years", test.maeYears());
        Metrics.Intervals ci = test.intervals95();
        m.put("test_accuracy_ci95", interval(ci.accuracy()));
        m.put("test_one_off_ci95", interval(ci.oneOff()));
        m.put("test_mae_years_ci95", interval(ci.maeYears()));
        m.put("test_loss", testLoss);
        m.put("test_macro_f1", test.macroF1());
        m.put("test_images", test.count());
    }

    /** The ensemble's entry in metrics.json (and in its saved info): its members, its validation and test scores. */
    public static Map<String, Object> metrics(EnsembleScore s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("members", s.members());
        putTestScores(m, s.test(), s.testLoss());
        m.put("val_accuracy", s.valAccuracy());
        m.put("val_loss", s.valLoss());
        m.put("score_seconds", s.seconds());
        m.put("input_px", s.imageSize());
        m.put("backbone", "ensemble of " + String.join(" + ", s.members()));
        return m;
    }

    private static List<Double> interval(Metrics.Interval i) {
        return List.of(Metrics.round(i.low(), 4), Metrics.round(i.high(), 4));
    }

}
