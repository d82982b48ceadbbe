package agecnn.bench;

import agecnn.nets.FastPath;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The baseline CNN: blocks of [conv 3x3 same-padding + relu + maxpool 2x2], then a dense relu
 * layer and a softmax output. Input NCHW, 3 x size x size, float32; Adam. The default shape
 * (filters 32/64/128, dense 128) is the one the speed benchmark compares with PyTorch.
 */
public final class BenchCnn {

    public static final int[] DEFAULT_FILTERS = {32, 64, 128};
    public static final int DEFAULT_DENSE = 128;
    public static final double LEARNING_RATE = 1e-3;

    private BenchCnn() {}

    /** The default network, initialised, on the fast path (see {@link FastPath}). */
    public static MultiLayerNetwork build(int imageSize, int numClasses, long seed) {
        return build(config(imageSize, numClasses, seed));
    }

    /** Any configuration, initialised on the fast path and readied for this CPU ({@link FastPath#tune}). */
    public static MultiLayerNetwork build(MultiLayerConfiguration conf) {
        FastPath.enable(); // before init(): layers choose their helpers when they are made
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return FastPath.tune(net);
    }

    public static MultiLayerConfiguration config(int imageSize, int numClasses, long seed) {
        return config(imageSize, numClasses, seed, DEFAULT_FILTERS, DEFAULT_DENSE);
    }

    /** One conv block per entry of {@code filters}; each halves the side, so size must allow it. */
    public static MultiLayerConfiguration config(int imageSize, int numClasses, long seed,
                                                 int[] filters, int denseSize) {
        return config(imageSize, numClasses, seed, filters, denseSize, CNN2DFormat.NCHW);
    }

    /** With the layout the conv and pooling layers work in; the input stays NCHW. */
    public static MultiLayerConfiguration config(int imageSize, int numClasses, long seed,
                                                 int[] filters, int denseSize, CNN2DFormat layerFormat) {
        if (imageSize >> filters.length < 1) {
            throw new IllegalArgumentException("image size " + imageSize + " is too small for "
                    + filters.length + " pooling steps");
        }
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(LEARNING_RATE))
                .weightInit(WeightInit.RELU)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                // Keep each conv layer's pre-activation from the forward pass for backprop, which
                // otherwise runs the convolution again: about a third less conv time per step.
                .cacheMode(CacheMode.DEVICE)
                .convolutionMode(ConvolutionMode.Same)
                .list();
        for (int f : filters) {
            list.layer(new ConvolutionLayer.Builder(3, 3)
                    .dataFormat(layerFormat)
                    .nOut(f)
                    .activation(Activation.RELU)
                    .build());
            list.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                    .dataFormat(layerFormat)
                    .kernelSize(2, 2).stride(2, 2)
                    .build());
        }
        list.layer(new DenseLayer.Builder().nOut(denseSize).activation(Activation.RELU).build());
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(numClasses)
                .activation(Activation.SOFTMAX)
                .build());
        list.setInputType(InputType.convolutional(imageSize, imageSize, 3, CNN2DFormat.NCHW));
        return list.build();
    }
}
