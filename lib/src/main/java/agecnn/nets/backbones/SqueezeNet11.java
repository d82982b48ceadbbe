package agecnn.nets.backbones;

import agecnn.nets.InputScaling;
import agecnn.nets.weights.KerasWeights;
import agecnn.nets.weights.WeightFile;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SqueezeNet v1.1 without its classifier, as keras-squeezenet (rcmalli) defines it: a 3x3
 * convolution and eight fire modules (a 1x1 squeeze, then 1x1 and 3x3 expands concatenated),
 * with 3x3 max pooling after the convolution and after fires 3 and 5. Keras names such as
 * {@code fire2/squeeze1x1} become {@code fire2_squeeze1x1} here. A block is a fire module
 * (the first block: the convolution and its pooling).
 */
public final class SqueezeNet11 implements Backbone {

    /** Squeeze and expand filters of fires 2-9. */
    private static final int[][] FIRES = {{16, 64}, {16, 64}, {32, 128}, {32, 128}, {48, 192}, {48, 192}, {64, 256}, {64, 256}};

    @Override public String name() { return "squeezenet"; }

    @Override public String title() { return "SqueezeNet v1.1, ImageNet (Keras)"; }

    @Override public Optional<WeightFile> weightFile() { return Optional.of(WeightFile.SQUEEZENET_V11); }

    @Override public InputScaling scaling(KerasWeights weights) { return InputScaling.caffe(); }

    /**
     * Ten. Its fires have no batch normalization and see inputs on the 0-255 scale: at Adam
     * 0.001 the last four fires died in the first epoch on the full data (validation loss stuck
     * at ln 12, every image given the same output), at 0.0001 they learn.
     */
    @Override public double learningRateDivisor() { return 10; }

    @Override
    public Layout addTo(GraphBuilder g, String input, int imageSize) {
        List<String> ends = new ArrayList<>();
        Map<String, String> keras = new LinkedHashMap<>();
        g.addLayer("conv1", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(64).convolutionMode(ConvolutionMode.Truncate)
                .activation(Activation.RELU).build(), input);
        keras.put("conv1", "conv1");
        String x = pool(g, "pool1", "conv1");
        ends.add(x);
        for (int f = 2; f <= 9; f++) {
            x = fire(g, f, FIRES[f - 2][0], FIRES[f - 2][1], x, keras);
            if (f == 3 || f == 5) x = pool(g, "pool" + f, x);
            ends.add(x);
        }
        return new Layout(ends, keras);
    }

    private static String pool(GraphBuilder g, String name, String in) {
        g.addLayer(name, new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(2, 2)
                .convolutionMode(ConvolutionMode.Truncate).build(), in);
        return name;
    }

    private static String fire(GraphBuilder g, int id, int squeeze, int expand, String in, Map<String, String> keras) {
        String p = "fire" + id;
        g.addLayer(p + "_squeeze1x1", conv(1, squeeze, ConvolutionMode.Truncate), in);
        g.addLayer(p + "_expand1x1", conv(1, expand, ConvolutionMode.Truncate), p + "_squeeze1x1");
        g.addLayer(p + "_expand3x3", conv(3, expand, ConvolutionMode.Same), p + "_squeeze1x1");
        g.addVertex(p + "_concat", new MergeVertex(), p + "_expand1x1", p + "_expand3x3");
        for (String l : List.of("squeeze1x1", "expand1x1", "expand3x3")) keras.put(p + "_" + l, p + "/" + l);
        return p + "_concat";
    }

    private static ConvolutionLayer conv(int k, int filters, ConvolutionMode mode) {
        return new ConvolutionLayer.Builder(k, k).nOut(filters).convolutionMode(mode).activation(Activation.RELU).build();
    }
}
