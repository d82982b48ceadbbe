package agecnn.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The parameters of a run, read once from the environment as d2l-java does: each key is
 * looked up as a system property first, then as an environment variable, then taken from
 * the {@link Profile}. Printed at the top of every notebook and stored in {@code run.json}.
 *
 * <pre>
 * PROFILE        smoke | default | full                 (default: default)
 * UTKFACE_DIR    folder holding the UTKFace jpgs        (default: searched, see DataLocator)
 * IMAGE_SIZE     side of the square model input, px     (default: by profile)
 * SEED           seed of every random choice            (default: 42)
 * SPLIT_FILE     CSV file,split,bin to use as the split (default: made by 02_scrub)
 * SPLIT_PROTOCOL balanced_eval | balanced | all         (default: balanced_eval)
 * MAX_PER_BIN    images kept per bin when indexing, 0 = all (default: by profile)
 * RUN_DIR        where this run's report goes           (default: reports/interactive)
 * PROJECT_DIR    the project root                       (default: found from the working dir)
 *
 * Training (04_model):
 * MODELS         comma-separated: baseline, mobilenet, faceresnet, squeezenet, vgg16, vgg19, resnet50,
 *                efficientnetb0                         (default: by profile)
 * EPOCHS         most epochs per model                  (default: by profile)
 * EPOCH_IMAGES   training images per epoch, a fresh random draw each epoch; 0 = all (default: by profile);
 *                models trained on cached backbone outputs always take all
 * BATCH_SIZE     images per training step               (default: by profile)
 * LEARNING_RATE  Adam's initial learning rate           (default: 0.001)
 * LR_DECAY       factor applied to the rate each epoch  (default: 0.85)
 * PATIENCE       epochs without a better validation accuracy before stopping, 0 = never (default: by profile)
 * AUGMENT        true | false: random flips, shifts and crops of training images (default: true)
 * LABEL_SPREAD   how far each training label spreads over neighbouring bins, in bins; 0 = one-hot (default: 0)
 * MIXUP          mixup's alpha: training batches blended with themselves shuffled; 0 = off (default: 0)
 * FEATURE_VIEWS  for models trained on cached backbone outputs, when augmenting: views of each
 *                training image cached, 1 = the image, 2 = and its mirror, each more = a random
 *                crop; each view is one more backbone pass (default: by profile)
 * TRANSFER_IMAGE_SIZE  input side of the pretrained backbones, px (default: by profile)
 * TRAINABLE_BLOCKS     last blocks of a pretrained backbone trained with the head (default: by profile;
 *                      faceresnet: its own 4, unless given)
 * WEIGHTS_DIR    folder searched first for pretrained weight files and the face detector's model, never
 *                written to; what is not there is downloaded once into data/cache/weights (default: data/weights)
 * </pre>
 */
public final class Params {

    public final Profile profile;
    public final Path projectDir;
    /** Null when not given: {@code agecnn.data.DataLocator} searches then. */
    public final Path utkfaceDir;
    public final int imageSize;
    public final long seed;
    /** Null when 02_scrub makes the split. */
    public final Path splitFile;
    public final SplitProtocol splitProtocol;
    public final int maxPerBin;
    public final Path runDir;
    public final List<String> models;
    public final int epochs;
    public final int epochImages;
    public final int batchSize;
    public final double learningRate;
    public final double lrDecay;
    public final int patience;
    public final boolean augment;
    /** Spread of the training labels over neighbouring bins, in bins (see {@code TrainingPlan}); 0: one-hot. */
    public final double labelSpread;
    static final double DEFAULT_LABEL_SPREAD = 0;
    /** mixup's alpha; 0 = off. */
    public final double mixup;
    static final double DEFAULT_MIXUP = 0;
    public final int featureViews;
    public final int transferImageSize;
    public final int trainableBlocks;
    /** Whether TRAINABLE_BLOCKS was set: then it holds for every backbone, else a backbone may have its own number. */
    public final boolean trainableBlocksGiven;
    public final Path weightsDir;

    /**
     * How the split uses the data: balanced validation and test sets of the study's size with
     * every other image in train (more data to learn from, the same kind of test); the original
     * study's balanced sample; or every image, 80/10/10 per bin.
     */
    public enum SplitProtocol { BALANCED_EVAL, BALANCED, ALL }

