package agecnn.nets.backbones;

import agecnn.nets.InputScaling;
import agecnn.nets.weights.KerasWeights;
import agecnn.nets.weights.WeightFile;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.nd4j.linalg.activations.Activation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MobileNet v1 at width 0.25 without its classifier, as Keras Applications defines it (layer
 * names included): a 3x3 convolution, then 13 blocks of depthwise 3x3 and pointwise 1x1
 * convolutions, each followed by batch norm and ReLU6. Stride-2 layers pad one pixel on the
 * bottom and right, as TensorFlow's "same" padding does. A block is one depthwise-pointwise pair.
 */
public final class MobileNetV1 implements Backbone {

    static final double ALPHA = 0.25;
    /** Pointwise filters (before the width factor) and stride of blocks 1-13. */
    private static final int[][] BLOCKS = {
        {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
        {512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}
    };
    private static final double BN_EPS = 1e-3;

    @Override public String name() { return "mobilenet"; }

    @Override public String title() { return "MobileNet v1 0.25, ImageNet (Keras)"; }

    @Override public Optional<WeightFile> weightFile() { return Optional.of(WeightFile.MOBILENET_V1_025); }

    @Override public InputScaling scaling(KerasWeights weights) { return InputScaling.tf(); }

    @Override
    public Layout addTo(GraphBuilder g, String input, int imageSize) {
        List<String> ends = new ArrayList<>();
        Map<String, String> keras = new LinkedHashMap<>();
        int filters = (int) (32 * ALPHA);
        g.addLayer("conv1_pad", new ZeroPaddingLayer.Builder(0, 1, 0, 1).build(), input);
        g.addLayer("conv1", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(filters).hasBias(false)
                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build(), "conv1_pad");
        String x = bnRelu6(g, "conv1", keras);
        keras.put("conv1", "conv1");
        ends.add(x);
        for (int b = 1; b <= BLOCKS.length; b++) {
            int stride = BLOCKS[b - 1][1];
            String in = x;
            if (stride == 2) {
                g.addLayer("conv_pad_" + b, new ZeroPaddingLayer.Builder(0, 1, 0, 1).build(), x);
                in = "conv_pad_" + b;
            }
            String dw = "conv_dw_" + b;
            g.addLayer(dw, new DepthwiseConvolution2D.Builder(3, 3).stride(stride, stride).depthMultiplier(1).hasBias(false)
                    .convolutionMode(stride == 1 ? ConvolutionMode.Same : ConvolutionMode.Truncate)
                    .activation(Activation.IDENTITY).build(), in);
            keras.put(dw, dw);
            x = bnRelu6(g, dw, keras);
            String pw = "conv_pw_" + b;
            g.addLayer(pw, new ConvolutionLayer.Builder(1, 1).nOut((int) (BLOCKS[b - 1][0] * ALPHA)).hasBias(false)
                    .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), x);
            keras.put(pw, pw);
            x = bnRelu6(g, pw, keras);
            ends.add(x);
        }
        return new Layout(ends, keras);
    }

    private static String bnRelu6(GraphBuilder g, String conv, Map<String, String> keras) {
        g.addLayer(conv + "_bn", new BatchNormalization.Builder().eps(BN_EPS).useLogStd(false).build(), conv);
        keras.put(conv + "_bn", conv + "_bn");
        g.addLayer(conv + "_relu", new ActivationLayer.Builder().activation(Activation.RELU6).build(), conv + "_bn");
        return conv + "_relu";
    }
}
