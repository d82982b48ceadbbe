package agecnn.predict;

import agecnn.nets.weights.WeightFile;
import java.util.List;

/**
 * The ONNX face detector's model file, known by name, content and origin. Like every pretrained
 * file it is looked for in WEIGHTS_DIR, then in the weights download cache, else downloaded
 * once into that cache ({@link agecnn.nets.weights.WeightStore}); other bytes are refused
 * wherever they come from.
 */
public final class DetectorWeights {

    /** The raw file models/onnx/version-RFB-320.onnx of Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB (MIT). */
    public static final String SOURCE = "https://raw.githubusercontent.com/Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB/"
            + "master/models/onnx/version-RFB-320.onnx";

    /** Ultra-Light-Fast-Generic-Face-Detector RFB-320 (1,270,727 bytes), as {@link UltraLightFaceDetector} reads it. */
    public static final WeightFile FILE = new WeightFile("face_detector_rfb_320.onnx",
            "34cd7e60aeff28744c657de7a3dc64e872d506741de66987f3426f2b79f88017", List.of(SOURCE),
            "Ultra-Light face detector (RFB-320, ONNX)");

    private DetectorWeights() {}
}
