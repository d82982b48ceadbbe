package agecnn.model;

import agecnn.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** An artifact read back gives the same info and the same outputs. */
class SavedModelTest {

    @TempDir
    Path tmp;

    @Test
    void roundTripKeepsInfoAndOutputs() throws IOException {
        SavedModel m = TinyModels.random("tiny", 12, 7);
        Path f = tmp.resolve("models/tiny.zip");
        m.save(f);
        ModelInfo info = SavedModel.readInfo(f);
        assertEquals("tiny", info.name());
        assertEquals(12, info.imageSize());
        assertEquals(ModelInfo.RGB, info.channelOrder());
        assertEquals(12, info.bins().size());
        assertArrayEquals(TinyModels.midpoints(), info.binAges(), 1e-12);
        assertEquals(27, info.binEdges()[5][0]);
        SavedModel back = SavedModel.load(f);
        var x = Nd4j.rand(2, 3, 12, 12);
        assertEquals(m.predict(x), back.predict(x));
    }

    @Test
    void aFileThatIsNoArtifactIsNamedInTheError() throws IOException {
        Path f = Files.writeString(tmp.resolve("x.zip"), "not a zip");
        IOException e = assertThrows(IOException.class, () -> SavedModel.readInfo(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertThrows(IOException.class, () -> SavedModel.load(tmp.resolve("missing.zip")));
    }
}
