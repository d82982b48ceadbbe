package agecnn.run;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The run's files are written whole: what a killed run left half-written is replaced, and no temporary file stays. */
class RunFilesTest {

    @TempDir
    Path tmp;

    @Test
    void filesLeftHalfWrittenByAKilledRunAreReplacedWhole() throws IOException {
        RunFiles files = new RunFiles(tmp.resolve("run"));
        Files.createDirectories(files.model("m").getParent());
        Files.write(files.model("m"), new byte[] {1, 2, 3});
        // what a run killed while writing left behind
        Files.writeString(files.metricsJson().resolveSibling("metrics.json.tmp"), "{\"run_");
        Files.write(files.best().resolveSibling("best.zip.tmp"), new byte[] {9});

        files.saveMetrics("smoke", "m", 24, Map.of("m", Map.of("test_accuracy", 0.5)), Map.of());
        files.saveBest("m");

        assertEquals(0.5, new JsonParser().parse(Files.readString(files.metricsJson())).getAsJsonObject()
                .getAsJsonObject("models").getAsJsonObject("m").get("test_accuracy").getAsDouble());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(files.best()));
        try (var s = Files.walk(files.runDir())) {
            assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".tmp")).toList());
        }
    }
}
