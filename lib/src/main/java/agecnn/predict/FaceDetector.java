package agecnn.predict;

import java.awt.image.BufferedImage;
import java.util.List;

/** Finds faces in a photo. Implementations hold native resources: close them when done. */
public interface FaceDetector extends AutoCloseable {

    /** The faces in an RGB image, in its pixels, most confident first. */
    List<FaceBox> detect(BufferedImage rgb);

    /** How this detector's boxes are widened into crops framed like the training images. */
    FaceFraming framing();

    /** A short name for reports, e.g. "ultra-light RFB-320 (ONNX)". */
    String name();

    @Override
    void close();
}
