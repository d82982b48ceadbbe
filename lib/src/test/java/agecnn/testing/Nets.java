package agecnn.testing;

import agecnn.train.TrainingPlan;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/** Small helpers shared by the model tests. */
public final class Nets {

    public static final double[] EQUAL_WEIGHTS = uniform();
    /** Ages standing for the 12 bins in tests of saved models and scores. */
    public static final double[] BIN_AGES = {2, 7, 14, 20, 24.5, 29.5, 35, 41.5, 49.5, 58, 68, 80};

    private Nets() {}

    public static TrainingPlan plan(int epochs) {
        return new TrainingPlan(epochs, 8, 1e-3, 0.9, 0, true, 7);
    }

    /** A random NCHW batch in [0, 1], the same for a seed. */
    public static INDArray images(int n, int size, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, n, 3, size, size);
    }

    private static double[] uniform() {
        double[] w = new double[12];
        Arrays.fill(w, 1);
        return w;
    }
}
