package agecnn.predict;

import agecnn.config.Settings;
import agecnn.data.AgeBins;
import agecnn.data.ImageDecoder;
import agecnn.eval.Metrics;
import agecnn.io.Fetcher;
import agecnn.nets.ModelInfo;
import agecnn.nets.SavedModel;
import agecnn.nets.weights.WeightStore;
import agecnn.tensors.Resizer;
import agecnn.tensors.TensorCache;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Age bins for faces, from a saved model: given an array (as the original study's predictor
 * took it), a photo file or a URL. In a photo the faces are found first and each is cut out as
 * a square framed like the training images, then resized to the model's input exactly as the
 * training images were ({@link Resizer}), so the model sees what it was trained on.
 *
 * <pre>
 * try (Predictor p = Predictor.load(Path.of("reports/.../models/best.zip"), Settings.fromEnvironment())) {
 *     ImagePrediction r = p.predict("https://example.org/photo.jpg");
 *     System.out.println(r.toJson(3));
 * }
 * </pre>
 */
public final class Predictor implements AutoCloseable {

    private final SavedModel model;
    private final FaceDetector detector;
    private final Fetcher.Limits limits;

    /** @param detector finds faces in photos; null: every image is taken as a face crop */
    public Predictor(SavedModel model, FaceDetector detector, Fetcher.Limits limits) {
        ModelInfo info = model.info();
        if (!ModelInfo.RGB.equals(info.channelOrder()) || !ModelInfo.NCHW.equals(info.layout())
                || Math.abs(info.scale() - 1.0 / 255) > 1e-9 || info.bins().size() != AgeBins.COUNT) {
            throw new IllegalArgumentException("model '" + info.name() + "' takes " + info.channelOrder() + " " + info.layout()
                    + " scaled by " + info.scale() + " with " + info.bins().size() + " bins; this predictor feeds RGB NCHW "
                    + "scaled by 1/255 and reads " + AgeBins.COUNT + " bins");
        }
        this.model = model;
        this.detector = detector;
        this.limits = limits;
    }

    /**
     * The model a notebook uses: {@code MODEL} (system property or environment variable; a
     * relative path is taken from the project folder) when set, else the run's {@code models/best.zip}.
     */
    public static Path defaultModel(Settings settings) {
        Path m = settings.paths().model();
        return m != null ? m : settings.paths().runDir().resolve("models").resolve("best.zip");
    }

    /**
     * The model in {@code modelFile}, with the standard face detector, its model file taken from
     * WEIGHTS_DIR or the weights download cache of {@code settings} (see {@link FaceDetectors#standard}).
     */
    public static Predictor load(Path modelFile, Settings settings) throws IOException {
        return load(modelFile, settings, true);
    }

    /** The same, or with {@code detectFaces} false, taking every image as a face crop (no detector is loaded). */
    public static Predictor load(Path modelFile, Settings settings, boolean detectFaces) throws IOException {
        SavedModel model = SavedModel.load(modelFile);
        return new Predictor(model, detectFaces ? FaceDetectors.standard(WeightStore.of(settings)) : null, Fetcher.Limits.forImages());
    }

    /** The same model taking every image as a face crop (no detection), as UTKFace's images are. */
    public Predictor withoutFaceDetection() {
        return new Predictor(model, null, limits);
    }

    /** The same model with other download limits. */
    public Predictor withLimits(Fetcher.Limits newLimits) {
        return new Predictor(model, detector, newLimits);
    }

    public ModelInfo info() {
        return model.info();
    }

    /** The detector's name, or "off". */
    public String detector() {
        return detector == null ? "off" : detector.name();
    }

    /**
     * An array [height, width, 3], RGB, scaled by 1/255 (the study's predictor took 224x224x3):
     * taken as a face crop, its centre square resized to the model's input. Wrong rank, values
     * outside 0..1 or not finite are refused saying what was expected.
     */
    public ImagePrediction predictArray(INDArray hwc) {
        BufferedImage img = ImageArrays.toImage(hwc);
        return new ImagePrediction("array " + Arrays.toString(hwc.shape()), info().name(), img, "off (array)",
                List.of(wholeImage(img)), null);
    }

    /** A photo file (JPEG or PNG; EXIF orientation applied). */
    public ImagePrediction predictFile(Path file) throws IOException {
        return predict(ImageInput.fromFile(file));
    }

    /**
     * An image at an http or https URL, downloaded within the limits.
     *
     * @param keepAs    file to keep the downloaded image in, or null
     * @param overwrite whether an existing {@code keepAs} may be replaced
     */
    public ImagePrediction predictUrl(String url, Path keepAs, boolean overwrite) throws IOException {
        return predict(ImageInput.fromUrl(url, limits, keepAs, overwrite));
    }

    /** A URL ({@code http://}, {@code https://}) or a file path. */
    public ImagePrediction predict(String urlOrFile) throws IOException {
        return ImageInput.isUrl(urlOrFile) ? predictUrl(urlOrFile, null, false) : predictFile(Path.of(urlOrFile));
    }

    /** Encoded image bytes with their source. */
    public ImagePrediction predict(ImageInput input) throws IOException {
        BufferedImage img = ImageDecoder.readUpright(input.bytes(), input.source());
        ImagePrediction p = predictImage(img, input.source());
        return new ImagePrediction(p.source(), p.model(), p.image(), p.detector(), p.faces(), input.savedAs());
    }

    /**
     * A decoded RGB photo: one prediction per face found (most confident first), or, with
     * detection off, one for the whole image.
     *
     * @throws NoFaceFoundException when detection is on and finds nothing
     */
    public ImagePrediction predictImage(BufferedImage rgb, String source) throws NoFaceFoundException {
        if (detector == null) return new ImagePrediction(source, info().name(), rgb, detector(), List.of(wholeImage(rgb)), null);
        List<FaceBox> found = detector.detect(rgb);
        if (found.isEmpty()) throw new NoFaceFoundException(source, detector.name());
        List<FacePrediction> faces = new ArrayList<>();
        for (FaceBox f : found) {
            Rectangle crop = detector.framing().crop(f);
            faces.add(predictCrop(FaceCrops.cut(rgb, crop), f, crop));
        }
        return new ImagePrediction(source, info().name(), rgb, detector(), faces, null);
    }

    private FacePrediction wholeImage(BufferedImage img) {
        int side = Math.min(img.getWidth(), img.getHeight());
        Rectangle centre = new Rectangle((img.getWidth() - side) / 2, (img.getHeight() - side) / 2, side, side);
        return predictCrop(img, null, centre);
    }

    private FacePrediction predictCrop(BufferedImage crop, FaceBox face, Rectangle where) {
        int size = info().imageSize();
        INDArray probs = model.predict(TensorCache.batchOf(Resizer.toSquareRgb(crop, size), size));
        float[] p = probs.getRow(0).toFloatVector();
        return new FacePrediction(face, where, p, Metrics.expectedAge(p, binAges()));
    }

    private double[] binAges() {
        double[] a = info().binAges();
        // a model saved without them: the middle of each bin
        return a != null && a.length == AgeBins.COUNT ? a : Metrics.binAges(new int[0]);
    }

    @Override
    public void close() {
        if (detector != null) detector.close();
    }
}
