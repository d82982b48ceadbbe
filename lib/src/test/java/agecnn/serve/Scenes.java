package agecnn.serve;

import agecnn.data.ImageDecoder;
import agecnn.io.Fetcher;
import agecnn.nets.SavedModel;
import agecnn.notebook.SyntheticScene;
import agecnn.predict.DetectorWeights;
import agecnn.predict.Predictor;
import agecnn.predict.UltraLightFaceDetector;
import agecnn.testing.TestImages;
import agecnn.testing.TestWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Photos of several faces composed at test time from UTKFace crops, and predictors that find faces. */
final class Scenes {

    /** Three faces of different ages, upright and turned a little, as {@code FaceDetectionTest} places them. */
    static final String[] FACES = {
            "26_0_1_20170103210459306.jpg.chip.jpg", "42_0_0_20170104183950934.jpg.chip.jpg",
            "72_0_0_20170111222541402.jpg.chip.jpg"};

    private Scenes() {}

    /** A 960x640 scene of the three faces; skips the test without the data. */
    static SyntheticScene threeFaces() throws IOException {
        Path data = TestImages.realDataDir();
        for (String f : FACES) Assumptions.assumeTrue(Files.isRegularFile(data.resolve(f)), "no UTKFace image " + data.resolve(f));
        return new SyntheticScene(960, 640, 5)
                .place("26", ImageDecoder.readRgb(data.resolve(FACES[0])), 220, 300, 210, 0)
                .place("42", ImageDecoder.readRgb(data.resolve(FACES[1])), 540, 250, 170, 8)
                .place("72", ImageDecoder.readRgb(data.resolve(FACES[2])), 800, 450, 150, -6);
    }

    static byte[] jpeg(SyntheticScene s) {
        return TestImages.encode(s.image(), "jpg");
    }

    /** The real UTKFace crop {@code name}; skips without the data. */
    static byte[] face(String name) throws IOException {
        Path f = TestImages.realDataDir().resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(f), "no UTKFace image " + f);
        return Files.readAllBytes(f);
    }

    /** The model in {@code model} with the ONNX face detector from the weights folder (skips without its file). */
    static PredictServer.PredictorFactory withDetector(Path model) {
        Path onnx = TestWeights.file(DetectorWeights.FILE.fileName());
        return () -> new Predictor(SavedModel.load(model), new UltraLightFaceDetector(onnx), Fetcher.Limits.forImages());
    }
}
