package agecnn.predict;

import agecnn.nets.weights.WeightFile;
import agecnn.nets.weights.WeightStore;
import agecnn.testing.LoopbackHttp;
import agecnn.testing.TestWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The detector's model: from WEIGHTS_DIR, else from the download cache, else fetched once,
 * checked and cached; other bytes refused from the net and from a folder.
 */
class DetectorWeightsTest {

    @TempDir
    Path tmp;

    /** The detector's file as served by {@code url} instead of its public source. */
    static WeightFile servedAt(String url) {
        WeightFile f = DetectorWeights.FILE;
        return new WeightFile(f.fileName(), f.sha256(), List.of(url), f.what());
    }

    @Test
    void theRealFileHasTheDeclaredHashAndIsUsedFromWeightsDir() throws IOException {
        Path real = TestWeights.file(DetectorWeights.FILE.fileName());
        assertEquals(real, new WeightStore(real.getParent(), tmp.resolve("cache")).resolve(DetectorWeights.FILE));
        assertFalse(Files.exists(tmp.resolve("cache")), "nothing downloaded");
        assertEquals(1_270_727, Files.size(real));
    }

    @Test
    void fetchedOnceCheckedAndCachedThenReadFromTheCache() throws IOException {
        byte[] real = Files.readAllBytes(TestWeights.file(DetectorWeights.FILE.fileName()));
        Path cache = tmp.resolve("cache");
        WeightStore store = new WeightStore(tmp.resolve("weights"), cache);
        int[] hits = {0};
        try (LoopbackHttp http = new LoopbackHttp().route("/rfb.onnx", ex -> {
            hits[0]++;
            LoopbackHttp.send(ex, 200, "application/octet-stream", real);
        })) {
            Path got = store.resolve(servedAt(http.url("/rfb.onnx")));
            assertEquals(cache.resolve(DetectorWeights.FILE.fileName()), got);
            assertArrayEquals(real, Files.readAllBytes(got));
            assertEquals(1, hits[0]);
        }
        // the server is gone: the cached copy is used
        assertEquals(cache.resolve(DetectorWeights.FILE.fileName()), store.resolve(servedAt("http://127.0.0.1:9/none")));
    }

    @Test
    void otherBytesAreRefusedFromTheNetAndFromWeightsDir() throws IOException {
        Path cache = tmp.resolve("cache");
        try (LoopbackHttp http = new LoopbackHttp().file("/rfb.onnx", "application/octet-stream", new byte[]{1, 2, 3})) {
            String url = http.url("/rfb.onnx");
            IOException e = assertThrows(IOException.class, () -> new WeightStore(tmp.resolve("weights"), cache).resolve(servedAt(url)));
            assertTrue(e.getMessage().contains(url + ": served other bytes: their SHA-256 is "
                    + "039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81, expected " + DetectorWeights.FILE.sha256()), e.getMessage());
            try (var left = Files.list(cache)) {
                assertEquals(0, left.count(), "nothing cached, no temporary file left");
            }
        }
        Path weights = Files.createDirectories(tmp.resolve("weights"));
        Path wrong = Files.write(weights.resolve(DetectorWeights.FILE.fileName()), new byte[]{4, 5});
        IOException e = assertThrows(IOException.class, () -> new WeightStore(weights, cache).resolve(DetectorWeights.FILE));
        assertTrue(e.getMessage().startsWith(wrong + " is not the expected " + DetectorWeights.FILE.what()), e.getMessage());
    }

    @Test
    void offlineWithoutACopyIsAClearErrorNamingWeightsDirAndTheUrl() {
        IOException e = assertThrows(IOException.class,
                () -> new WeightStore(tmp.resolve("weights"), tmp.resolve("cache")).resolve(servedAt("http://127.0.0.1:9/none")));
        assertTrue(e.getMessage().contains("face_detector_rfb_320.onnx is neither in WEIGHTS_DIR (" + tmp.resolve("weights")), e.getMessage());
        assertTrue(e.getMessage().contains("http://127.0.0.1:9/none: "), e.getMessage());
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
