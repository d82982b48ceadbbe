package agecnn.notebook;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The runner through the real kernel and Jupyter: a failing cell is named and what ran is kept. */
class RunnerIT {

    @TempDir
    Path tmp;

    static final Path PROJECT = SmokeRun.PROJECT;

    @Test
    void failingCellFailsTheRunNamingNotebookCellAndErrorAndKeepsWhatRan() throws Exception {
        Path nbs = Files.createDirectories(tmp.resolve("notebooks"));
        Files.writeString(nbs.resolve("01_fine.ipynb"), notebook("System.out.println(\\\"first ran\\\");"));
        Files.writeString(nbs.resolve("02_broken.ipynb"), notebook(
                "System.out.println(\\\"before the failure\\\");",
                "if (true) throw new IllegalStateException(\\\"boom in cell two\\\");"));
        Files.writeString(nbs.resolve("03_never.ipynb"), notebook("System.out.println(\\\"never\\\");"));
        Path runDir = tmp.resolve("report");

        ProcessRun run = ProcessRun.of(PROJECT, Map.of("JUPYTER_PATH", PROJECT.resolve("target/jupyter").toString()), 5,
                List.of("/usr/bin/python3", "runner/run_notebooks.py", "--project", PROJECT.toString(),
                        "--notebooks-dir", nbs.toString(), "--run-dir", runDir.toString()));

        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("FAILED 02_broken.ipynb, cell 1"), run.output());
        assertTrue(run.output().contains("boom in cell two"), run.output());
        // what ran is kept: the first notebook whole, the second up to the failure
        assertTrue(Files.readString(runDir.resolve("notebooks/01_fine.ipynb")).contains("first ran"));
        String broken = Files.readString(runDir.resolve("notebooks/02_broken.ipynb"));
        assertTrue(broken.contains("before the failure"), broken);
        assertTrue(broken.contains("boom in cell two"), broken);
        assertFalse(Files.exists(runDir.resolve("notebooks/03_never.ipynb")));
        assertTrue(Files.exists(runDir.resolve("notebooks/01_fine.html")));
        JsonObject json = new JsonParser().parse(Files.readString(runDir.resolve("run.json"))).getAsJsonObject();
        assertEquals("failed", json.get("status").getAsString());
        assertEquals(2, json.getAsJsonArray("notebooks").size());
        JsonObject second = json.getAsJsonArray("notebooks").get(1).getAsJsonObject();
        assertEquals(1, second.get("cell").getAsInt());
    }

    /** A notebook in the project's kernel with one code cell per argument (JSON-escaped Java). */
    static String notebook(String... cells) {
        StringBuilder sb = new StringBuilder("{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {\"kernelspec\": "
                + "{\"name\": \"agecnn-java\", \"display_name\": \"Java (agecnn)\", \"language\": \"java\"}}, \"cells\": [");
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append("{\"cell_type\": \"code\", \"id\": \"c").append(i).append("\", \"metadata\": {}, \"execution_count\": null, "
                    + "\"outputs\": [], \"source\": \"").append(cells[i]).append("\"}");
        }
        return sb.append("]}").toString();
    }
}
