package agecnn.notebook;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ParamsTest {

    @Test
    void profileGivesDefaultsAndEachVariableOverridesOne() {
        Params smoke = Params.of(Map.of("PROFILE", "smoke", "PROJECT_DIR", "/p"));
        assertEquals(Profile.SMOKE, smoke.profile);
        assertEquals(Profile.SMOKE.imageSize, smoke.imageSize);
        assertEquals(Profile.SMOKE.maxPerBin, smoke.maxPerBin);
        Params p = Params.of(Map.of("PROFILE", "SMOKE", "IMAGE_SIZE", "48", "SEED", "7", "PROJECT_DIR", "/p",
                "SPLIT_FILE", "splits/a.csv", "SPLIT_PROTOCOL", "all"));
        assertEquals(48, p.imageSize);
        assertEquals(7, p.seed);
        assertEquals(Path.of("/p/splits/a.csv"), p.splitFile);
        assertEquals(Params.SplitProtocol.ALL, p.splitProtocol);
        assertEquals(Path.of("/p/data/work/smoke"), p.workDir());
        assertEquals("48", p.asMap().get("IMAGE_SIZE"));
    }

    @Test
    void defaultsWhenNothingIsSet() {
        Params p = Params.of(Map.of("PROJECT_DIR", "/p"));
        assertEquals(Profile.DEFAULT, p.profile);
        assertEquals(42, p.seed);
        assertNull(p.utkfaceDir);
        assertNull(p.splitFile);
        assertEquals(Path.of("/p/reports/interactive"), p.runDir);
    }

    @Test
    void badValuesNameTheVariable() {
        assertMessage(Map.of("PROFILE", "huge"), "PROFILE");
        assertMessage(Map.of("IMAGE_SIZE", "big"), "IMAGE_SIZE");
        assertMessage(Map.of("IMAGE_SIZE", "0"), "IMAGE_SIZE");
        assertMessage(Map.of("SPLIT_PROTOCOL", "random"), "SPLIT_PROTOCOL");
        assertMessage(Map.of("MAX_PER_BIN", "-3"), "MAX_PER_BIN");
    }

    private static void assertMessage(Map<String, String> env, String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Params.of(env));
        assertTrue(e.getMessage().startsWith(key), e.getMessage());
    }
}
