package agecnn.eval;

import agecnn.data.AgeBins;
import agecnn.nets.AgeHead;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scores of bin predictions against the truth: exact accuracy, one-off accuracy (predicted bin
 * within one of the true bin), mean absolute error in years, the confusion matrix, and per-bin
 * precision, recall and F1 with their macro averages.
 *
 * <p>Ages in years: the prediction is the expected age under the bin probabilities,
 * {@code sum_b p_b * age_b}, where {@code age_b} is the bin's representative age (see
 * {@link #binAges}); the error is taken against each image's true age from its file name. A
 * model whose head is a softmax over years gives its own expected ages, the mean over years
 * ({@link #withExpectedAges}).
 */
public final class Metrics {

    private final int n;
    private final int[][] confusion = new int[AgeBins.COUNT][AgeBins.COUNT];
    private final double exact, oneOff, maeYears;
    // per image, for the intervals
    private final int[] trueBins;
    private final boolean[] hits, nears;
    private final double[] errors;

    /**
     * @param trueBins  true bin of each image
     * @param trueAges  true age of each image, in years
     * @param probs     bin probabilities of each image, [n][12]
     * @param binAges   representative age of each bin, in years
     */
    public Metrics(int[] trueBins, int[] trueAges, float[][] probs, double[] binAges) {
        this(trueBins, trueAges, probs, checkBinAges(binAges), null);
    }

    /**
     * Scores whose ages in years are given, one per image ({@code expectedAges}, e.g. a years
     * head's mean over years), instead of taken from the bin probabilities and bin ages.
     */
    public static Metrics withExpectedAges(int[] trueBins, int[] trueAges, float[][] probs, double[] expectedAges) {
        if (expectedAges.length != probs.length) {
            throw new IllegalArgumentException("need one expected age per image; got " + expectedAges.length + " for " + probs.length);
        }
        return new Metrics(trueBins, trueAges, probs, null, expectedAges);
    }

    private static double[] checkBinAges(double[] binAges) {
        if (binAges.length != AgeBins.COUNT) throw new IllegalArgumentException("need " + AgeBins.COUNT + " bin ages, got " + binAges.length);
        return binAges;
    }

    /** Exactly one of {@code binAges} and {@code expectedAges} is given. */
    private Metrics(int[] trueBins, int[] trueAges, float[][] probs, double[] binAges, double[] expectedAges) {
        if (trueBins.length != probs.length || trueAges.length != probs.length) {
            throw new IllegalArgumentException("need one true bin, one true age and one probability row per image; got "
                    + trueBins.length + ", " + trueAges.length + " and " + probs.length);
        }
        this.n = probs.length;
        this.trueBins = trueBins.clone();
        this.hits = new boolean[n];
        this.nears = new boolean[n];
        this.errors = new double[n];
        int hit = 0, near = 0;
        double err = 0;
        for (int i = 0; i < n; i++) {
            if (probs[i].length != AgeBins.COUNT) {
                throw new IllegalArgumentException("row " + i + " has " + probs[i].length + " probabilities, expected " + AgeBins.COUNT);
            }
            if (trueBins[i] < 0 || trueBins[i] >= AgeBins.COUNT) {
                throw new IllegalArgumentException("row " + i + ": true bin must be in 0.." + (AgeBins.COUNT - 1) + ", got " + trueBins[i]);
            }
            checkProbabilities(probs[i], "row " + i);
            int p = argMax(probs[i]);
            confusion[trueBins[i]][p]++;
            hits[i] = p == trueBins[i];
            nears[i] = Math.abs(p - trueBins[i]) <= 1;
            errors[i] = Math.abs((expectedAges != null ? expectedAges[i] : expectedAge(probs[i], binAges)) - trueAges[i]);
            if (hits[i]) hit++;
            if (nears[i]) near++;
            err += errors[i];
        }
        exact = n == 0 ? Double.NaN : (double) hit / n;
        oneOff = n == 0 ? Double.NaN : (double) near / n;
        maeYears = n == 0 ? Double.NaN : err / n;
    }

    /**
     * The representative age of each bin: the mean age of the given (training) images in it;
     * a bin with no image gets the middle of its edges.
     */
    public static double[] binAges(int[] ages) {
        double[] sum = new double[AgeBins.COUNT];
        int[] count = new int[AgeBins.COUNT];
        for (int a : ages) {
            int b = AgeBins.binOf(a);
            if (b < 0) continue;
            sum[b] += a;
            count[b]++;
        }
        double[] out = new double[AgeBins.COUNT];
        for (int b = 0; b < AgeBins.COUNT; b++) {
            out[b] = count[b] > 0 ? sum[b] / count[b] : (AgeBins.lower(b) + AgeBins.upper(b)) / 2.0;
        }
        return out;
    }

    /**
     * How each bin is given an age for the expected age: a table of bin, its edges and the age
     * used, with how it was chosen ({@code source}, e.g. "mean age of the training images").
     */
    public static Table binAgeTable(double[] binAges, String source) {
        if (binAges.length != AgeBins.COUNT) throw new IllegalArgumentException("need " + AgeBins.COUNT + " bin ages, got " + binAges.length);
        Table t = Table.create("age standing for each bin (" + source + ")", StringColumn.create("bin"),
                DoubleColumn.create("age (years)"));
        for (int b = 0; b < AgeBins.COUNT; b++) {
            t.stringColumn("bin").append(AgeBins.label(b));
            t.doubleColumn("age (years)").append(Math.round(binAges[b] * 10) / 10.0);
        }
        return t;
    }

    /**
     * The mean of the bin ages weighted by the probabilities, {@code sum_b p_b * age_b / sum_b p_b}
     * (dividing by the sum forgives rows that add up to 0.9999 in float).
     */
    public static double expectedAge(float[] probs, double[] binAges) {
        return AgeHead.weightedMean(probs, binAges);
    }

    /** Refuses a probability row with a negative or non-finite value, or a zero sum; names the row. */
    static void checkProbabilities(float[] p, String where) {
        double sum = 0;
        for (int b = 0; b < p.length; b++) {
            if (!Float.isFinite(p[b]) || p[b] < 0) {
                throw new IllegalArgumentException(where + ": probability of bin " + b + " is " + p[b]
                        + ", expected a finite value >= 0");
            }
            sum += p[b];
        }
        if (sum <= 0) throw new IllegalArgumentException(where + ": probabilities sum to 0, expected about 1");
    }

    /** The bin with the highest probability; the lowest such bin on a tie. */
    public static int argMax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    public int count() { return n; }

    public double accuracy() { return exact; }

    public double oneOffAccuracy() { return oneOff; }

    public double maeYears() { return maeYears; }

    /** A range of plausible values of a score; for MAE in years, for accuracies as shares. */
    public record Interval(double low, double high) {
        public boolean contains(double v) {
            return v >= low && v <= high;
        }

        /** e.g. "44.3-50.0" for shares shown as percentages ({@code scale} 100, 1 digit). */
        public String format(double scale, int digits) {
            return String.format("%." + digits + "f-%." + digits + "f", low * scale, high * scale);
        }
    }

    /** 95% intervals of the three headline scores. */
    public record Intervals(Interval accuracy, Interval oneOff, Interval maeYears) {}

    /** Resamples behind {@link #intervals95()}: enough for the 2.5th and 97.5th percentiles to settle to a tenth of a point. */
    public static final int RESAMPLES = 2000;

    /**
     * 95% bootstrap intervals of accuracy, one-off accuracy and MAE: how far the scores could
     * move on another test set drawn the same way. The images are resampled with replacement
     * within each true bin, keeping each bin's count, because the test sets here are drawn per
     * bin (100 each); the interval runs from the 2.5th to the 97.5th percentile of
     * {@value #RESAMPLES} resamples. The same scores always give the same intervals (a fixed seed).
     */
    public Intervals intervals95() {
        return intervals(RESAMPLES, 1);
    }

    Intervals intervals(int resamples, long seed) {
        if (n == 0) {
            Interval none = new Interval(Double.NaN, Double.NaN);
            return new Intervals(none, none, none);
        }
        int[][] byBin = new int[AgeBins.COUNT][];
        int[] count = new int[AgeBins.COUNT];
        for (int b : trueBins) count[b]++;
        for (int b = 0; b < AgeBins.COUNT; b++) byBin[b] = new int[count[b]];
        int[] fill = new int[AgeBins.COUNT];
        for (int i = 0; i < n; i++) byBin[trueBins[i]][fill[trueBins[i]]++] = i;
        java.util.Random random = new java.util.Random(seed);
        double[] acc = new double[resamples], one = new double[resamples], mae = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            int hit = 0, near = 0;
            double err = 0;
            for (int[] members : byBin) {
                for (int k = 0; k < members.length; k++) {
                    int i = members[random.nextInt(members.length)];
                    if (hits[i]) hit++;
                    if (nears[i]) near++;
                    err += errors[i];
                }
            }
            acc[r] = (double) hit / n;
            one[r] = (double) near / n;
            mae[r] = err / n;
        }
        return new Intervals(percentiles(acc), percentiles(one), percentiles(mae));
    }

    private static Interval percentiles(double[] v) {
        java.util.Arrays.sort(v);
        int lo = (int) Math.floor(0.025 * (v.length - 1)), hi = (int) Math.ceil(0.975 * (v.length - 1));
        return new Interval(v[lo], v[hi]);
    }

    /** confusion[true][predicted] */
    public int[][] confusion() {
        int[][] c = new int[AgeBins.COUNT][];
        for (int i = 0; i < AgeBins.COUNT; i++) c[i] = confusion[i].clone();
        return c;
    }

    /**
     * The confusion matrix with each row divided by its total: row t holds where the images of
     * true bin t went, as shares summing to 1; a bin with no true image has a row of NaN.
     */
    public double[][] rowNormalised() {
        double[][] out = new double[AgeBins.COUNT][AgeBins.COUNT];
        for (int t = 0; t < AgeBins.COUNT; t++) {
            int total = 0;
            for (int p = 0; p < AgeBins.COUNT; p++) total += confusion[t][p];
            for (int p = 0; p < AgeBins.COUNT; p++) out[t][p] = total == 0 ? Double.NaN : (double) confusion[t][p] / total;
        }
        return out;
    }

    /** Of the images predicted in the bin, the share truly in it; NaN when none was predicted there. */
    public double precision(int bin) {
        int predicted = 0;
        for (int t = 0; t < AgeBins.COUNT; t++) predicted += confusion[t][bin];
        return predicted == 0 ? Double.NaN : (double) confusion[bin][bin] / predicted;
    }

    /** Of the images truly in the bin, the share predicted in it; NaN when the bin has none. */
    public double recall(int bin) {
        int actual = 0;
        for (int p = 0; p < AgeBins.COUNT; p++) actual += confusion[bin][p];
        return actual == 0 ? Double.NaN : (double) confusion[bin][bin] / actual;
    }

    /** Harmonic mean of precision and recall; 0 when both are 0, NaN when either is undefined. */
    public double f1(int bin) {
        double p = precision(bin), r = recall(bin);
        if (Double.isNaN(p) || Double.isNaN(r)) return Double.NaN;
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** Macro averages over the bins that have true images (an undefined precision counts as 0). */
    public double macroPrecision() { return macro(0); }

    public double macroRecall() { return macro(1); }

    public double macroF1() { return macro(2); }

    private double macro(int which) {
        double s = 0;
        int k = 0;
        for (int b = 0; b < AgeBins.COUNT; b++) {
            if (Double.isNaN(recall(b))) continue;
            double v = which == 0 ? precision(b) : which == 1 ? recall(b) : f1(b);
            s += Double.isNaN(v) ? 0 : v;
            k++;
        }
        return k == 0 ? Double.NaN : s / k;
    }

    /**
     * bin, support, precision, recall (the bin's exact accuracy), F1, one-off accuracy (rounded to 3
     * decimals; empty where undefined) and MAE in years (2 decimals) of the images of each true bin,
     * then a macro-average row (the mean over the bins that have images).
     */
    public Table perBin() {
        Table t = Table.create("per-bin scores", StringColumn.create("bin"), IntColumn.create("images"),
                DoubleColumn.create("precision"), DoubleColumn.create("recall"), DoubleColumn.create("f1"),
                DoubleColumn.create("one_off"), DoubleColumn.create("mae_years"));
        double oneOffSum = 0, maeSum = 0;
        int present = 0;
        for (int b = 0; b < AgeBins.COUNT; b++) {
            int support = 0, near = 0;
            double err = 0;
            for (int i = 0; i < n; i++) {
                if (trueBins[i] != b) continue;
                support++;
                if (nears[i]) near++;
                err += errors[i];
            }
            t.stringColumn("bin").append(AgeBins.label(b));
            t.intColumn("images").append(support);
            t.doubleColumn("precision").append(round3(precision(b)));
            t.doubleColumn("recall").append(round3(recall(b)));
            t.doubleColumn("f1").append(round3(f1(b)));
            t.doubleColumn("one_off").append(support == 0 ? Double.NaN : round3((double) near / support));
            t.doubleColumn("mae_years").append(support == 0 ? Double.NaN : round(err / support, 2));
            if (support > 0) {
                oneOffSum += (double) near / support;
                maeSum += err / support;
                present++;
            }
        }
        t.stringColumn("bin").append("macro");
        t.intColumn("images").append(n);
        t.doubleColumn("precision").append(round3(macroPrecision()));
        t.doubleColumn("recall").append(round3(macroRecall()));
        t.doubleColumn("f1").append(round3(macroF1()));
        t.doubleColumn("one_off").append(present == 0 ? Double.NaN : round3(oneOffSum / present));
        t.doubleColumn("mae_years").append(present == 0 ? Double.NaN : round(maeSum / present, 2));
        return t;
    }

    /** Three decimals are all a reader needs; the exact values come from the methods. */
    private static double round3(double v) {
        return round(v, 3);
    }

    /** {@code v} rounded half up to {@code digits} decimals for tables and JSON; NaN and infinities as they are. */
    public static double round(double v, int digits) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return v;
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** accuracy, one_off, mae_years, macro precision/recall/F1, images: for metrics.json. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accuracy", exact);
        m.put("one_off", oneOff);
        m.put("mae_years", maeYears);
        m.put("macro_precision", macroPrecision());
        m.put("macro_recall", macroRecall());
        m.put("macro_f1", macroF1());
        m.put("images", n);
        return m;
    }

    @Override
    public String toString() {
        return String.format("%d images: accuracy %.1f%%, one-off %.1f%%, MAE %.2f years, macro F1 %.3f",
                n, 100 * exact, 100 * oneOff, maeYears, macroF1());
    }
}
