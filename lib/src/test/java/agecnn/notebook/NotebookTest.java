package agecnn.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import agecnn.config.Settings;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the notebooks' first and last cells call to start and to keep facts. */
class NotebookTest {

    @TempDir
    Path tmp;

    @Test
    void figuresAreRecordedByFileName() throws IOException {
        var settings = Settings.of(Map.of("PROJECT_DIR", tmp.toString(), "RUN_DIR", tmp.resolve("run").toString()));
        Notebook.recordFigures(settings, "explore", "figures", settings.paths().figuresDir().resolve("age_bar.png"),
                settings.paths().figuresDir().resolve("faces/faces_per_bin.png"));
        JsonObject facts = JsonParser.parseString(Files.readString(tmp.resolve("run/facts.json"))).getAsJsonObject();
        assertEquals("[\"age_bar.png\",\"faces_per_bin.png\"]", facts.getAsJsonObject("explore").get("figures").toString());
    }
}
