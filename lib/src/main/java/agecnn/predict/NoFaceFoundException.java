package agecnn.predict;

import java.io.IOException;

/** Face detection was on and found no face in the photo. */
public class NoFaceFoundException extends IOException {

    private static final long serialVersionUID = 1L;

    public NoFaceFoundException(String source, String detector) {
        super(source + ": no face found (detector: " + detector + "). If the image is already a face crop "
                + "like UTKFace's, switch detection off (Predictor.withoutFaceDetection(), or --no-detect)");
    }
}
