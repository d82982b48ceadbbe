package agecnn.eval;

import agecnn.data.AgeBins;
import agecnn.data.IndexColumns;
import agecnn.data.Split;
import agecnn.nets.AgeHead;
import agecnn.nets.ModelInfo;
import agecnn.nets.SavedModel;
import agecnn.tensors.ImageExamples;
import agecnn.tensors.PreparedData;
import agecnn.tensors.TensorCache;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One model scored on one split: the bin probabilities it gave each image, and the
 * {@link Metrics} of them. Keeps the per-image results so that the mistakes can be looked at.
 */
public final class Evaluation {

    /** Images per forward pass: small enough for a 2-core laptop at 224 px. */
    static final int BATCH = 32;

    private final String model;
    private final ModelInfo info;
    private final List<String> files;
    private final int[] trueBins;
    private final int[] trueAges;
    private final float[][] probs;
    private final double[] binAges;
    private final String binAgeSource;
    private final double[] expectedAges;
    private final Metrics metrics;

    /**
     * @param binAges      the age standing for each bin in the expected age
     * @param binAgeSource how those ages were chosen, in words (shown beside them)
     */
    public Evaluation(String model, ModelInfo info, List<String> files, int[] trueAges, float[][] probs,
                      double[] binAges, String binAgeSource) {
        this(model, info, files, trueAges, probs, null, binAges, binAgeSource);
    }

    /**
     * The same with each image's expected age given ({@code expectedAges}: a years head's mean
     * over years); null takes it from the bin probabilities and {@code binAges}.
     */
    public Evaluation(String model, ModelInfo info, List<String> files, int[] trueAges, float[][] probs, double[] expectedAges,
                      double[] binAges, String binAgeSource) {
        if (files.size() != trueAges.length || files.size() != probs.length) {
            throw new IllegalArgumentException("need one file, one true age and one probability row per image; got "
                    + files.size() + ", " + trueAges.length + " and " + probs.length);
        }
        this.model = model;
        this.info = info;
        this.files = List.copyOf(files);
        this.trueAges = trueAges.clone();
        this.trueBins = new int[trueAges.length];
        for (int i = 0; i < trueAges.length; i++) {
            trueBins[i] = AgeBins.binOf(trueAges[i]);
            if (trueBins[i] < 0) throw new IllegalArgumentException(files.get(i) + ": age " + trueAges[i] + " is in no bin");
        }
        this.probs = probs;
        this.binAges = binAges.clone();
        this.binAgeSource = binAgeSource;
        this.expectedAges = new double[probs.length];
        for (int i = 0; i < probs.length; i++) {
            this.expectedAges[i] = expectedAges != null ? expectedAges[i] : Metrics.expectedAge(probs[i], binAges);
        }
        this.metrics = Metrics.withExpectedAges(trueBins, this.trueAges, probs, this.expectedAges);
    }

    /**
     * Runs the model over the images of {@code split} (read from the tensor cache at the
     * model's own input size) and scores it. Bins stand for the ages the model carries
     * ({@link ModelInfo#binAges()}: the mean age of its training images per bin); a model
     * saved without them gets the mean ages of this split's training images.
     */
    public static Evaluation of(SavedModel saved, PreparedData data, String split) throws IOException {
        ModelInfo info = saved.info();
        TensorCache cache = data.cache(info.imageSize());
        List<String> files = data.split().files(split);
        if (files.isEmpty()) throw new IllegalArgumentException("the split has no '" + split + "' images to score");
        Map<String, Integer> ageOf = ages(data.table());
        int[] ages = new int[files.size()];
        for (int i = 0; i < files.size(); i++) {
            if (cache.indexOf(files.get(i)) < 0) throw new IllegalStateException(files.get(i) + " is in the split but not in " + cache.path());
            ages[i] = ageOf.get(files.get(i));
        }
        double[] binAges = info.binAges();
        String source = "mean age of the model's training images in the bin";
        if (binAges == null || binAges.length != AgeBins.COUNT) {
            List<String> train = data.split().files(Split.TRAIN);
            binAges = Metrics.binAges(train.stream().mapToInt(ageOf::get).toArray());
            source = "mean age of this split's training images in the bin (the model carries none)";
        }
        ImageExamples images = new ImageExamples(cache, files, data.split().bins(split), ages);
        Predictions.Readings r = Predictions.readings(saved, images, BATCH, binAges);
        if (info.head() == AgeHead.YEARS) source += "; unused: the model's expected age is its mean over years";
        return new Evaluation(info.name(), info, files, ages, r.probabilities(), r.expectedAges(), binAges, source);
    }

    private static Map<String, Integer> ages(Table table) {
        Map<String, Integer> m = new HashMap<>();
        for (int r = 0; r < table.rowCount(); r++) {
            m.put(table.getString(r, IndexColumns.FILE), table.intColumn(IndexColumns.AGE).getInt(r));
        }
        return m;
    }

    public String model() { return model; }

    /** Null when the evaluation was made from bare probabilities. */
    public ModelInfo info() { return info; }

    public Metrics metrics() { return metrics; }

    public List<String> files() { return files; }

    public double[] binAges() { return binAges.clone(); }

    /** How each bin is given an age, as a table (see {@link Metrics#binAgeTable}). */
    public Table binAgeTable() {
        return Metrics.binAgeTable(binAges, binAgeSource);
    }

    /** A wrong prediction: the image, its true age and bin, the predicted bin and the probability given to it. */
    public record Mistake(String file, int trueAge, int trueBin, int predictedBin, double confidence, double expectedAge) {
        /** How many bins away from the truth. */
        public int binsOff() { return Math.abs(predictedBin - trueBin); }

        @Override
        public String toString() {
            return String.format("%s: true %s (%d y), predicted %s with %.0f%%, expected age %.1f", file,
                    AgeBins.label(trueBin), trueAge, AgeBins.label(predictedBin), 100 * confidence, expectedAge);
        }
    }

    /**
     * The {@code n} worst wrong predictions: furthest from the true bin first, then the most
     * confident (a sure answer two bins off misleads more than a hesitant one), then by file
     * name so that the choice is stable.
     */
    public List<Mistake> worstMistakes(int n) {
        List<Mistake> wrong = new ArrayList<>();
        for (int i = 0; i < probs.length; i++) {
            int p = Metrics.argMax(probs[i]);
            if (p == trueBins[i]) continue;
            wrong.add(new Mistake(files.get(i), trueAges[i], trueBins[i], p, probs[i][p], expectedAges[i]));
        }
        wrong.sort(Comparator.comparingInt(Mistake::binsOff).reversed()
                .thenComparing(Comparator.comparingDouble(Mistake::confidence).reversed())
                .thenComparing(Mistake::file));
        return wrong.subList(0, Math.min(n, wrong.size()));
    }

    @Override
    public String toString() {
        return model + ": " + metrics;
    }
}
