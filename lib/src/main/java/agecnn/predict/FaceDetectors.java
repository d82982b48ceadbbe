package agecnn.predict;

import java.io.IOException;
import java.nio.file.Path;

/** The detector a predictor uses unless told otherwise. */
public final class FaceDetectors {

    private FaceDetectors() {}

    /**
     * The ONNX detector, its model found locally or fetched ({@link DetectorWeights}); when that
     * fails (offline, no local copy), OpenCV's Haar cascade, saying why on stderr.
     */
    public static FaceDetector standard(Path projectDir) throws IOException {
        try {
            return new UltraLightFaceDetector(DetectorWeights.locate(DetectorWeights.defaultFolders(projectDir), DetectorWeights.SOURCE));
        } catch (IOException e) {
            System.err.println("Face detection falls back to OpenCV's Haar cascade (frontal faces only): " + e.getMessage());
            return new HaarFaceDetector();
        }
    }
}
