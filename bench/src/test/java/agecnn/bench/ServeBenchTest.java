package agecnn.bench;

import agecnn.testing.TestImages;
import agecnn.testing.TinyModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/** The server's load benchmark: its percentiles, and one short real run against a tiny model in its own process. */
class ServeBenchTest {

    @TempDir
    Path tmp;

    @Test
    void nearestRankPercentiles() {
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) v[i] = 100 - i;   // 100 .. 1, unsorted on purpose
        assertEquals(50, ServeBench.percentile(v, 50));
        assertEquals(95, ServeBench.percentile(v, 95));
        assertEquals(99, ServeBench.percentile(v, 99));
        assertEquals(100, ServeBench.percentile(v, 100));
        assertEquals(7, ServeBench.percentile(new double[]{7}, 99));
        assertTrue(Double.isNaN(ServeBench.percentile(new double[0], 50)));
    }

    @Test
    void aShortRunPrintsItsFiguresAndStopsTheServer() throws Exception {
        Path model = TinyModels.save(tmp.resolve("tiny.zip"), "tiny", 32, 7);
        Path image = TestImages.write(tmp, "photo.jpg", TestImages.noise(160, 120, 1), "jpg");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int rc = ServeBench.run(new String[]{"--model", model.toString(), "--image", image.toString(), "--no-detect",
                        "--clients", "3", "--seconds", "2", "--warmup", "0", "--workers", "1", "--queue", "2",
                        "--server-jvm", "-Xmx512m"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("PROJECT_DIR", tmp.toString()));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, text + err.toString(StandardCharsets.UTF_8));
        assertTrue(text.contains("3 clients for 2 s on loopback"), text);
        assertTrue(text.matches("(?s).*requests   : [1-9][0-9]* answered in .*"), text);
        assertTrue(text.contains("latency ms : p50 "), text);
        assertTrue(text.contains("errors     : 0\n"), text);
        assertTrue(text.matches("(?s).*peak RSS   : [1-9][0-9]* MiB.*"), text);
        assertTrue(text.contains("stopped    : cleanly on SIGTERM"), text);
    }

    @Test
    void badUsageIsExit2() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = ServeBench.run(new String[]{"--clients", "0"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("PROJECT_DIR", tmp.toString()));
        assertEquals(2, rc);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--clients must be 1 to 256"));
        assertFalse(Files.exists(tmp.resolve("reports")));
    }
}
