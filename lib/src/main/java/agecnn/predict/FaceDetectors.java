package agecnn.predict;

import agecnn.nets.weights.WeightStore;
import java.io.IOException;

/** The detector a predictor uses unless told otherwise. */
public final class FaceDetectors {

    private FaceDetectors() {}

    /**
     * The ONNX detector, its model ({@link DetectorWeights#FILE}) taken from the store's WEIGHTS_DIR
     * or download cache, else downloaded into that cache, checked by its SHA-256 wherever it
     * comes from; when that fails (offline, no local copy), OpenCV's Haar cascade, saying why on stderr.
     */
    public static FaceDetector standard(WeightStore weights) throws IOException {
        try {
            return new UltraLightFaceDetector(weights.resolve(DetectorWeights.FILE));
        } catch (IOException e) {
            System.err.println("Face detection falls back to OpenCV's Haar cascade (frontal faces only): " + e.getMessage());
            return new HaarFaceDetector();
        }
    }
}
