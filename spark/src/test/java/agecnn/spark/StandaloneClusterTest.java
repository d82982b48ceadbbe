package agecnn.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code ./agecnn cluster stop} may end: only the processes of its PID file that are still
 * Spark daemons. (Starting a real cluster, and stopping it, is ClusterIT's, in the spark-app module.)
 */
class StandaloneClusterTest {

    @TempDir
    Path dir;

    @Test
    void stopLeavesAPidThatIsNoSparkDaemonAlone() throws Exception {
        // a PID file whose worker's PID now belongs to another process (a PID reused after a reboot, say)
        Process other = new ProcessBuilder("sleep", "60").start();
        try {
            Files.writeString(dir.resolve(StandaloneCluster.PIDS), "master 999999999\nworker-1 " + other.pid() + "\n");
            assertEquals(List.of(), StandaloneCluster.alive(dir), "neither is a Spark daemon");
            assertEquals(List.of(), StandaloneCluster.stop(dir));
            assertFalse(other.waitFor(300, TimeUnit.MILLISECONDS), "the other process was left running");
            assertFalse(Files.exists(dir.resolve(StandaloneCluster.PIDS)), "the stale PID file is gone");
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void stopWithoutAPidFileStopsNothing() throws IOException {
        assertEquals(List.of(), StandaloneCluster.stop(dir));
    }

    @Test
    void aMalformedPidFileIsNamedWithItsLine() throws IOException {
        Files.writeString(dir.resolve(StandaloneCluster.PIDS), "master 12x\n");
        IOException e = assertThrows(IOException.class, () -> StandaloneCluster.stop(dir));
        assertEquals(dir.resolve(StandaloneCluster.PIDS) + ": expected lines 'role pid', got 'master 12x'", e.getMessage());
    }

    @Test
    void startNamesAMissingSparkDistribution() {
        IOException e = assertThrows(IOException.class, () -> StandaloneCluster.start(dir.resolve("c"), dir.resolve("no-spark"), 2, "1g"));
        assertTrue(e.getMessage().startsWith(dir.resolve("no-spark").resolve("jars") + " does not exist: build Spark's jars with"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StandaloneCluster.start(dir, dir, 0, "1g"));
    }
}
