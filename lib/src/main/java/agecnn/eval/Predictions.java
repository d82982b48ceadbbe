package agecnn.eval;

import agecnn.nets.AgeHead;
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

    /** A network with the 12-bin head being trained, in inference mode (no mirror averaging). */
    public static float[][] probabilities(ComputationGraph net, Examples examples, int[] positions, int batchSize) {
        return probabilities(net, AgeHead.BINS, examples, positions, batchSize);
    }

    /** A network with the given head being trained, in inference mode: its outputs as bin probabilities ({@link AgeHead#toBins}). */
    public static float[][] probabilities(ComputationGraph net, AgeHead head, Examples examples, int[] positions, int batchSize) {
        return probabilities(x -> head.toBins(net.outputSingle(false, x)), examples, positions, batchSize);
    }

    /** Every example, in order. */
    public static float[][] probabilities(ComputationGraph net, Examples examples, int batchSize) {
        return probabilities(net, examples, Examples.range(0, examples.size()), batchSize);
    }

    /**
     * A saved model's bin probabilities [n][12] and expected ages in years, every example in
     * order, from one (mirrored) pass of each batch ({@link SavedModel#read}): the ages of a bins
     * model are its bins' ages {@code binAges} weighted by the probabilities, those of a years
     * model the mean over years ({@code binAges} unread).
     */
    public static Readings readings(SavedModel model, Examples examples, int batchSize, double[] binAges) {
        int n = examples.size();
        float[][] probs = new float[n][];
        double[] ages = new double[n];
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            SavedModel.Reading r = model.read(examples.inputs(Examples.range(from, to), null), binAges);
            INDArray p = r.bins().castTo(DataType.FLOAT);
            for (int k = 0; k < to - from; k++) {
                probs[from + k] = p.getRow(k).toFloatVector();
                ages[from + k] = r.expectedAges()[k];
            }
        }
        return new Readings(probs, ages);
    }

    /** Bin probabilities [n][12] and expected ages in years of n examples. */
    public record Readings(float[][] probabilities, double[] expectedAges) {}

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

    /** Accuracy and loss of the examples at these positions, for a network with the 12-bin head. */
    public static double[] accuracyAndLoss(ComputationGraph net, Examples examples, int[] positions, int batchSize) {
        return accuracyAndLoss(net, AgeHead.BINS, examples, positions, batchSize);
    }

    /**
     * Accuracy and loss of the examples at these positions, over the bins whatever the head
     * ({@link AgeHead#toBins}): the loss is the cross-entropy of the true bins, so heads compare.
     */
    public static double[] accuracyAndLoss(ComputationGraph net, AgeHead head, Examples examples, int[] positions, int batchSize) {
        return accuracyAndLoss(x -> head.toBins(net.outputSingle(false, x)), examples, positions, batchSize);
    }

    /**
     * The same for any model's bin probabilities (e.g. an ensemble's {@link SavedModel#output}, the
     * mean of its members' outputs without mirror images, to compare with its members' validation scores).
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
