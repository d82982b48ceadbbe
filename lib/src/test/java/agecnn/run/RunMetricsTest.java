package agecnn.run;

import static agecnn.testing.RunFolders.model;
import static agecnn.testing.RunFolders.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agecnn.train.EpochFitter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.json read back, and the newest local run beside a Spark run. */
class RunMetricsTest {

    static final String SPARK = "spark (master local[2], workers 2, averaging_frequency 5)";

    @TempDir
    Path reports;

    @Test
    void readsWhatASessionWrites() throws IOException {
        Path run = write(reports.resolve("r1"), "smoke", 24,
                Map.of("baseline", model(0.25, 0.5, 12.5, 3, 40.0, 90.0, EpochFitter.LOCAL)), 1);
        RunMetrics m = RunMetrics.read(run);
        assertEquals("smoke", m.profile());
        assertEquals(24, m.testImages());
        assertEquals("baseline", m.bestModel());
        RunMetrics.Model b = m.models().get("baseline");
        assertEquals(new RunMetrics.Model(0.25, 0.5, 12.5, 3, 40.0, 90.0, EpochFitter.LOCAL), b);
        assertTrue(b.local() && m.local());
        // runs made before engines were recorded all trained here
        assertNull(RunMetrics.read(write(reports.resolve("old"), "smoke", 24,
                Map.of("baseline", model(0.25, 0.5, 12.5, 3, 40.0, 90.0, null)), 1)).models().get("baseline").engine());
        assertTrue(RunMetrics.read(reports.resolve("old")).local());
        assertFalse(new RunMetrics.Model(0, 0, 0, 1, 1, 1, SPARK).local());
    }

    @Test
    void aMissingOrForeignFileSaysWhich() throws IOException {
        IOException missing = assertThrows(IOException.class, () -> RunMetrics.read(reports.resolve("none")));
        assertTrue(missing.getMessage().contains("metrics.json"), missing.getMessage());
        Files.createDirectories(reports.resolve("bad"));
        Files.writeString(reports.resolve("bad/metrics.json"), "{\"profile\": \"smoke\"}");
        IOException bad = assertThrows(IOException.class, () -> RunMetrics.read(reports.resolve("bad")));
        assertTrue(bad.getMessage().contains("bad"), bad.getMessage());
    }

    @Test
    void theNewestLocalRunOfTheSameProfileAndTestSetIsThePeer() throws IOException {
        var baseline = model(0.3, 0.6, 10, 2, 10, 100, EpochFitter.LOCAL);
        Path spark = write(reports.resolve("spark-1"), "smoke", 24, Map.of("baseline", model(0.2, 0.5, 11, 2, 30, 40, SPARK)), 50);
        write(reports.resolve("local-old"), "smoke", 24, Map.of("baseline", baseline), 10);
        write(reports.resolve("local-new"), "smoke", 24, Map.of("baseline", baseline), 20);
        // newer, but not a peer: another profile, another test set, another model, Spark-trained, unreadable
        write(reports.resolve("default-run"), "default", 24, Map.of("baseline", baseline), 30);
        write(reports.resolve("bigger-test"), "smoke", 1200, Map.of("baseline", baseline), 31);
        write(reports.resolve("other-model"), "smoke", 24, Map.of("mobilenet", baseline), 32);
        write(reports.resolve("spark-0"), "smoke", 24, Map.of("baseline", model(0.2, 0.5, 11, 2, 30, 40, SPARK)), 33);
        Files.createDirectories(reports.resolve("broken"));
        Files.writeString(reports.resolve("broken/metrics.json"), "not json");
        Files.createDirectories(reports.resolve("no-metrics"));

        RunMetrics peer = RunMetrics.read(spark).newestLocalPeer().orElseThrow();
        assertEquals("local-new", peer.runDir().getFileName().toString());

        for (String r : List.of("local-old", "local-new")) Files.delete(reports.resolve(r).resolve("metrics.json"));
        assertTrue(RunMetrics.read(spark).newestLocalPeer().isEmpty());
    }
}
