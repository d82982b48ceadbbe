package agecnn.testing;

import agecnn.data.AgeBins;
import agecnn.eval.Metrics;
import agecnn.nets.ModelInfo;
import agecnn.nets.SavedModel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Small untrained networks saved as project artifacts: enough to test the plumbing around a model. */
public final class TinyModels {

    private TinyModels() {}

    /** A 4-filter CNN with random weights for {@code size} x {@code size} RGB input, 12 softmax outputs. */
    public static SavedModel random(String name, int size, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(AgeBins.COUNT)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(size, size, 3))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return new SavedModel(net, ModelInfo.of(name, "tiny-cnn", size, midpoints(), Map.of("epochs", 0), Map.of()));
    }

    /** Saves {@link #random} to {@code file} and returns the file. */
    public static Path save(Path file, String name, int size, long seed) throws IOException {
        random(name, size, seed).save(file);
        return file;
    }

    /** The middle of each bin, as a stand-in for training-set mean ages. */
    public static double[] midpoints() {
        return Metrics.binAges(new int[0]);
    }
}