    private Params(Function<String, String> env) {
        this.projectDir = Paths.get(or(env.apply("PROJECT_DIR"), findProjectDir().toString()))
                .toAbsolutePath().normalize();
        this.profile = Profile.parse(or(env.apply("PROFILE"), "default"));
        String dir = env.apply("UTKFACE_DIR");
        this.utkfaceDir = dir == null ? null : resolve(dir);
        this.imageSize = positiveInt(env, "IMAGE_SIZE", profile.imageSize);
        this.seed = Long.parseLong(or(env.apply("SEED"), "42").trim());
        String split = env.apply("SPLIT_FILE");
        this.splitFile = split == null ? null : resolve(split);
        this.splitProtocol = parseProtocol(or(env.apply("SPLIT_PROTOCOL"), "balanced_eval"));
        this.maxPerBin = nonNegativeInt(env, "MAX_PER_BIN", profile.maxPerBin);
        this.runDir = resolve(or(env.apply("RUN_DIR"), "reports/interactive"));
        Profile.Training t = profile.training;
        this.models = parseModels(or(env.apply("MODELS"), String.join(",", t.models())));
        this.epochs = positiveInt(env, "EPOCHS", t.epochs());
        this.epochImages = nonNegativeInt(env, "EPOCH_IMAGES", t.epochImages());
        this.batchSize = positiveInt(env, "BATCH_SIZE", t.batchSize());
        this.learningRate = positiveDouble(env, "LEARNING_RATE", 1e-3);
        this.lrDecay = positiveDouble(env, "LR_DECAY", 0.85);
        this.patience = nonNegativeInt(env, "PATIENCE", t.patience());
        this.augment = parseBoolean(env, "AUGMENT", true);
        if (env.apply("AUGMENT_FEATURES") != null) {
            // a renamed setting must not be ignored in silence
            throw new IllegalArgumentException("AUGMENT_FEATURES=" + env.apply("AUGMENT_FEATURES") + " is no longer read: set "
                    + "FEATURE_VIEWS instead (AUGMENT_FEATURES=false is FEATURE_VIEWS=1, true is FEATURE_VIEWS=2)");
        }
        this.featureViews = positiveInt(env, "FEATURE_VIEWS", t.featureViews());
        this.transferImageSize = positiveInt(env, "TRANSFER_IMAGE_SIZE", t.transferImageSize());
        this.trainableBlocks = nonNegativeInt(env, "TRAINABLE_BLOCKS", t.trainableBlocks());
        this.trainableBlocksGiven = env.apply("TRAINABLE_BLOCKS") != null;
        this.labelSpread = nonNegativeDouble(env, "LABEL_SPREAD", DEFAULT_LABEL_SPREAD);
        this.mixup = nonNegativeDouble(env, "MIXUP", DEFAULT_MIXUP);
        this.weightsDir = resolve(or(env.apply("WEIGHTS_DIR"), "data/weights"));
        if (env.apply("AGECNN_WEIGHTS") != null) {
            // the predictor's old setting must not be ignored in silence
            throw new IllegalArgumentException("AGECNN_WEIGHTS=" + env.apply("AGECNN_WEIGHTS") + " is no longer read: set "
                    + "WEIGHTS_DIR instead, the one folder searched for pretrained weights and the face detector's model");
        }
    }

    /** Parameters from system properties and environment variables. */
    public static Params fromEnvironment() {
        return new Params(key -> blankToNull(System.getProperty(key, System.getenv(key))));
    }

    /** Parameters from a map only (for tests and for programs that set them explicitly). */
    public static Params of(Map<String, String> values) {
        return new Params(key -> blankToNull(values.get(key)));
    }

    /** Where stage outputs of this profile go: the index, the split, the reports of problems. */
    public Path workDir() {
        return projectDir.resolve("data").resolve("work").resolve(profile.name().toLowerCase());
    }

    /** Where the preprocessed tensor caches go (shared by profiles; keyed by content). */
    public Path cacheDir() {
        return projectDir.resolve("data").resolve("cache");
    }

    /** Where this run's figures go (also copied to readme_images/ by the runner). */
    public Path figuresDir() {
        return runDir.resolve("figures");
    }

    public int balancedTrain() { return profile.balancedTrain; }
    public int balancedVal() { return profile.balancedVal; }
    public int balancedTest() { return profile.balancedTest; }

