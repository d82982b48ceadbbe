package agecnn.spark;

import agecnn.interpret.Metrics;
import agecnn.model.ModelInfo;
import agecnn.model.SavedModel;
import agecnn.scrub.TensorCache;
import com.google.gson.GsonBuilder;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files a training leaves in its folder, as a local run leaves them, so that notebooks 05
 * and 06 take a Spark-trained model unchanged:
 * <pre>
 * checkpoints/epoch-NN.zip   after every epoch (written by {@link SparkTrainer})
 * history.csv                epoch,train_loss,val_loss,val_accuracy,seconds
 * metrics.json               the model, how it was trained, val and test scores ({@link Metrics#summary})
 * model.zip                  the {@link SavedModel}: network + {@link ModelInfo} (bin ages from the training ages)
 * </pre>
 * Merge note: when the local training engine (agecnn.model) lands, its writers replace this class.
 */
public final class TrainingOutputs {

    public static final String MODEL_FILE = "model.zip";
    public static final String HISTORY_FILE = "history.csv";
    public static final String METRICS_FILE = "metrics.json";
    public static final String CHECKPOINTS = "checkpoints";

    private TrainingOutputs() {}

    /**
     * Scores the trained network on val and test, then writes history, metrics and the saved model
     * into {@code dir}. Returns the saved model.
     *
     * @param training how it was trained (engine, master, epochs, ...), kept in the model's info and metrics.json
     */
    public static SavedModel write(Path dir, SparkTrainer.Result result, String name, String backbone, TensorCache cache,
                                   SplitPart train, SplitPart val, SplitPart test, Map<String, Object> training)
            throws IOException {
        Files.createDirectories(dir);
        double[] binAges = Metrics.binAges(train.ages());
        Metrics valMetrics = score(result, cache, val, binAges);
        Metrics testMetrics = score(result, cache, test, binAges);
        SavedModel model = new SavedModel(result.net(),
                ModelInfo.of(name, backbone, cache.imageSize(), binAges, training, testMetrics.summary()));
        model.save(dir.resolve(MODEL_FILE));
        writeHistory(dir.resolve(HISTORY_FILE), result.history());

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("model", name);
        metrics.put("backbone", backbone);
        metrics.put("image_size", cache.imageSize());
        metrics.put("training", training);
        metrics.put("val", valMetrics.summary());
        metrics.put("test", testMetrics.summary());
        Files.writeString(dir.resolve(METRICS_FILE),
                new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(metrics));
        return model;
    }

    /** Scores of the trained network on one part of the split. */
    public static Metrics score(SparkTrainer.Result result, TensorCache cache, SplitPart part, double[] binAges) {
        float[][] probs = SparkTrainer.probabilities(result.net(), SparkData.batchesInOrder(cache, part, 64));
        return new Metrics(part.bins(), part.ages(), probs, binAges);
    }

    /** The history as a table: epoch, train loss, val loss, val accuracy, seconds. */
    public static Table historyTable(List<SparkTrainer.EpochRecord> history) {
        Table t = Table.create("history", IntColumn.create("epoch"), DoubleColumn.create("train loss"),
                DoubleColumn.create("val loss"), DoubleColumn.create("val accuracy"), DoubleColumn.create("seconds"));
        for (SparkTrainer.EpochRecord r : history) {
            t.intColumn("epoch").append(r.epoch());
            t.doubleColumn("train loss").append(round(r.trainLoss(), 4));
            t.doubleColumn("val loss").append(round(r.valLoss(), 4));
            t.doubleColumn("val accuracy").append(round(r.valAccuracy(), 4));
            t.doubleColumn("seconds").append(round(r.seconds(), 1));
        }
        return t;
    }

    private static double round(double x, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }

    static void writeHistory(Path csv, List<SparkTrainer.EpochRecord> history) throws IOException {
        StringBuilder sb = new StringBuilder("epoch,train_loss,val_loss,val_accuracy,seconds\n");
        for (SparkTrainer.EpochRecord r : history) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.3f%n", r.epoch(), r.trainLoss(), r.valLoss(), r.valAccuracy(), r.seconds()));
        }
        Files.writeString(csv, sb);
    }
}
