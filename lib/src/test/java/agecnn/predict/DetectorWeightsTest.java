package agecnn.predict;

import agecnn.testing.LoopbackHttp;
import agecnn.testing.Weights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The detector's model: from a local folder, or fetched once, checked and cached; other bytes refused. */
class DetectorWeightsTest {

    @TempDir
    Path tmp;

    @Test
    void fetchedOnceCheckedAndCachedThenReadLocally() throws IOException {
        byte[] real = Files.readAllBytes(Weights.faceDetector());
        Path cache = tmp.resolve("cache");
        try (LoopbackHttp http = new LoopbackHttp().file("/rfb.onnx", "application/octet-stream", real)) {
            Path got = DetectorWeights.locate(List.of(tmp.resolve("empty"), cache), http.url("/rfb.onnx"));
            assertEquals(cache.resolve(DetectorWeights.FILE), got);
            assertArrayEquals(real, Files.readAllBytes(got));
        }
        // the server is gone: the cached copy is used
        assertEquals(cache.resolve(DetectorWeights.FILE), DetectorWeights.locate(List.of(cache), "http://127.0.0.1:9/none"));
    }

    @Test
    void otherBytesAreRefusedFromTheNetAndFromAFolder() throws IOException {
        try (LoopbackHttp http = new LoopbackHttp().file("/rfb.onnx", "application/octet-stream", new byte[]{1, 2, 3})) {
            IOException e = assertThrows(IOException.class, () -> DetectorWeights.locate(List.of(tmp), http.url("/rfb.onnx")));
            assertTrue(e.getMessage().contains("SHA-256") && e.getMessage().contains("refused"), e.getMessage());
            assertFalse(Files.exists(tmp.resolve(DetectorWeights.FILE)), "nothing cached");
        }
        Path wrong = Files.write(tmp.resolve(DetectorWeights.FILE), new byte[]{4, 5});
        IOException e = assertThrows(IOException.class, () -> DetectorWeights.locate(List.of(tmp), null));
        assertTrue(e.getMessage().startsWith(wrong.toString()), e.getMessage());
    }

    @Test
    void offlineWithoutACopyIsAClearErrorAndTheFoldersAreSearchedInOrder() throws IOException {
        IOException e = assertThrows(IOException.class, () -> DetectorWeights.locate(List.of(tmp), "http://127.0.0.1:9/none"));
        assertTrue(e.getMessage().contains("127.0.0.1:9"), e.getMessage());
        // AGECNN_WEIGHTS first, then ../shared/weights beside the project, then its data/weights cache
        System.setProperty(DetectorWeights.ENV, tmp.resolve("nothing").toString());
        try {
            Path project = Files.createDirectories(tmp.resolve("a/b/project"));
            List<Path> folders = DetectorWeights.defaultFolders(project);
            assertEquals(List.of(tmp.resolve("nothing"), tmp.resolve("a/b/shared/weights"), project.resolve("data/weights")), folders);
        } finally {
            System.clearProperty(DetectorWeights.ENV);
        }
    }

    @Test
    void suppressionKeepsTheBestOfOverlappingBoxes() {
        List<FaceBox> kept = UltraLightFaceDetector.suppress(List.of(
                new FaceBox(0, 0, 100, 100, 0.8), new FaceBox(5, 5, 100, 100, 0.95),
                new FaceBox(300, 0, 50, 50, 0.75)), 0.3);
        assertEquals(2, kept.size());
        assertEquals(0.95, kept.get(0).score());
        assertEquals(300, kept.get(1).x());
    }
}
