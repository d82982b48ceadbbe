package agecnn.nets;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The original study's classifier on a pretrained backbone: the backbone's feature maps
 * averaged over space, a dense ReLU layer with an L1 penalty on its weights, dropout 0.5,
 * and a softmax over the 12 age bins (or, with {@code AGE_HEAD=years}, over single years: see
 * {@link AgeHead}), trained with class-weighted cross-entropy.
 *
 * @param units   width of the dense layer
 * @param l1      L1 penalty on the dense layer's weights
 * @param dropout share of the dense layer's outputs dropped in training
 */
public record StudyHead(int units, double l1, double dropout) {

    public static final String POOL = "head_pool", DENSE = "head_dense", OUTPUT = "head_output";

    /** The study's: 256 units, L1 1e-4, dropout 0.5. */
    public static StudyHead study() {
        return new StudyHead(256, 1e-4, 0.5);
    }

    /** Adds the head after the vertex {@code features}; its output is {@value #OUTPUT}. */
    public void addTo(GraphBuilder g, String features, double[] classWeights) {
        g.addLayer(POOL, pool(), features);
        g.addLayer(DENSE, dense(), POOL);
        g.addLayer(OUTPUT, output(classWeights, dropout), DENSE);
        g.setOutputs(OUTPUT);
    }

    /** The same, on a network being edited (a zoo network losing its classifier). */
    public void addTo(TransferLearning.GraphBuilder g, String features, double[] classWeights) {
        g.addLayer(POOL, pool(), features);
        g.addLayer(DENSE, dense(), POOL);
        g.addLayer(OUTPUT, output(classWeights, dropout), DENSE);
        g.setOutputs(OUTPUT);
    }

    private static GlobalPoolingLayer pool() {
        return new GlobalPoolingLayer.Builder(PoolingType.AVG).build();
    }

    private DenseLayer dense() {
        return new DenseLayer.Builder().nOut(units).activation(Activation.RELU).l1(l1).build();
    }

    /**
     * A softmax over the outputs of an {@link AgeHead}, one per class weight: the 12 bins, or the
     * 120 years ({@link AgeHead#classWeights} gives each year its bin's weight), trained with
     * cross-entropy weighted per output (the weights make rare bins count as much as common
     * ones), dropping {@code dropout} of its inputs in training.
     */
    public static OutputLayer output(double[] classWeights, double dropout) {
        if (classWeights.length != AgeHead.BINS.outputs() && classWeights.length != AgeHead.YEARS.outputs()) {
            throw new IllegalArgumentException("need " + AgeHead.BINS.outputs() + " class weights (bins) or " + AgeHead.YEARS.outputs()
                    + " (years), got " + classWeights.length);
        }
        OutputLayer.Builder b = new OutputLayer.Builder(new LossMCXENT(Nd4j.create(classWeights).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)))
                .nOut(classWeights.length).activation(Activation.SOFTMAX);
        // DL4J's dropOut(p) is the probability of keeping an input
        if (dropout > 0) b.dropOut(1 - dropout);
        return b.build();
    }
}
