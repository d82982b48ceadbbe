package agecnn.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RunRecordTest {

    @TempDir
    Path tmp;

    @Test
    void factsFromSeveralWritersAccumulate() {
        new RunRecord(tmp).put("data", "fingerprint", "abc");
        new RunRecord(tmp).put("data", "images", 12);
        new RunRecord(tmp).put("scrub", "counts", Map.of("train", 8));
        RunRecord r = new RunRecord(tmp);
        assertEquals("abc", r.get("data", "fingerprint").getAsString());
        assertEquals(12, r.get("data", "images").getAsInt());
        assertEquals(8, r.get("scrub", "counts").getAsJsonObject().get("train").getAsInt());
        assertNull(r.get("data", "absent"));
    }

    @Test
    void corruptFileIsNamed() throws IOException {
        Files.writeString(tmp.resolve("facts.json"), "{not json");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new RunRecord(tmp).put("a", "b", 1));
        assertTrue(e.getMessage().contains("facts.json"), e.getMessage());
    }
}
