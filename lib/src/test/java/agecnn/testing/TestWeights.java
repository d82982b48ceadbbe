package agecnn.testing;

import org.junit.jupiter.api.Assumptions;

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
}
