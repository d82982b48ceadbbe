package agecnn.run;

import agecnn.train.EpochFitter;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A run's {@code metrics.json} read back, as {@link TrainingSession#save} wrote it: the profile,
 * the number of test images, the best model and, per model, its test scores, epochs, training
 * time and the engine it trained on. Lets a Spark run (07_spark) be set beside a run that
 * trained the same models on this machine.
 */
public record RunMetrics(Path runDir, String profile, int testImages, String bestModel, Map<String, Model> models) {

    public static final String FILE = "metrics.json";

    /**
     * One model's entry.
     *
     * @param engine what it trained on ({@link EpochFitter#summary()}); null in runs made before engines were recorded,
     *               all of which trained on this machine
     */
    public record Model(double testAccuracy, double testOneOff, double testMaeYears, int epochs, double trainSeconds,
                        double imagesPerSecond, String engine) {

        /** Trained on this machine. */
        public boolean local() {
            return engine == null || engine.equals(EpochFitter.LOCAL);
        }
    }

    /** {@code runDir/metrics.json}; fails with the path when it is missing or not what a session writes. */
    public static RunMetrics read(Path runDir) throws IOException {
        Path file = runDir.resolve(FILE);
        try {
            JsonObject root = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            Map<String, Model> models = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("models").entrySet()) {
                JsonObject m = e.getValue().getAsJsonObject();
                models.put(e.getKey(), new Model(m.get("test_accuracy").getAsDouble(), m.get("test_one_off").getAsDouble(),
                        m.get("test_mae_years").getAsDouble(), m.get("epochs").getAsInt(), m.get("train_seconds").getAsDouble(),
                        m.get("images_per_second").getAsDouble(), m.has("engine") ? m.get("engine").getAsString() : null));
            }
            return new RunMetrics(runDir, root.get("profile").getAsString(), root.get("test_images").getAsInt(),
                    root.get("best_model").getAsString(), models);
        } catch (RuntimeException e) {
            throw new IOException(file + " is not a run's metrics (" + e + ")", e);
        }
    }

    /** Every model trained on this machine. */
    public boolean local() {
        return models.values().stream().allMatch(Model::local);
    }

    /**
     * The newest other run in this run's folder (by the time of its metrics.json) that trained
     * on this machine, with the same profile and number of test images and at least one model of
     * the same name; empty when there is none. A run whose metrics.json cannot be read is passed over.
     */
    public Optional<RunMetrics> newestLocalPeer() throws IOException {
        Path folder = runDir.toAbsolutePath().normalize().getParent();
        Path self = runDir.toAbsolutePath().normalize();
        RunMetrics found = null;
        FileTime newest = null;
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(folder, Files::isDirectory)) {
            for (Path other : runs) {
                if (other.toAbsolutePath().normalize().equals(self) || !Files.isRegularFile(other.resolve(FILE))) continue;
                RunMetrics m;
                try {
                    m = read(other);
                } catch (IOException e) {
                    continue;   // a broken or foreign run is no peer
                }
                if (!m.local() || !m.profile().equals(profile) || m.testImages() != testImages
                        || m.models().keySet().stream().noneMatch(models::containsKey)) {
                    continue;
                }
                FileTime t = Files.getLastModifiedTime(other.resolve(FILE));
                if (newest == null || t.compareTo(newest) > 0) {
                    newest = t;
                    found = m;
                }
            }
        }
        return Optional.ofNullable(found);
    }
}
