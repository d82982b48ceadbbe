package agecnn.nets;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The original study's CNN, trained from scratch: convolutions of 32 3x3, 32 4x4 and 64 3x3
 * filters, each followed by 2x2 max pooling, then a dense layer of 64 and a softmax over the
 * 12 bins (or the 120 years of {@link AgeHead#YEARS}: as many outputs as class weights, see
 * {@link StudyHead#output}). ReLU throughout; no padding.
 */
public final class StudyCnn {

    public static final String NAME = "baseline";
    public static final String TITLE = "the study's CNN (3 conv + 2 dense), from scratch";

    private StudyCnn() {}

    /** The initialised network for square RGB images of {@code imageSize} px. */
    public static ComputationGraph build(int imageSize, double[] classWeights, IUpdater updater, long seed) {
        if (imageSize < 30) throw new IllegalArgumentException("the study's CNN needs images of at least 30 px, got " + imageSize);
        GraphBuilder g = Networks.graph(updater, seed)
                .addInputs(Networks.INPUT)
                .setInputTypes(InputType.convolutional(imageSize, imageSize, 3));
        g.addLayer("conv1", conv(3, 32), Networks.INPUT);
        g.addLayer("pool1", pool(), "conv1");
        g.addLayer("conv2", conv(4, 32), "pool1");
        g.addLayer("pool2", pool(), "conv2");
        g.addLayer("conv3", conv(3, 64), "pool2");
        g.addLayer("pool3", pool(), "conv3");
        g.addLayer("dense", new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build(), "pool3");
        g.addLayer(StudyHead.OUTPUT, StudyHead.output(classWeights, 0), "dense");
        g.setOutputs(StudyHead.OUTPUT);
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return FastPath.tune(net);   // its 2x2 poolings at vector speed on every CPU
    }

    private static ConvolutionLayer conv(int k, int filters) {
        return new ConvolutionLayer.Builder(k, k).nOut(filters).convolutionMode(ConvolutionMode.Truncate)
                .activation(Activation.RELU).build();
    }

    private static SubsamplingLayer pool() {
        return new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
    }
}
