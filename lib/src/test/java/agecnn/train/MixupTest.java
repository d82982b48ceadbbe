package agecnn.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** mixup: the Beta draws, and inputs and targets blended by the same weight and the same partners. */
class MixupTest {

    @Test
    void gammaAndBetaDrawsHaveTheirDistributionsMeansAndVariances() {
        for (double shape : new double[] {0.4, 3}) {
            Random r = new Random(1);
            double[] g = new double[100_000];
            for (int i = 0; i < g.length; i++) g[i] = Mixup.gamma(shape, r);
            assertEquals(shape, mean(g), 0.02 * Math.max(1, shape), "Gamma mean, shape " + shape);
            assertEquals(shape, variance(g), 0.05 * Math.max(1, shape), "Gamma variance, shape " + shape);
        }
        for (double alpha : new double[] {0.2, 0.4, 1}) {
            Random r = new Random(2);
            double[] b = new double[100_000];
            for (int i = 0; i < b.length; i++) {
                b[i] = Mixup.beta(alpha, r);
                assertTrue(b[i] >= 0 && b[i] <= 1);
            }
            assertEquals(0.5, mean(b), 0.01, "Beta mean, alpha " + alpha);
            // Beta(a, a) has variance 1 / (4 (2a + 1)): 0.179 at 0.2, 0.083 at 1
            assertEquals(1 / (4 * (2 * alpha + 1)), variance(b), 0.005, "Beta variance, alpha " + alpha);
        }
    }

    @Test
    void inputsAndTargetsAreBlendedByTheSameWeightAndPartners() {
        // each input is its own target, one-hot, so the blended inputs must equal the blended targets
        int n = 8;
        INDArray targets = Nd4j.eye(12).getRows(0, 1, 2, 3, 4, 5, 6, 7).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        INDArray inputs = targets.dup().reshape('c', n, 3, 2, 2);
        DataSet d = Mixup.blend(inputs, targets, 0.4, new Random(5));
        assertArrayEquals(new long[] {n, 3, 2, 2}, d.getFeatures().shape());
        INDArray x = d.getFeatures().reshape('c', n, 12), y = d.getLabels();
        assertEquals(0.0, x.sub(y).norm1Number().doubleValue(), 1e-6);
        double w = -1;
        int[] partners = new int[n];
        for (int i = 0; i < n; i++) {
            assertEquals(1.0, y.getRow(i).sumNumber().doubleValue(), 1e-6, "row " + i + " sums to 1");
            double own = y.getDouble(i, i);
            int partner = i;
            for (int j = 0; j < 12; j++) if (j != i && y.getDouble(i, j) > 0) partner = j;
            partners[i] = partner;
            // a row blended with itself keeps all its weight
            if (partner != i) {
                if (w < 0) w = own;
                assertEquals(w, own, 1e-6, "one weight for the whole batch");
            }
        }
        assertTrue(w > 0 && w < 1, "some rows were blended with another, by " + w);
        // the partners are a permutation: each row is the partner of exactly one
        assertEquals(n, java.util.Arrays.stream(partners).distinct().count());
        // and the input batch was not changed in place
        assertEquals(0.0, inputs.reshape('c', n, 12).sub(targets).norm1Number().doubleValue(), 0);
    }

    @Test
    void theSameSeedBlendsTheSameWay() {
        INDArray x = Nd4j.linspace(1, 80, 80, org.nd4j.linalg.api.buffer.DataType.FLOAT).reshape(16, 5), y = Nd4j.eye(12).getRows(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3);
        DataSet a = Mixup.blend(x, y, 0.4, new Random(9)), b = Mixup.blend(x, y, 0.4, new Random(9)), c = Mixup.blend(x, y, 0.4, new Random(10));
        assertEquals(a.getFeatures(), b.getFeatures());
        assertEquals(a.getLabels(), b.getLabels());
        assertNotEquals(a.getFeatures(), c.getFeatures());
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    private static double variance(double[] v) {
        double m = mean(v), s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return s / v.length;
    }
}
