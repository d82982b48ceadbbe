package agecnn.eval;

import agecnn.nets.SavedModel;
import agecnn.tensors.Examples;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/** The one batched prediction path: a network's bin probabilities for examples, and the loss and accuracy the trainer records from them. */
public final class Predictions {

    /** Smallest probability taken into a log, so one confident mistake cannot make the loss infinite. */
    private static final double EPS = 1e-7;

    private Predictions() {}

    /**
     * The project's one batched prediction path: {@code model}'s bin probabilities
     * [positions.length][12] for the examples at {@code positions}, batch by batch, without
     * augmentation. Training scores, test scores and evaluations all come through here.
     */
    public static float[][] probabilities(UnaryOperator<INDArray> model, Examples examples, int[] positions, int batchSize) {
        float[][] out = new float[positions.length][];
        for (int from = 0; from < positions.length; from += batchSize) {
            int to = Math.min(positions.length, from + batchSize);
            int[] pos = Arrays.copyOfRange(positions, from, to);
            INDArray p = model.apply(examples.inputs(pos, null)).castTo(DataType.FLOAT);
            for (int k = 0; k < pos.length; k++) out[from + k] = p.getRow(k).toFloatVector();
        }
        return out;
    }

    /** A network being trained, in inference mode (no mirror averaging). */
    public static float[][] probabilities(ComputationGraph net, Examples examples, int[] positions, int batchSize) {
        return probabilities(x -> net.outputSingle(false, x), examples, positions, batchSize);
    }

    /** Every example, in order. */
    public static float[][] probabilities(ComputationGraph net, Examples examples, int batchSize) {
        return probabilities(net, examples, Examples.range(0, examples.size()), batchSize);
    }

    /** A saved model ({@link SavedModel#predict}: the image and its mirror averaged), every example in order. */
    public static float[][] probabilities(SavedModel model, Examples examples, int batchSize) {
        return probabilities(model::predict, examples, Examples.range(0, examples.size()), batchSize);
    }

    /** Mean cross-entropy of the true bins (unweighted). */
    public static double loss(float[][] probs, int[] bins) {
        double s = 0;
        for (int i = 0; i < probs.length; i++) s -= Math.log(Math.max(probs[i][bins[i]], EPS));
        return probs.length == 0 ? Double.NaN : s / probs.length;
    }

    /** Accuracy and loss of the examples at these positions. */
    public static double[] accuracyAndLoss(ComputationGraph net, Examples examples, int[] positions, int batchSize) {
        return accuracyAndLoss(x -> net.outputSingle(false, x), examples, positions, batchSize);
    }

    /**
     * The same for any model's outputs (e.g. an ensemble's {@link SavedModel#output}, the mean of
     * its members' outputs without mirror images, to compare with its members' validation scores).
     */
    public static double[] accuracyAndLoss(UnaryOperator<INDArray> model, Examples examples, int[] positions, int batchSize) {
        float[][] p = probabilities(model, examples, positions, batchSize);
        int[] allBins = examples.bins(), allAges = examples.ages();
        int[] bins = new int[positions.length], ages = new int[positions.length];
        for (int k = 0; k < positions.length; k++) {
            bins[k] = allBins[positions[k]];
            ages[k] = allAges[positions[k]];
        }
        return new double[] {new Metrics(bins, ages, p, Metrics.binAges(ages)).accuracy(), loss(p, bins)};
    }
}
