package agecnn.testdata;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real UTKFace files for tests, read from where this repository's CI lays the data
 * ({@code ../shared/data/utkface}) or from {@code UTKFACE_DIR}. Tests that need them are
 * skipped, saying why, where neither exists. Files are copied into a test's temp folder,
 * never into the project.
 */
public final class RealFaces {

    private RealFaces() {}

    public static Path dir() {
        String env = System.getenv("UTKFACE_DIR");
        Path project = Paths.get(System.getProperty("project.dir", ".")).toAbsolutePath();
        Path dir = env != null && !env.isBlank() ? Paths.get(env) : project.resolve("../shared/data/utkface").normalize();
        Assumptions.assumeTrue(Files.isDirectory(dir), "no UTKFace data at " + dir + " (set UTKFACE_DIR)");
        return dir;
    }

    /** Copies the named files (or the first n sorted files when names is empty) into target. */
    public static List<String> copy(Path target, int n, String... names) throws IOException {
        Path dir = dir();
        List<String> files;
        if (names.length > 0) {
            files = List.of(names);
        } else {
            try (Stream<Path> s = Files.list(dir)) {
                files = s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".jpg")).sorted().limit(n).toList();
            }
        }
        Files.createDirectories(target);
        for (String f : files) Files.copy(dir.resolve(f), target.resolve(f));
        return files;
    }
}
