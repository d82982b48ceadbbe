package agecnn.predict;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

/**
 * OpenCV's frontal-face Haar cascade, shipped inside the OpenCV jar: the fallback when the ONNX
 * detector's model is not at hand. Finds upright frontal faces only, gives no confidence, and
 * misses more: about 1 UTKFace face in 20 in FramingCalibration's scenes, more often dark-skinned
 * faces in low contrast and babies (FaceDetectionTest).
 */
public final class HaarFaceDetector implements FaceDetector {

    static final String CASCADE = "/org/bytedeco/opencv/linux-x86_64/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";
    static final double MARGIN = 0.25;
    /**
     * Measured with FramingCalibration as for the ONNX detector (300 placed, 14 missed): its
     * square boxes take in about the whole UTKFace image, side 0.98 of the box's (quartiles
     * 0.93-1.03), centre 0.01 box sides right and 0.08 below.
     */
    public static final FaceFraming FRAMING = new FaceFraming(0.98, 0.01, 0.08);

    private final CascadeClassifier cascade;

    public HaarFaceDetector() throws IOException {
        File xml = Loader.cacheResource(HaarFaceDetector.class, CASCADE);
        if (xml == null) throw new IOException("the OpenCV jar for linux-x86_64 has no " + CASCADE);
        cascade = new CascadeClassifier(xml.getAbsolutePath());
        if (cascade.empty()) throw new IOException(xml + ": OpenCV could not load the Haar cascade");
    }

    @Override
    public synchronized List<FaceBox> detect(BufferedImage rgb) {
        OpenCvImages.Padded p = OpenCvImages.pad(rgb, MARGIN, 1.0);
        int side = Math.min(rgb.getWidth(), rgb.getHeight());
        int min = Math.max(24, side / 20);
        List<FaceBox> found = new ArrayList<>();
        try (Mat bgr = OpenCvImages.toBgr(p.canvas()); Mat gray = new Mat(); RectVector faces = new RectVector()) {
            cvtColor(bgr, gray, COLOR_BGR2GRAY);
            // No histogram equalisation: in FramingCalibration it cost a fifth of the faces (70 of
            // 300 missed with it over the canvas, 58 over the photo alone, 14 without).
            cascade.detectMultiScale(gray, faces, 1.1, 5, 0, new Size(min, min), new Size());
            for (long i = 0; i < faces.size(); i++) {
                Rect r = faces.get(i);
                found.add(new FaceBox(r.x() - p.offsetX(), r.y() - p.offsetY(), r.width(), r.height(), Double.NaN));
            }
        }
        // no confidence to sort by: the largest face first
        found.sort(Comparator.comparingDouble((FaceBox f) -> f.width() * f.height()).reversed());
        return found;
    }

    @Override
    public FaceFraming framing() {
        return FRAMING;
    }

    @Override
    public String name() {
        return "OpenCV Haar cascade (frontal face)";
    }

    @Override
    public synchronized void close() {
        cascade.close();
    }
}
