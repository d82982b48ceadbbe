package agecnn.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/**
 * mixup (Zhang et al., 2018): a training batch blended with the same batch in another order,
 * inputs and targets by the same weight, so the network learns from points between the examples
 * as well as at them. For age bins the blended targets of two neighbouring ages say what a guess
 * between them is worth, and the blends keep a head that overfits within a few epochs from
 * becoming too sure of itself.
 */
final class Mixup {

    private Mixup() {}

    /**
     * The batch blended with itself in a random order: {@code w * x + (1 - w) * x[perm]}, the
     * same for the targets, with {@code w} drawn once for the batch from Beta(alpha, alpha).
     * Every draw comes from {@code random}, so a seeded run blends the same way every time.
     */
    static DataSet blend(INDArray inputs, INDArray targets, double alpha, Random random) {
        int n = (int) inputs.size(0);
        double w = beta(alpha, random);
        int[] perm = Trainer.shuffled(n, random);
        return new DataSet(blendRows(inputs, perm, w), blendRows(targets, perm, w));
    }

    /** Row i becomes w * row i + (1 - w) * row perm[i]; in plain Java, as ND4J's row gathers cost tens of ms a batch here. */
    private static INDArray blendRows(INDArray a, int[] perm, double w) {
        INDArray c = a.castTo(DataType.FLOAT).dup('c');
        float[] v = c.data().asFloat(), out = new float[v.length];
        c.close();
        int d = v.length / perm.length;
        float fw = (float) w, fo = (float) (1 - w);
        for (int i = 0; i < perm.length; i++) {
            int p = perm[i] * d, r = i * d;
            for (int j = 0; j < d; j++) out[r + j] = fw * v[r + j] + fo * v[p + j];
        }
        return Nd4j.create(out, a.shape(), 'c');
    }

    /** A draw from Beta(alpha, alpha), as X / (X + Y) of two Gamma(alpha) draws. */
    static double beta(double alpha, Random r) {
        double x = gamma(alpha, r), y = gamma(alpha, r);
        return x / (x + y);
    }

    /**
     * A draw from Gamma(shape, 1): Marsaglia and Tsang's method (2000), with a shape under 1
     * raised by one and the draw scaled by U^(1/shape).
     */
    static double gamma(double shape, Random r) {
        if (shape < 1) return gamma(shape + 1, r) * Math.pow(r.nextDouble(), 1 / shape);
        double d = shape - 1.0 / 3, c = 1 / Math.sqrt(9 * d);
        while (true) {
            double z = r.nextGaussian(), v = 1 + c * z;
            if (v <= 0) continue;
            v = v * v * v;
            double u = r.nextDouble();
            if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
        }
    }
}
