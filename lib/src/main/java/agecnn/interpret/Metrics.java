package agecnn.interpret;

import agecnn.scrub.AgeBins;
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
 * {@link #binAges}); the error is taken against each image's true age from its file name.
 */
public final class Metrics {

    private final int n;
    private final int[][] confusion = new int[AgeBins.COUNT][AgeBins.COUNT];
    private final double exact, oneOff, maeYears;

    /**
     * @param trueBins  true bin of each image
     * @param trueAges  true age of each image, in years
     * @param probs     bin probabilities of each image, [n][12]
     * @param binAges   representative age of each bin, in years
     */
    public Metrics(int[] trueBins, int[] trueAges, float[][] probs, double[] binAges) {
        if (trueBins.length != probs.length || trueAges.length != probs.length) {
            throw new IllegalArgumentException("need one true bin, one true age and one probability row per image; got "
                    + trueBins.length + ", " + trueAges.length + " and " + probs.length);
        }
        if (binAges.length != AgeBins.COUNT) throw new IllegalArgumentException("need " + AgeBins.COUNT + " bin ages, got " + binAges.length);
        this.n = probs.length;
        int hit = 0, near = 0;
        double err = 0;
        for (int i = 0; i < n; i++) {
            if (probs[i].length != AgeBins.COUNT) {
                throw new IllegalArgumentException("row " + i + " has " + probs[i].length + " probabilities, expected " + AgeBins.COUNT);
            }
            int p = argMax(probs[i]);
            confusion[trueBins[i]][p]++;
            if (p == trueBins[i]) hit++;
            if (Math.abs(p - trueBins[i]) <= 1) near++;
            err += Math.abs(expectedAge(probs[i], binAges) - trueAges[i]);
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

    public static double expectedAge(float[] probs, double[] binAges) {
        double s = 0, total = 0;
        for (int b = 0; b < probs.length; b++) {
            s += probs[b] * binAges[b];
            total += probs[b];
        }
        return s / total;
    }

    public static int argMax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    public int count() { return n; }

    public double accuracy() { return exact; }

    public double oneOffAccuracy() { return oneOff; }

    public double maeYears() { return maeYears; }

    /** confusion[true][predicted] */
    public int[][] confusion() {
        int[][] c = new int[AgeBins.COUNT][];
        for (int i = 0; i < AgeBins.COUNT; i++) c[i] = confusion[i].clone();
        return c;
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

    /** bin, support, precision, recall, F1, then a macro-average row. */
    public Table perBin() {
        Table t = Table.create("per-bin scores", StringColumn.create("bin"), IntColumn.create("images"),
                DoubleColumn.create("precision"), DoubleColumn.create("recall"), DoubleColumn.create("f1"));
        for (int b = 0; b < AgeBins.COUNT; b++) {
            int support = 0;
            for (int p = 0; p < AgeBins.COUNT; p++) support += confusion[b][p];
            t.stringColumn("bin").append(AgeBins.label(b));
            t.intColumn("images").append(support);
            t.doubleColumn("precision").append(precision(b));
            t.doubleColumn("recall").append(recall(b));
            t.doubleColumn("f1").append(f1(b));
        }
        t.stringColumn("bin").append("macro");
        t.intColumn("images").append(n);
        t.doubleColumn("precision").append(macroPrecision());
        t.doubleColumn("recall").append(macroRecall());
        t.doubleColumn("f1").append(macroF1());
        return t;
    }

    /** accuracy, one_off, mae_years, macro_f1, n: for metrics.json. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accuracy", exact);
        m.put("one_off", oneOff);
        m.put("mae_years", maeYears);
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
