package agecnn.testing;

import agecnn.config.Settings;
import agecnn.nets.weights.WeightFile;
import agecnn.nets.weights.WeightStore;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The real pretrained files (backbone weights, the face detector's model), when this machine has them. */
public final class TestWeights {

    private TestWeights() {}

    /**
     * WEIGHTS_DIR when set, else the CI layout's ../shared/weights beside the project root (where
     * {@code ./agecnn} points WEIGHTS_DIR too when the project has no data/weights).
     */
    public static Path dir() {
        String env = System.getenv("WEIGHTS_DIR");
        if (env != null && !env.isBlank()) return Path.of(env);
        return project().resolve("../shared/weights").normalize();
    }

    /** The named file in {@link #dir()}; skips the test when it is not there. */
    public static Path file(String name) {
        Path p = dir().resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(p), "no weights file " + p);
        return p;
    }

    /**
     * A file the project knows the source of, found as a run finds it ({@link WeightStore#of}):
     * in the weights folder, else in the project's download cache, else downloaded there; skips
     * the test, saying why, when none of these works (no network).
     */
    public static Path fetched(WeightFile file) {
        try {
            return WeightStore.of(Settings.of(Map.of("PROJECT_DIR", project().toString(), "WEIGHTS_DIR", dir().toString()))).resolve(file);
        } catch (IOException e) {
            Assumptions.abort("cannot have " + file.fileName() + ": " + e.getMessage());
            return null;
        }
    }

    private static Path project() {
        return Path.of(System.getProperty("project.dir", ".")).toAbsolutePath().normalize();
    }
}
