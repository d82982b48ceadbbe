package agecnn.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The settings of a run, read once, in one place, as d2l-java does: each {@link Setting} is looked
 * up as a system property first, then as an environment variable, then taken from the
 * {@link Profile}. Grouped by what they are about ({@link #data()}, {@link #split()},
 * {@link #training()}, {@link #paths()}, {@link #spark()}); built from the environment
 * ({@link #fromEnvironment()}), from a map ({@link #of(Map)}) or by hand ({@link #builder()}).
 * Printed at the top of every notebook and stored in {@code run.json}.
 */
public final class Settings {

    /**
     * How the split uses the data: balanced validation and test sets of the study's size with
     * every other image in train (more data to learn from, the same kind of test); the original
     * study's balanced sample; or every image, 80/10/10 per bin.
     */
    public enum SplitProtocol { BALANCED_EVAL, BALANCED, ALL }

    /**
     * What the models' output layer is a softmax over ({@code AGE_HEAD}): the 12 age bins, single
     * years (see {@code agecnn.nets.AgeHead}), or each model's own ({@code AUTO}: years for a
     * backbone that comes with an age head of its own, bins for the others).
     */
    public enum HeadKind { AUTO, BINS, YEARS }

    /**
     * The images: where they are and at which size the models trained from scratch see them.
     *
     * @param utkfaceDir null when not given: {@code agecnn.data.DataLocator} searches then
     */
    public record Data(Path utkfaceDir, int imageSize, int maxPerBin) {}

    /**
     * How the images are split.
     *
     * @param file     a split file to use (null: 02_scrub makes the split)
     * @param balancedTrain images per bin in the balanced protocols' train, validation and test sets
     */
    public record Split(Path file, SplitProtocol protocol, int balancedTrain, int balancedVal, int balancedTest) {}

    /** What 04_model trains and how. */
    public record Training(List<String> models, int epochs, int epochImages, int batchSize, double learningRate, double lrDecay,
                           int patience, boolean augment, double labelSpread, double mixup, int featureViews,
                           int transferImageSize, int trainableBlocks, boolean trainableBlocksGiven, HeadKind ageHead,
                           double ageSigma, int ensemble) {}

    /**
     * Where things are.
     *
     * @param model the saved model the predictor uses when none is named (null: the newest best.zip)
     */
    public record Paths(Path projectDir, Path runDir, Path weightsDir, Path model, String runId) {
        /** Where the preprocessed tensor caches go (shared by profiles; keyed by content). */
        public Path cacheDir() { return projectDir.resolve("data").resolve("cache"); }

        /** Where this run's figures go (also copied to readme_images/ by the runner). */
        public Path figuresDir() { return runDir.resolve("figures"); }
    }

    /** Notebook 07's Spark cluster. */
    public record Spark(String master, int averaging) {}

    private final Profile profile;
    private final long seed;
    private final boolean fastPath;
    private final Data data;
    private final Split split;
    private final Training training;
    private final Paths paths;
    private final Spark spark;

    private Settings(Builder b) {
        this.profile = b.profile;
        this.seed = b.seed;
        this.fastPath = b.fastPath;
        this.data = new Data(b.utkfaceDir, b.imageSize, b.maxPerBin);
        this.split = new Split(b.splitFile, b.splitProtocol, profile.balancedTrain, profile.balancedVal, profile.balancedTest);
        this.training = new Training(List.copyOf(b.models), b.epochs, b.epochImages, b.batchSize, b.learningRate, b.lrDecay, b.patience,
                b.augment, b.labelSpread, b.mixup, b.featureViews, b.transferImageSize, b.trainableBlocks, b.trainableBlocksGiven, b.ageHead, b.ageSigma,
                b.ensemble);
        this.paths = new Paths(b.projectDir, b.runDir, b.weightsDir, b.model, b.runId);
        this.spark = new Spark(b.sparkMaster, b.sparkAveraging);
    }

    public Profile profile() { return profile; }

    public long seed() { return seed; }

    /** Whether the OneDNN helpers are wanted ({@code FAST_PATH}). */
    public boolean fastPath() { return fastPath; }

    public Data data() { return data; }

    public Split split() { return split; }

    public Training training() { return training; }

    public Paths paths() { return paths; }

    public Spark spark() { return spark; }

    /** Where stage outputs of this profile go: the index, the split, the reports of problems. */
    public Path workDir() {
        return paths.projectDir().resolve("data").resolve("work").resolve(profile.name().toLowerCase());
    }

    /** Settings from system properties and environment variables. */
    public static Settings fromEnvironment() {
        return read(key -> blankToNull(System.getProperty(key, System.getenv(key))));
    }

    /** Settings from a map only (tests, and programs that set them explicitly). */
    public static Settings of(Map<String, String> values) {
        return read(key -> blankToNull(values.get(key)));
    }

    /** One setting from system properties and environment variables, for code that runs without a {@link Settings}; null when unset. */
    public static String environment(Setting s) {
        return blankToNull(System.getProperty(s.name(), System.getenv(s.name())));
    }

    /** Whether {@code FAST_PATH=false} is set in this process, for code that runs without a {@link Settings}. */
    public static boolean fastPathOptedOut() {
        String v = environment(Setting.FAST_PATH);
        return v != null && !parseBoolean(Setting.FAST_PATH, v);
    }

    /** A builder starting from the defaults of {@link Profile#DEFAULT} and the project found from the working folder. */
    public static Builder builder() {
        return new Builder(Profile.DEFAULT, findProjectDir());
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    private static Settings read(Function<String, String> env) {
        if (env.apply("AUGMENT_FEATURES") != null) {
            // a renamed setting must not be ignored in silence
            throw new IllegalArgumentException("AUGMENT_FEATURES=" + env.apply("AUGMENT_FEATURES") + " is no longer read: set "
                    + "FEATURE_VIEWS instead (AUGMENT_FEATURES=false is FEATURE_VIEWS=1, true is FEATURE_VIEWS=2)");
        }
        if (env.apply("AGECNN_WEIGHTS") != null) {
            throw new IllegalArgumentException("AGECNN_WEIGHTS=" + env.apply("AGECNN_WEIGHTS") + " is no longer read: set WEIGHTS_DIR "
                    + "instead (one folder for every pretrained weight file, the face detector's too)");
        }
        Function<Setting, String> get = s -> env.apply(s.name());
        Path projectDir = Path.of(or(get.apply(Setting.PROJECT_DIR), findProjectDir().toString())).toAbsolutePath().normalize();
        Builder b = new Builder(Profile.parse(or(get.apply(Setting.PROFILE), "default")), projectDir);
        String dir = get.apply(Setting.UTKFACE_DIR);
        if (dir != null) b.utkfaceDir(b.resolve(dir));
        b.imageSize(positiveInt(get, Setting.IMAGE_SIZE, b.imageSize));
        String seed = get.apply(Setting.SEED);
        if (seed != null) b.seed(parseLong(Setting.SEED, seed));
        b.fastPath(parseBoolean(get, Setting.FAST_PATH, true));
        String split = get.apply(Setting.SPLIT_FILE);
        if (split != null) b.splitFile(b.resolve(split));
        b.splitProtocol(parseProtocol(or(get.apply(Setting.SPLIT_PROTOCOL), "balanced_eval")));
        b.maxPerBin(nonNegativeInt(get, Setting.MAX_PER_BIN, b.maxPerBin));
        b.runId(get.apply(Setting.RUN_ID));
        b.runDir(b.resolve(or(get.apply(Setting.RUN_DIR), "reports/interactive")));
        String models = get.apply(Setting.MODELS);
        if (models != null) b.models(parseModels(models));
        b.epochs(positiveInt(get, Setting.EPOCHS, b.epochs));
        b.epochImages(nonNegativeInt(get, Setting.EPOCH_IMAGES, b.epochImages));
        b.batchSize(positiveInt(get, Setting.BATCH_SIZE, b.batchSize));
        b.learningRate(positiveDouble(get, Setting.LEARNING_RATE, b.learningRate));
        b.lrDecay(positiveDouble(get, Setting.LR_DECAY, b.lrDecay));
        b.patience(nonNegativeInt(get, Setting.PATIENCE, b.patience));
        b.augment(parseBoolean(get, Setting.AUGMENT, b.augment));
        b.featureViews(positiveInt(get, Setting.FEATURE_VIEWS, b.featureViews));
        b.transferImageSize(positiveInt(get, Setting.TRANSFER_IMAGE_SIZE, b.transferImageSize));
        if (get.apply(Setting.TRAINABLE_BLOCKS) != null) b.trainableBlocks(nonNegativeInt(get, Setting.TRAINABLE_BLOCKS, 0));
        b.labelSpread(nonNegativeDouble(get, Setting.LABEL_SPREAD, b.labelSpread));
        b.ensemble(nonNegativeInt(get, Setting.ENSEMBLE, b.ensemble));
        b.mixup(nonNegativeDouble(get, Setting.MIXUP, b.mixup));
        String head = get.apply(Setting.AGE_HEAD);
        if (head != null) b.ageHead(parseHead(head));
        b.ageSigma(nonNegativeDouble(get, Setting.AGE_SIGMA, b.ageSigma));
        b.weightsDir(b.resolve(or(get.apply(Setting.WEIGHTS_DIR), "data/weights")));
        String model = get.apply(Setting.MODEL);
        if (model != null) b.model(b.resolve(model));
        b.sparkMaster(or(get.apply(Setting.SPARK_MASTER), b.sparkMaster));
        b.sparkAveraging(positiveInt(get, Setting.SPARK_AVERAGING, b.sparkAveraging));
        return b.build();
    }

    /** The values in force, in the order of {@link Setting}, as printed and stored in run.json. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Setting s : Setting.values()) m.put(s.name(), shown(s));
        return m;
    }

    private String shown(Setting s) {
        return switch (s) {
            case PROFILE -> profile.name().toLowerCase();
            case SEED -> Long.toString(seed);
            case FAST_PATH -> Boolean.toString(fastPath);
            case UTKFACE_DIR -> data.utkfaceDir() == null ? "(searched)" : data.utkfaceDir().toString();
            case IMAGE_SIZE -> Integer.toString(data.imageSize());
            case MAX_PER_BIN -> data.maxPerBin() == 0 ? "0 (all)" : Integer.toString(data.maxPerBin());
            case SPLIT_FILE -> split.file() == null ? "(made by 02_scrub)" : split.file().toString();
            case SPLIT_PROTOCOL -> split.protocol().name().toLowerCase();
            case MODELS -> String.join(",", training.models());
            case EPOCHS -> Integer.toString(training.epochs());
            case EPOCH_IMAGES -> training.epochImages() == 0 ? "0 (all)" : Integer.toString(training.epochImages());
            case BATCH_SIZE -> Integer.toString(training.batchSize());
            case LEARNING_RATE -> Double.toString(training.learningRate());
            case LR_DECAY -> Double.toString(training.lrDecay());
            case PATIENCE -> training.patience() == 0 ? "0 (never stop early)" : Integer.toString(training.patience());
            case AUGMENT -> Boolean.toString(training.augment());
            case LABEL_SPREAD -> Double.toString(training.labelSpread());
            case AGE_HEAD -> training.ageHead().name().toLowerCase();
            case AGE_SIGMA -> Double.toString(training.ageSigma());
            case MIXUP -> Double.toString(training.mixup());
            case FEATURE_VIEWS -> Integer.toString(training.featureViews());
            case TRANSFER_IMAGE_SIZE -> Integer.toString(training.transferImageSize());
            case TRAINABLE_BLOCKS -> Integer.toString(training.trainableBlocks());
            case ENSEMBLE -> training.ensemble() == 0 ? "0 (none)" : Integer.toString(training.ensemble());
            case PROJECT_DIR -> paths.projectDir().toString();
            case RUN_DIR -> paths.runDir().toString();
            case RUN_ID -> paths.runId() == null ? "(none)" : paths.runId();
            case WEIGHTS_DIR -> paths.weightsDir().toString();
            case MODEL -> paths.model() == null ? "(the run's models/best.zip)" : paths.model().toString();
            case SPARK_MASTER -> spark.master();
            case SPARK_AVERAGING -> Integer.toString(spark.averaging());
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Settings in force\n");
        for (Setting.Group g : Setting.Group.values()) {
            sb.append("  ").append(g.name().toLowerCase()).append('\n');
            for (Setting s : Setting.of(g)) sb.append(String.format("    %-20s %s%n", s.name(), shown(s)));
        }
        return sb.toString();
    }

    /** Builds settings by hand; every value starts at its profile's default. */
    public static final class Builder {
        private Profile profile;
        private final Path projectDir;
        private long seed = 42;
        private boolean fastPath = true;
        private Path utkfaceDir;
        private int imageSize;
        private int maxPerBin;
        private Path splitFile;
        private SplitProtocol splitProtocol = SplitProtocol.BALANCED_EVAL;
        private List<String> models;
        private int epochs, epochImages, batchSize, patience, featureViews, transferImageSize, trainableBlocks;
        private boolean trainableBlocksGiven;
        private int ensemble = 2;
        private double learningRate = 1e-3, lrDecay = 0.85, labelSpread = 0, mixup = 0;
        private boolean augment = true;
        private HeadKind ageHead = HeadKind.AUTO;
        /** Years: UTKFace's ages are good to a few years (see docs/models.md#the-age-head). */
        private double ageSigma = 3;
        private Path runDir, weightsDir, model;
        private String runId;
        private String sparkMaster = "local[*]";
        private int sparkAveraging = 5;

        private Builder(Profile profile, Path projectDir) {
            this.projectDir = projectDir.toAbsolutePath().normalize();
            this.runDir = resolve("reports/interactive");
            this.weightsDir = resolve("data/weights");
            profile(profile);
        }

        private Builder(Settings s) {
            this(s.profile, s.paths.projectDir());
            seed = s.seed;
            fastPath = s.fastPath;
            utkfaceDir = s.data.utkfaceDir();
            imageSize = s.data.imageSize();
            maxPerBin = s.data.maxPerBin();
            splitFile = s.split.file();
            splitProtocol = s.split.protocol();
            Training t = s.training;
            models = t.models();
            epochs = t.epochs();
            epochImages = t.epochImages();
            batchSize = t.batchSize();
            learningRate = t.learningRate();
            lrDecay = t.lrDecay();
            patience = t.patience();
            augment = t.augment();
            labelSpread = t.labelSpread();
            mixup = t.mixup();
            ageHead = t.ageHead();
            ageSigma = t.ageSigma();
            featureViews = t.featureViews();
            transferImageSize = t.transferImageSize();
            trainableBlocks = t.trainableBlocks();
            trainableBlocksGiven = t.trainableBlocksGiven();
            ensemble = t.ensemble();
            runDir = s.paths.runDir();
            weightsDir = s.paths.weightsDir();
            model = s.paths.model();
            runId = s.paths.runId();
            sparkMaster = s.spark.master();
            sparkAveraging = s.spark.averaging();
        }

        /** A path as given, or relative to the project folder. */
        Path resolve(String p) {
            Path path = Path.of(p);
            return (path.isAbsolute() ? path : projectDir.resolve(path)).normalize();
        }

        /** The profile, and with it the defaults of every size, count and model list it sets. */
        public Builder profile(Profile p) {
            this.profile = Objects.requireNonNull(p, "profile");
            this.imageSize = p.imageSize;
            this.maxPerBin = p.maxPerBin;
            Profile.Training t = p.training;
            this.models = t.models();
            this.epochs = t.epochs();
            this.epochImages = t.epochImages();
            this.batchSize = t.batchSize();
            this.patience = t.patience();
            this.featureViews = t.featureViews();
            this.transferImageSize = t.transferImageSize();
            if (!trainableBlocksGiven) this.trainableBlocks = t.trainableBlocks();
            return this;
        }

        public Builder seed(long v) { seed = v; return this; }
        public Builder fastPath(boolean v) { fastPath = v; return this; }
        public Builder utkfaceDir(Path v) { utkfaceDir = v; return this; }
        public Builder imageSize(int v) { imageSize = positive(Setting.IMAGE_SIZE, v); return this; }
        public Builder maxPerBin(int v) { maxPerBin = nonNegative(Setting.MAX_PER_BIN, v); return this; }
        public Builder splitFile(Path v) { splitFile = v; return this; }
        public Builder splitProtocol(SplitProtocol v) { splitProtocol = Objects.requireNonNull(v); return this; }
        public Builder models(List<String> v) {
            if (v.isEmpty()) throw new IllegalArgumentException("MODELS must name at least one model");
            models = List.copyOf(v);
            return this;
        }
        public Builder models(String... v) { return models(List.of(v)); }
        public Builder epochs(int v) { epochs = positive(Setting.EPOCHS, v); return this; }
        public Builder epochImages(int v) { epochImages = nonNegative(Setting.EPOCH_IMAGES, v); return this; }
        public Builder batchSize(int v) { batchSize = positive(Setting.BATCH_SIZE, v); return this; }
        public Builder learningRate(double v) { learningRate = positive(Setting.LEARNING_RATE, v); return this; }
        public Builder lrDecay(double v) { lrDecay = positive(Setting.LR_DECAY, v); return this; }
        public Builder patience(int v) { patience = nonNegative(Setting.PATIENCE, v); return this; }
        public Builder augment(boolean v) { augment = v; return this; }
        public Builder labelSpread(double v) { labelSpread = nonNegative(Setting.LABEL_SPREAD, v); return this; }
        public Builder mixup(double v) { mixup = nonNegative(Setting.MIXUP, v); return this; }
        public Builder ageHead(HeadKind v) { ageHead = Objects.requireNonNull(v, "age head"); return this; }
        public Builder ageSigma(double v) { ageSigma = nonNegative(Setting.AGE_SIGMA, v); return this; }
        public Builder featureViews(int v) { featureViews = positive(Setting.FEATURE_VIEWS, v); return this; }
        /** Members of 04's ensemble ({@code ENSEMBLE}); 0 = none. */
        public Builder ensemble(int v) { ensemble = nonNegative(Setting.ENSEMBLE, v); return this; }
        public Builder transferImageSize(int v) { transferImageSize = positive(Setting.TRANSFER_IMAGE_SIZE, v); return this; }
        /** TRAINABLE_BLOCKS given: then it holds for every backbone, else a backbone may have its own number. */
        public Builder trainableBlocks(int v) {
            trainableBlocks = nonNegative(Setting.TRAINABLE_BLOCKS, v);
            trainableBlocksGiven = true;
            return this;
        }
        public Builder runDir(Path v) { runDir = Objects.requireNonNull(v); return this; }
        public Builder runId(String v) { runId = v; return this; }
        public Builder weightsDir(Path v) { weightsDir = Objects.requireNonNull(v); return this; }
        public Builder model(Path v) { model = v; return this; }
        public Builder sparkMaster(String v) { sparkMaster = Objects.requireNonNull(v); return this; }
        public Builder sparkAveraging(int v) { sparkAveraging = positive(Setting.SPARK_AVERAGING, v); return this; }

        public Settings build() {
            return new Settings(this);
        }

        private static int positive(Setting s, int v) {
            if (v <= 0) throw new IllegalArgumentException(s + " must be a positive whole number; got " + v);
            return v;
        }

        private static int nonNegative(Setting s, int v) {
            if (v < 0) throw new IllegalArgumentException(s + " must be a whole number >= 0; got " + v);
            return v;
        }

        private static double positive(Setting s, double v) {
            if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(s + " must be a positive number; got " + v);
            return v;
        }

        private static double nonNegative(Setting s, double v) {
            if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(s + " must be a number of 0 or more; got " + v);
            return v;
        }
    }

    /** The nearest folder at or above the working directory that holds pom.xml and lib/. */
    static Path findProjectDir() {
        Path start = Path.of("").toAbsolutePath();
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

    private static HeadKind parseHead(String s) {
        try {
            return HeadKind.valueOf(s.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("AGE_HEAD must be auto, bins or years; got '" + s + "'");
        }
    }

    /** Names as given, lower case, without blanks or repeats; which names exist is the model catalogue's business. */
    private static List<String> parseModels(String s) {
        List<String> out = new ArrayList<>();
        for (String name : s.split(",")) {
            String n = name.trim().toLowerCase();
            if (!n.isEmpty() && !out.contains(n)) out.add(n);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("MODELS must name at least one model; got '" + s + "'");
        return List.copyOf(out);
    }

    private static long parseLong(Setting key, String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number; got '" + s + "'");
        }
    }

    private static double nonNegativeDouble(Function<Setting, String> env, Setting key, double dflt) {
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

    private static double positiveDouble(Function<Setting, String> env, Setting key, double dflt) {
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

    private static boolean parseBoolean(Function<Setting, String> env, Setting key, boolean dflt) {
        String s = env.apply(key);
        return s == null ? dflt : parseBoolean(key, s);
    }

    private static boolean parseBoolean(Setting key, String s) {
        return switch (s.trim().toLowerCase()) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false; got '" + s + "'");
        };
    }

    private static int positiveInt(Function<Setting, String> env, Setting key, int dflt) {
        int v = nonNegativeInt(env, key, dflt);
        if (v == 0) throw new IllegalArgumentException(key + " must be a positive whole number; got 0");
        return v;
    }

    private static int nonNegativeInt(Function<Setting, String> env, Setting key, int dflt) {
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
