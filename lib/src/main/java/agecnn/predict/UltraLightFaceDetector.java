package agecnn.predict;

import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.bytedeco.opencv.opencv_dnn.Net;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_dnn.readNetFromONNX;

/**
 * Ultra-Light-Fast-Generic-Face-Detector, RFB-320 (about 1 MB, trained on WIDER FACE), run by
 * OpenCV DNN. Input: RGB resized to 320x240, {@code (pixel - 127) / 128}, NCHW. This ONNX export
 * ends in the model's own post-processing: {@code scores} [1, 4420, 2] are softmax
 * probabilities (background, face) and {@code boxes} [1, 4420, 4] are the priors already
 * decoded into corner form (x1, y1, x2, y2) as fractions of the input; checked on this file,
 * see UltraLightFaceDetectorTest. What is left here is thresholding and non-maximum suppression,
 * with upstream's defaults (0.7 and IoU 0.3).
 */
public final class UltraLightFaceDetector implements FaceDetector {

    public static final int INPUT_WIDTH = 320, INPUT_HEIGHT = 240;
    public static final double SCORE_THRESHOLD = 0.7;
    static final double NMS_IOU = 0.3;
    /** Grey margin around the photo, as a share of its longer side (see OpenCvImages.pad). */
    static final double MARGIN = 0.25;
    /**
     * Measured with FramingCalibration (300 UTKFace images placed upright in 640x480 scenes at
     * 80-280 px, 2 missed): the image's side is 1.10 times the box's mean side (quartiles
     * 1.06-1.14), its centre 0.01 mean sides right of and 0.07 below the box's centre.
     */
    public static final FaceFraming FRAMING = new FaceFraming(1.10, 0.01, 0.07);

    private final Net net;
    private final Path model;
    private final double threshold;

    public UltraLightFaceDetector(Path onnx) throws IOException {
        this(onnx, SCORE_THRESHOLD);
    }

    public UltraLightFaceDetector(Path onnx, double threshold) throws IOException {
        if (!Files.isRegularFile(onnx)) throw new IOException(onnx + ": no such face detector model");
        try {
            this.net = readNetFromONNX(onnx.toString());
        } catch (RuntimeException e) {
            throw new IOException(onnx + ": OpenCV cannot read it as an ONNX model (" + e.getMessage() + ")", e);
        }
        if (net.empty()) throw new IOException(onnx + ": OpenCV read an empty network from it");
        this.model = onnx;
        this.threshold = threshold;
    }

    @Override
    public synchronized List<FaceBox> detect(BufferedImage rgb) {
        // 4:3 canvas: the network's input shape, so faces are not stretched
        OpenCvImages.Padded p = OpenCvImages.pad(rgb, MARGIN, (double) INPUT_WIDTH / INPUT_HEIGHT);
        int cw = p.canvas().getWidth(), ch = p.canvas().getHeight();
        List<FaceBox> found = new ArrayList<>();
        try (Mat bgr = OpenCvImages.toBgr(p.canvas());
             Mat blob = blobFromImage(bgr, 1 / 128.0, new Size(INPUT_WIDTH, INPUT_HEIGHT), new Scalar(127, 127, 127, 0),
                     true, false, CV_32F);
             MatVector outs = new MatVector();
             StringVector names = new StringVector("scores", "boxes")) {
            net.setInput(blob);
            net.forward(outs, names);
            try (Mat scores = outs.get(0); Mat boxes = outs.get(1);
                 FloatIndexer s = scores.createIndexer(); FloatIndexer b = boxes.createIndexer()) {
                long n = scores.size(1);
                for (long i = 0; i < n; i++) {
                    float score = s.get(0, i, 1);
                    if (score < threshold) continue;
                    double x1 = b.get(0, i, 0) * cw - p.offsetX(), y1 = b.get(0, i, 1) * ch - p.offsetY();
                    double x2 = b.get(0, i, 2) * cw - p.offsetX(), y2 = b.get(0, i, 3) * ch - p.offsetY();
                    if (x2 <= x1 || y2 <= y1) continue;
                    found.add(new FaceBox(x1, y1, x2 - x1, y2 - y1, score));
                }
            }
        }
        return suppress(found, NMS_IOU);
    }

    /** Greedy non-maximum suppression: the best box wins, boxes overlapping it by more than {@code iou} go. */
    static List<FaceBox> suppress(List<FaceBox> boxes, double iou) {
        List<FaceBox> sorted = new ArrayList<>(boxes);
        sorted.sort(Comparator.comparingDouble(FaceBox::score).reversed());
        List<FaceBox> kept = new ArrayList<>();
        for (FaceBox c : sorted) {
            if (kept.stream().noneMatch(k -> k.iou(c) > iou)) kept.add(c);
        }
        return kept;
    }

    @Override
    public FaceFraming framing() {
        return FRAMING;
    }

    @Override
    public String name() {
        return "ultra-light RFB-320 (ONNX, " + model.getFileName() + ")";
    }

    @Override
    public synchronized void close() {
        net.close();
    }
}
