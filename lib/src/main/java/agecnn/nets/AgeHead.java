package agecnn.nets;

import agecnn.config.Settings;
import agecnn.data.AgeBins;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/**
 * What a model's output layer is a softmax over, and the one place that turns it into what the
 * rest of the project reads: the 12 bin probabilities and an expected age in years.
 *
 * <ul>
 *   <li>{@link #BINS}: the study's softmax over the 12 age bins; its expected age is the mean of
 *       the bins' ages (the mean training age per bin, {@link ModelInfo#binAges()}) weighted by
 *       their probabilities.</li>
 *   <li>{@link #YEARS}: a softmax over single years 1..120 (output {@code i} is age {@code i + 1};
 *       the bins end at 120, UTKFace's ages at 116), trained on a Gaussian around the true age
 *       ({@link #yearTargets}); a bin's probability is the sum over its years, the expected age
 *       the mean {@code sum_y p(y) * y}.</li>
 * </ul>
 */
public enum AgeHead {
    BINS(AgeBins.COUNT),
    YEARS(AgeBins.MAX_AGE - AgeBins.MIN_AGE + 1);

    private final int outputs;

    AgeHead(int outputs) {
        this.outputs = outputs;
    }

    /** Width of the output layer: 12 or 120. */
    public int outputs() { return outputs; }

    /** Its name in settings and saved models: {@code bins} or {@code years}. */
    public String id() { return name().toLowerCase(Locale.ROOT); }

    /** The head a setting asks for. */
    public static AgeHead of(Settings.HeadKind kind) {
        return kind == Settings.HeadKind.YEARS ? YEARS : BINS;
    }

    /**
     * The head a saved model names ({@link ModelInfo#ageHead()}): null, as in files saved before
     * heads had names, is {@link #BINS}.
     *
     * @throws IllegalArgumentException naming the value, when it is neither
     */
    public static AgeHead parse(String id) {
        if (id == null) return BINS;
        for (AgeHead h : values()) if (h.id().equals(id)) return h;
        throw new IllegalArgumentException("age head must be 'bins' or 'years', got '" + id + "'");
    }

    /** The age in years of output {@code index} of a {@link #YEARS} head. */
    public static int yearOf(int index) {
        return AgeBins.MIN_AGE + index;
    }

    /** The output index of {@code age} in a {@link #YEARS} head. */
    public static int indexOf(int age) {
        if (!AgeBins.inRange(age)) {
            throw new IllegalArgumentException("age must be in " + AgeBins.MIN_AGE + ".." + AgeBins.MAX_AGE + ", got " + age);
        }
        return age - AgeBins.MIN_AGE;
    }

    /** Bin probabilities [n, 12] from this head's outputs [n, outputs]: the same for {@link #BINS}, sums over each bin's years for {@link #YEARS}. */
    public INDArray toBins(INDArray out) {
        checkWidth(out);
        if (this == BINS) return out;
        INDArray bins = Nd4j.create(out.dataType(), out.rows(), AgeBins.COUNT);
        for (int b = 0; b < AgeBins.COUNT; b++) {
            INDArray years = out.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(indexOf(AgeBins.lower(b)), indexOf(AgeBins.upper(b)) + 1));
            bins.putColumn(b, years.sum(1));
        }
        return bins;
    }

    /**
     * The expected age of each row of this head's outputs [n, outputs]: for {@link #BINS} the
     * bins' ages {@code binAges} weighted by their probabilities, for {@link #YEARS} the mean
     * over years (then {@code binAges} is not read and may be null).
     */
    public double[] expectedAges(INDArray out, double[] binAges) {
        checkWidth(out);
        double[] ages = this == YEARS ? yearAges() : binAges;
        if (ages == null || ages.length != AgeBins.COUNT && this == BINS) {
            throw new IllegalArgumentException("need " + AgeBins.COUNT + " bin ages for the expected age of a bins head, got "
                    + (ages == null ? "none" : ages.length));
        }
        float[][] p = out.castTo(DataType.FLOAT).toFloatMatrix();
        double[] e = new double[p.length];
        for (int i = 0; i < p.length; i++) e[i] = weightedMean(p[i], ages);
        return e;
    }

    /**
     * The mean of {@code values} weighted by {@code probs}, {@code sum_i p_i * v_i / sum_i p_i}
     * (dividing by the sum forgives rows that add up to 0.9999 in float): the expected age of a
     * probability row, over bins or over years.
     */
    public static double weightedMean(float[] probs, double[] values) {
        if (probs.length != values.length) {
            throw new IllegalArgumentException(probs.length + " probabilities for " + values.length + " values");
        }
        double s = 0, total = 0;
        for (int i = 0; i < probs.length; i++) {
            s += probs[i] * values[i];
            total += probs[i];
        }
        return s / total;
    }

    /** The age of each output of a {@link #YEARS} head: 1, 2, ..., 120. */
    public static double[] yearAges() {
        double[] a = new double[YEARS.outputs];
        for (int i = 0; i < a.length; i++) a[i] = yearOf(i);
        return a;
    }

    /**
     * The class weights of this head's outputs from the weights of the 12 bins: for
     * {@link #YEARS} each year gets its bin's weight, so a rare bin counts as much as a common
     * one, as with the bins head.
     */
    public double[] classWeights(double[] binWeights) {
        if (binWeights.length != AgeBins.COUNT) {
            throw new IllegalArgumentException("need " + AgeBins.COUNT + " bin weights, got " + binWeights.length);
        }
        if (this == BINS) return binWeights.clone();
        double[] w = new double[outputs];
        for (int i = 0; i < outputs; i++) w[i] = binWeights[AgeBins.binOf(yearOf(i))];
        return w;
    }

    /**
     * The training target of a true age for a {@link #YEARS} head: a Gaussian over the years
     * 1..120, {@code exp(-(y - age)^2 / (2 sigma^2))}, cut at the ends and normalised to sum 1;
     * sigma 0 is one-hot on the age.
     */
    public static double[] yearTarget(int age, double sigma) {
        if (!(sigma >= 0) || Double.isInfinite(sigma)) throw new IllegalArgumentException("age sigma must be 0 or more, got " + sigma);
        int t = indexOf(age);
        double[] y = new double[YEARS.outputs];
        if (sigma == 0) {
            y[t] = 1;
            return y;
        }
        double sum = 0;
        for (int i = 0; i < y.length; i++) sum += y[i] = Math.exp(-(double) (i - t) * (i - t) / (2 * sigma * sigma));
        for (int i = 0; i < y.length; i++) y[i] /= sum;
        return y;
    }

    /** {@link #yearTarget} of the examples at {@code positions}, whose true ages are {@code ages}: [n, 120]. */
    public static INDArray yearTargets(int[] ages, int[] positions, double sigma) {
        int w = YEARS.outputs;
        float[] y = new float[positions.length * w];
        for (int k = 0; k < positions.length; k++) {
            double[] row = yearTarget(ages[positions[k]], sigma);
            for (int i = 0; i < w; i++) y[k * w + i] = (float) row[i];
        }
        return Nd4j.create(y, new long[] {positions.length, w}, 'c');
    }

    private void checkWidth(INDArray out) {
        if (out.rank() != 2 || out.columns() != outputs) {
            throw new IllegalArgumentException("a " + id() + " head gives [n, " + outputs + "] outputs, got "
                    + java.util.Arrays.toString(out.shape()));
        }
    }
}
