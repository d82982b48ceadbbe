package agecnn.predict;

import agecnn.config.Settings;
import agecnn.data.AgeBins;
import agecnn.data.BadImageException;
import agecnn.data.ImageDecoder;
import agecnn.eval.Metrics;
import agecnn.io.Fetcher;
import agecnn.nets.ModelInfo;
import agecnn.nets.SavedModel;
import agecnn.nets.weights.WeightStore;
import agecnn.tensors.Resizer;
import agecnn.tensors.TensorCache;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.Dimension;
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

    /**
     * The shortest side an image may have, in pixels: 24, the window of OpenCV's frontal-face
     * cascade, the smallest face either detector is made to find (the ONNX detector's smallest
     * priors are 10-16 px at its 320x240 input, where a photo fills at most two thirds). An image
     * smaller than that holds no face to age; enlarged to the model's input it would be a guess
     * made from a blur. Refused with its size.
     */
    public static final int MIN_SIDE = 24;

    /** An image may be at most this many times as long as its shorter side (a 360-degree panorama is about 8). */
    public static final int MAX_ASPECT = 16;

    /**
     * Faces are looked for in a copy at most this long (shrunk by a whole factor): the ONNX
     * detector sees 320x240 of the padded photo anyway, and the Haar cascade looks for faces of
     * at least a twentieth of the shorter side, 48 px and more in a 1280x960 copy. It bounds the
     * detectors' canvases (the photo plus margins) to a few megapixels.
     */
    public static final int DETECT_MAX_SIDE = 1280;

    /** Faces given to the model in one call. */
    public static final int BATCH = 32;

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

    /** The download limits of URLs. */
    public Fetcher.Limits limits() {
        return limits;
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
        String source = "array " + Arrays.toString(hwc.shape());
        try {
            checkSize(img.getWidth(), img.getHeight(), source);
            return predict(List.of(prepare(img, source, null, "off (array)", null))).get(0);
        } catch (BadImageException | NoFaceFoundException e) {   // no detector here: only the size can be refused
            throw new IllegalArgumentException(e.getMessage(), e);
        }
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
        return predict(List.of(prepare(input))).get(0);
    }

    /**
     * A decoded RGB photo: one prediction per face found (most confident first), or, with
     * detection off, one for the whole image.
     *
     * @throws NoFaceFoundException when detection is on and finds nothing
     * @throws BadImageException    when the image is too small or too elongated to hold a face (see {@link #checkSize})
     */
    public ImagePrediction predictImage(BufferedImage rgb, String source) throws NoFaceFoundException, BadImageException {
        return predict(List.of(prepare(rgb, source))).get(0);
    }

    /**
     * An input made ready for the model, before the model runs: the picture as decoded, the
     * faces found in it and their crops, already resized to the model's input. Holds the
     * picture (at most {@link ImageDecoder#MAX_DECODED_SIDE} on a side) until predicted.
     */
    public static final class Prepared {
        private final String source, detector;
        private final BufferedImage image;
        private final List<FaceBox> faces;
        private final List<Rectangle> crops;
        private final List<byte[]> inputs;
        private final Path savedAs;

        private Prepared(String source, BufferedImage image, String detector, List<FaceBox> faces, List<Rectangle> crops,
                         List<byte[]> inputs, Path savedAs) {
            this.source = source;
            this.image = image;
            this.detector = detector;
            this.faces = faces;
            this.crops = crops;
            this.inputs = inputs;
            this.savedAs = savedAs;
        }

        public String source() { return source; }

        /** The model inputs it makes: one per face found, or one for the whole image. */
        public int faceCount() { return inputs.size(); }

        /** Pixels of the picture it holds. */
        public long pixels() { return (long) image.getWidth() * image.getHeight(); }
    }

    /**
     * Decodes the input, after checking its size from the header ({@link #checkSize}), and finds
     * and crops its faces. Large images are decoded at 1/k ({@link ImageDecoder#readPicture}).
     */
    public Prepared prepare(ImageInput input) throws IOException {
        Dimension d = ImageDecoder.readSize(input.bytes(), input.source());
        checkSize(d.width, d.height, input.source());
        BufferedImage img = ImageDecoder.readPicture(input.bytes(), input.source()).image();
        return prepare(img, input.source(), detector, detector(), input.savedAs());
    }

    /** A decoded RGB photo made ready as {@link #prepare(ImageInput)} makes a file ready. */
    public Prepared prepare(BufferedImage rgb, String source) throws NoFaceFoundException, BadImageException {
        checkSize(rgb.getWidth(), rgb.getHeight(), source);
        return prepare(rgb, source, detector, detector(), null);
    }

    /**
     * Refuses an image that cannot hold a face worth predicting on: a shorter side under
     * {@link #MIN_SIDE}, or longer than {@link #MAX_ASPECT} times its shorter side.
     */
    public static void checkSize(int width, int height, String source) throws BadImageException {
        int shortSide = Math.min(width, height), longSide = Math.max(width, height);
        if (shortSide < MIN_SIDE) {
            throw new BadImageException(source, "the image is " + width + "x" + height + " px, too small to hold a face: its "
                    + "shorter side must be at least " + MIN_SIDE + " px");
        }
        if (longSide > (long) MAX_ASPECT * shortSide) {
            throw new BadImageException(source, "the image is " + width + "x" + height + " px: its longer side is " + longSide / shortSide
                    + " times its shorter; at most " + MAX_ASPECT + " times is taken");
        }
    }

    private Prepared prepare(BufferedImage rgb, String source, FaceDetector det, String detectorName, Path savedAs)
            throws NoFaceFoundException {
        int size = info().imageSize();
        List<FaceBox> faces = new ArrayList<>();
        List<Rectangle> crops = new ArrayList<>();
        List<byte[]> inputs = new ArrayList<>();
        if (det == null) {
            int side = Math.min(rgb.getWidth(), rgb.getHeight());
            faces.add(null);
            crops.add(new Rectangle((rgb.getWidth() - side) / 2, (rgb.getHeight() - side) / 2, side, side));
            inputs.add(Resizer.toSquareRgb(rgb, size));
        } else {
            List<FaceBox> found = detect(det, rgb);
            if (found.isEmpty()) throw new NoFaceFoundException(source, det.name());
            for (FaceBox f : found) {
                Rectangle crop = det.framing().crop(f);
                faces.add(f);
                crops.add(crop);
                inputs.add(Resizer.toSquareRgb(FaceCrops.cut(rgb, crop), size));
            }
        }
        return new Prepared(source, rgb, detectorName, faces, crops, inputs, savedAs);
    }

    /**
     * The detector's faces, found on a copy shrunk by a whole factor k to at most
     * {@link #DETECT_MAX_SIDE} on its longer side, the boxes scaled back by k to the photo's pixels.
     */
    static List<FaceBox> detect(FaceDetector det, BufferedImage rgb) {
        int k = (Math.max(rgb.getWidth(), rgb.getHeight()) + DETECT_MAX_SIDE - 1) / DETECT_MAX_SIDE;
        if (k <= 1) return det.detect(rgb);
        List<FaceBox> out = new ArrayList<>();
        for (FaceBox f : det.detect(FaceCrops.shrink(rgb, k))) {
            out.add(new FaceBox(f.x() * k, f.y() * k, f.width() * k, f.height() * k, f.score()));
        }
        return out;
    }

    /**
     * The predictions for prepared inputs, in their order: their faces go through the model
     * together, in batches of up to {@link #BATCH}. The one way this predictor runs the model:
     * a single input is a batch of one.
     */
    public List<ImagePrediction> predict(List<Prepared> group) {
        List<byte[]> all = new ArrayList<>();
        for (Prepared p : group) all.addAll(p.inputs);
        int size = info().imageSize();
        float[][] probs = new float[all.size()][];
        double[] ages = new double[all.size()];
        for (int from = 0; from < all.size(); from += BATCH) {
            int to = Math.min(all.size(), from + BATCH);
            // the expected age: the bins' ages weighted by their probabilities, or a years head's mean over years
            SavedModel.Reading out = model.read(TensorCache.batchOf(all.subList(from, to), size), binAges());
            for (int k = from; k < to; k++) {
                probs[k] = out.bins().getRow(k - from).toFloatVector();
                ages[k] = out.expectedAges()[k - from];
            }
        }
        List<ImagePrediction> results = new ArrayList<>();
        int k = 0;
        for (Prepared p : group) {
            List<FacePrediction> faces = new ArrayList<>();
            for (int i = 0; i < p.inputs.size(); i++, k++) {
                faces.add(new FacePrediction(p.faces.get(i), p.crops.get(i), probs[k], ages[k]));
            }
            results.add(new ImagePrediction(p.source, info().name(), p.image, p.detector, faces, p.savedAs));
        }
        return results;
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
