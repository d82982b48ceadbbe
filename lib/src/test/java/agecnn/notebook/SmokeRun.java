package agecnn.notebook;

import agecnn.config.Settings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every notebook executed once with PROFILE=smoke through {@code ./agecnn run} (the real
 * kernel and Jupyter, a real subset of UTKFace), shared by the integration tests that check
 * what each notebook produced. Runs at most once per test JVM.
 */
public final class SmokeRun {

    public static final Path PROJECT = Path.of(System.getProperty("project.dir", ".")).toAbsolutePath().normalize();
    public static final String RUN_ID = "it-smoke";
    public static final Path RUN_DIR = PROJECT.resolve("reports").resolve(RUN_ID);
    public static final Path WORK = PROJECT.resolve("data/work/smoke");

    private static ProcessRun run;
    private static long startedAt;

    private SmokeRun() {}

    /**
     * Runs the notebooks if this JVM has not yet; fails when the run failed, with its output. The
     * run folder of an earlier test run is removed first: otherwise 04 would resume its
     * checkpoints, made by other code, and what the tests check (e.g. {@link CrashResumeIT}, which
     * takes this run as its uninterrupted reference) would not be this code's work.
     */
    public static synchronized ProcessRun get() throws Exception {
        if (run == null) {
            startedAt = System.currentTimeMillis();
            deleteTree(RUN_DIR);
            run = ProcessRun.of(PROJECT, Map.of("PROFILE", "smoke", "RUN_ID", RUN_ID), 25, List.of("./agecnn", "run"));
            System.out.println(run.output());
        }
        assertEquals(0, run.exitCode(), run.output());
        return run;
    }

    /** Deletes a folder and everything in it, if it is there. */
    static void deleteTree(Path dir) throws java.io.IOException {
        if (!java.nio.file.Files.exists(dir)) return;
        try (var paths = java.nio.file.Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) java.nio.file.Files.delete(p);
        }
    }

    /** When the run started (ms since the epoch). */
    public static long startedAt() {
        return startedAt;
    }

    /** The parameters the notebooks saw. */
    public static Settings settings() {
        return Settings.of(Map.of("PROFILE", "smoke", "PROJECT_DIR", PROJECT.toString(), "RUN_DIR", RUN_DIR.toString()));
    }
}
