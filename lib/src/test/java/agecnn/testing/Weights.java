package agecnn.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** The offline pretrained files beside the project (../shared/weights), when this machine has them. */
public final class Weights {

    private Weights() {}

    public static Path folder() {
        return Path.of(System.getProperty("project.dir", ".")).toAbsolutePath().resolve("../shared/weights").normalize();
    }

    /** The face detector's ONNX file; skips the test where it is absent. */
    public static Path faceDetector() {
        Path f = folder().resolve("face_detector_rfb_320.onnx");
        Assumptions.assumeTrue(Files.isRegularFile(f), "no face detector model at " + f);
        return f;
    }
}
