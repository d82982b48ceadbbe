package agecnn.testing;

import com.google.gson.Gson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** Run folders with a metrics.json of the keys TrainingSession.save writes, for tests that read runs back. */
public final class RunFolders {

    private RunFolders() {}

    /** One model's entry: test accuracy, one-off, MAE, epochs, seconds, images/s and engine (left out when null). */
    public static Map<String, Object> model(double accuracy, double oneOff, double mae, int epochs, double seconds, double perSecond,
                                            String engine) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test_accuracy", accuracy);
        m.put("test_one_off", oneOff);
        m.put("test_mae_years", mae);
        m.put("epochs", epochs);
        m.put("train_seconds", seconds);
        m.put("images_per_second", perSecond);
        if (engine != null) m.put("engine", engine);
        return m;
    }

    /** {@code runDir/metrics.json} with these models (the first is the best), last modified at {@code minute} minutes past the epoch. */
    public static Path write(Path runDir, String profile, int testImages, Map<String, Map<String, Object>> models, int minute)
            throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("run_id", runDir.getFileName().toString());
        root.put("profile", profile);
        root.put("best_model", models.keySet().iterator().next());
        root.put("test_images", testImages);
        root.put("models", models);
        Path file = Files.createDirectories(runDir).resolve("metrics.json");
        Files.writeString(file, new Gson().toJson(root), StandardCharsets.UTF_8);
        Files.setLastModifiedTime(file, FileTime.fromMillis(minute * 60_000L));
        return runDir;
    }
}
