package agecnn.testing;

import agecnn.nets.weights.WeightFile;
import agecnn.nets.weights.WeightStore;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** The real pretrained weight files, when this machine has them. */
public final class TestWeights {

    private TestWeights() {}

    /** WEIGHTS_DIR when set, else the CI layout's ../shared/weights beside the project root. */
    public static Path dir() {
        String env = System.getenv("WEIGHTS_DIR");
        if (env != null && !env.isBlank()) return Paths.get(env);
        return Paths.get(System.getProperty("project.dir", ".")).toAbsolutePath().resolve("../shared/weights").normalize();
    }

    /** The named file; skips the test when it is not here. */
    public static Path file(String name) {
        Path p = dir().resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(p), "no weights file " + p);
        return p;
    }

    /**
     * A file the project knows the source of: from the weights folder, else from the project's
     * download cache ({@code data/cache/weights}, where runs keep it), else downloaded there;
     * skips the test, saying why, when none of these works (no network).
     */
    public static Path fetched(WeightFile file) {
        Path project = Paths.get(System.getProperty("project.dir", ".")).toAbsolutePath();
        try {
            return new WeightStore(dir(), project.resolve("data/cache/weights")).resolve(file);
        } catch (IOException e) {
            Assumptions.abort("cannot have " + file.fileName() + ": " + e.getMessage());
            return null;
        }
    }
}
