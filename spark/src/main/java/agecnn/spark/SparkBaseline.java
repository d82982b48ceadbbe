package agecnn.spark;

import agecnn.scrub.AgeBins;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The original study's baseline CNN: conv 32 3x3, max-pool, conv 32 4x4, max-pool, conv 64 3x3,
 * max-pool, dense 64 relu, dense 12 softmax, Adam; input RGB NCHW scaled by 1/255.
 *
 * <p>Stand-in: when merged with the model catalogue (agecnn.model, notebook 04), this class goes
 * and the Spark trainer takes the catalogue's definition of "baseline" (or of any other model).
 */
public final class SparkBaseline {

    public static final String NAME = "baseline";
    public static final double LEARNING_RATE = 1e-3;

    private SparkBaseline() {}

    /** The baseline for square images of {@code imageSize} px, initialised from {@code seed}. */
    public static MultiLayerNetwork network(int imageSize, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf(imageSize, seed, null));
        net.init();
        return net;
    }

    /**
     * @param classWeights weight of each bin in the loss (e.g. {@code Split.classWeights()}), or null for none
     */
    public static MultiLayerConfiguration conf(int imageSize, long seed, double[] classWeights) {
        LossMCXENT loss = classWeights == null ? new LossMCXENT() : new LossMCXENT(Nd4j.createFromArray(classWeights).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(LEARNING_RATE))
                .weightInit(WeightInit.RELU)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(32).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(4, 4).nOut(32).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(64).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(loss).nOut(AgeBins.COUNT).activation(Activation.SOFTMAX)
                        .weightInit(WeightInit.XAVIER).build())
                .setInputType(InputType.convolutional(imageSize, imageSize, 3))
                .build();
    }
}