    /** The values in force, in a stable order, as printed and stored in run.json. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("PROFILE", profile.name().toLowerCase());
        m.put("UTKFACE_DIR", utkfaceDir == null ? "(searched)" : utkfaceDir.toString());
        m.put("IMAGE_SIZE", Integer.toString(imageSize));
        m.put("SEED", Long.toString(seed));
        m.put("SPLIT_FILE", splitFile == null ? "(made by 02_scrub)" : splitFile.toString());
        m.put("SPLIT_PROTOCOL", splitProtocol.name().toLowerCase());
        m.put("MAX_PER_BIN", maxPerBin == 0 ? "0 (all)" : Integer.toString(maxPerBin));
        m.put("RUN_DIR", runDir.toString());
        m.put("PROJECT_DIR", projectDir.toString());
        m.put("MODELS", String.join(",", models));
        m.put("EPOCHS", Integer.toString(epochs));
        m.put("EPOCH_IMAGES", epochImages == 0 ? "0 (all)" : Integer.toString(epochImages));
        m.put("BATCH_SIZE", Integer.toString(batchSize));
        m.put("LEARNING_RATE", Double.toString(learningRate));
        m.put("LR_DECAY", Double.toString(lrDecay));
        m.put("PATIENCE", patience == 0 ? "0 (never stop early)" : Integer.toString(patience));
        m.put("AUGMENT", Boolean.toString(augment));
        m.put("LABEL_SPREAD", Double.toString(labelSpread));
        m.put("MIXUP", Double.toString(mixup));
        m.put("FEATURE_VIEWS", Integer.toString(featureViews));
        m.put("TRANSFER_IMAGE_SIZE", Integer.toString(transferImageSize));
        m.put("TRAINABLE_BLOCKS", Integer.toString(trainableBlocks));
        m.put("WEIGHTS_DIR", weightsDir.toString());
        return m;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Parameters in force\n");
        asMap().forEach((k, v) -> sb.append(String.format("  %-20s %s%n", k, v)));
        return sb.toString();
    }

    private Path resolve(String p) {
        Path path = Paths.get(p);
        return (path.isAbsolute() ? path : projectDir.resolve(path)).normalize();
    }

    /** The nearest folder at or above the working directory that holds pom.xml and lib/. */
    static Path findProjectDir() {
        Path start = Paths.get("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("lib"))) return p;
        }
        return start;
    }

    private static SplitProtocol parseProtocol(String s) {
        try {
            return SplitProtocol.valueOf(s.trim().toUpperCase().replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SPLIT_PROTOCOL must be balanced_eval, balanced or all; got '" + s + "'");
        }
    }

    /** Names as given, lower case, without blanks or repeats; which names exist is the model catalog's business. */
    private static List<String> parseModels(String s) {
        List<String> out = new ArrayList<>();
        for (String name : s.split(",")) {
            String n = name.trim().toLowerCase();
            if (!n.isEmpty() && !out.contains(n)) out.add(n);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("MODELS must name at least one model; got '" + s + "'");
        return List.copyOf(out);
    }

    private static double nonNegativeDouble(Function<String, String> env, String key, double dflt) {
        String s = env.apply(key);
        if (s == null) return dflt;
        try {
            double v = Double.parseDouble(s.trim());
            if (v >= 0 && Double.isFinite(v)) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + " must be a number of 0 or more, got '" + s + "'");
    }

    private static double positiveDouble(Function<String, String> env, String key, double dflt) {
        String s = env.apply(key);
        if (s == null) return dflt;
        try {
            double v = Double.parseDouble(s.trim());
            if (!(v > 0) || Double.isInfinite(v)) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a positive number such as 0.001; got '" + s + "'");
        }
    }

    private static boolean parseBoolean(Function<String, String> env, String key, boolean dflt) {
        String s = env.apply(key);
        if (s == null) return dflt;
        return switch (s.trim().toLowerCase()) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false; got '" + s + "'");
        };
    }

    private static int positiveInt(Function<String, String> env, String key, int dflt) {
        int v = nonNegativeInt(env, key, dflt);
        if (v == 0) throw new IllegalArgumentException(key + " must be a positive whole number; got 0");
        return v;
    }

    private static int nonNegativeInt(Function<String, String> env, String key, int dflt) {
        String s = env.apply(key);
        if (s == null) return dflt;
        try {
            int v = Integer.parseInt(s.trim());
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number >= 0; got '" + s + "'");
        }
    }

    private static String or(String v, String dflt) {
        return v == null ? dflt : v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
