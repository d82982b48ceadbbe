package agecnn.predict;

import agecnn.data.ImageDecoder;
import agecnn.io.Fetcher;
import agecnn.notebook.SyntheticScene;
import agecnn.testing.TestImages;
import agecnn.testing.TestWeights;
import agecnn.testing.TinyModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Faces found in larger scenes made of real UTKFace crops placed at known positions, sizes and
 * angles, checked by box: the crop cut for the model must cover the placed image. Skipped
 * where the data or the detector's model file is absent.
 */
class FaceDetectionTest {

    static final String[] FACES = {
            "26_0_1_20170103210459306.jpg.chip.jpg", "42_0_0_20170104183950934.jpg.chip.jpg",
            "72_0_0_20170111222541402.jpg.chip.jpg", "1_0_2_20170110213415212.jpg.chip.jpg"};

    static UltraLightFaceDetector onnx;
    static List<BufferedImage> faces = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        Path data = TestImages.realDataDir();
        for (String f : FACES) {
            Assumptions.assumeTrue(Files.isRegularFile(data.resolve(f)), "no UTKFace image " + data.resolve(f));
            faces.add(ImageDecoder.readRgb(data.resolve(f)));
        }
        onnx = new UltraLightFaceDetector(TestWeights.file(DetectorWeights.FILE.fileName()));
    }

    @AfterAll
    static void close() {
        if (onnx != null) onnx.close();
    }

    /** For each placement, the IoU of the best crop (as the predictor cuts it) with the placed square. */
    static double[] cropIous(FaceDetector d, SyntheticScene scene) {
        List<FaceBox> found = d.detect(scene.image());
        double[] out = new double[scene.placements().size()];
        for (int i = 0; i < out.length; i++) {
            FaceBox truth = scene.placements().get(i).square();
            for (FaceBox f : found) {
                Rectangle c = d.framing().crop(f);
                out[i] = Math.max(out[i], truth.iou(new FaceBox(c.x, c.y, c.width, c.height, 1)));
            }
        }
        return out;
    }

    static long cropIousAbove(FaceDetector d, SyntheticScene scene, double min) {
        return java.util.Arrays.stream(cropIous(d, scene)).filter(v -> v > min).count();
    }

    @Test
    void facesAtKnownPlacesSizesAndAnglesAreFoundWhereTheyWerePut() {
        SyntheticScene scene = new SyntheticScene(1024, 768, 11)
                .place("upright", faces.get(0), 220, 260, 200, 0)
                .place("turned 12 degrees", faces.get(1), 640, 420, 260, 12)
                .place("turned -15 degrees", faces.get(2), 880, 180, 150, -15)
                .place("small", faces.get(3), 380, 620, 100, 0);
        double[] iou = cropIous(onnx, scene);
        for (int i = 0; i < iou.length; i++) {
            assertTrue(iou[i] > 0.6, scene.placements().get(i) + ": crop IoU " + iou[i]);
        }
        assertEquals(4, onnx.detect(scene.image()).size(), "one box per face, no duplicates after suppression");
    }

    @Test
    void aCloseUpIsFoundAndCroppedAsItself() {
        BufferedImage chip = faces.get(0);
        List<FaceBox> found = onnx.detect(chip);
        assertEquals(1, found.size());
        Rectangle c = onnx.framing().crop(found.get(0));
        double iou = new FaceBox(0, 0, chip.getWidth(), chip.getHeight(), 1).iou(new FaceBox(c.x, c.y, c.width, c.height, 1));
        assertTrue(iou > 0.75, "a UTKFace crop is framed about as itself: IoU " + iou);
    }

    @Test
    void theOutputsAreScoresAndDecodedCornerBoxes() {
        FaceBox f = onnx.detect(faces.get(1)).get(0);
        assertTrue(f.score() > 0.9 && f.score() <= 1, "softmax probability " + f.score());
        assertTrue(f.width() > 50 && f.height() > 50, "corner-form box in pixels " + f);
    }

    @Test
    void theHaarFallbackFindsAnUprightFace() throws IOException {
        SyntheticScene scene = new SyntheticScene(1024, 600, 3);
        for (int i = 0; i < faces.size(); i++) scene.place("upright " + i, faces.get(i), 130 + 250 * i, 300, 200, 0);
        try (HaarFaceDetector haar = new HaarFaceDetector()) {
            double[] iou = cropIous(haar, scene);
            // The cascade is the weaker detector: here it finds the two adults in good contrast and
            // misses the dark-skinned face and the baby (the ONNX detector finds all four).
            long found = java.util.Arrays.stream(iou).filter(v -> v > 0.6).count();
            assertTrue(found >= 2, "Haar crop IoUs " + java.util.Arrays.toString(iou));
            assertEquals(4, cropIousAbove(onnx, scene, 0.6));
        }
    }

    @Test
    void severalFacesGiveOnePredictionEachAndNoFaceGivesAClearMessage() throws IOException {
        Predictor p = new Predictor(TinyModels.random("tiny", 24, 4), onnx, Fetcher.Limits.forImages());
        SyntheticScene two = new SyntheticScene(800, 600, 5)
                .place("a", faces.get(0), 200, 300, 220, 0)
                .place("b", faces.get(2), 600, 280, 200, 0);
        ImagePrediction r = p.predictImage(two.image(), "two.png");
        assertEquals(2, r.faces().size());
        for (FacePrediction f : r.faces()) assertNotNull(f.face());
        assertTrue(r.toJson(3).contains("\"box\":["), r.toJson(3));

        BufferedImage empty = new SyntheticScene(640, 480, 6).image();
        NoFaceFoundException e = assertThrows(NoFaceFoundException.class, () -> p.predictImage(empty, "wall.png"));
        assertTrue(e.getMessage().startsWith("wall.png: no face found") && e.getMessage().contains("--no-detect"), e.getMessage());
        // with detection off the same picture is taken as a face crop
        assertEquals(1, p.withoutFaceDetection().predictImage(empty, "wall.png").faces().size());
    }
}
