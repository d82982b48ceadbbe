package agecnn.nets.backbones;

import agecnn.nets.InputScaling;
import agecnn.nets.weights.KerasWeights;
import agecnn.nets.weights.WeightFile;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * EfficientNet-B0 without its classifier, as Keras Applications (TensorFlow 2) defines it, layer
 * names included: a 3x3 stem, 16 MBConv blocks (1x1 expansion, depthwise convolution,
 * squeeze-and-excitation, 1x1 projection, a residual connection where shapes allow) in 7 stages,
 * and a 1x1 convolution to 1280 channels; batch norm and swish throughout. Stride-2 layers pad
 * as Keras's {@code correct_pad} does. Squeeze-and-excitation's per-channel scale is spread back
 * over the feature map by upsampling, since DL4J's element-wise vertex wants equal shapes.
 * Dropout of the residual branches (stochastic depth) is left out: it only acts in training,
 * and the backbone is used frozen except for its last block.
 *
 * <p>Its weights come from the Keras file {@code efficientnetb0_notop.h5} when the user has it
 * in WEIGHTS_DIR; the input normalisation is read from that file's {@code normalization} layer.
 * A block is a stage's MBConv block; the last one also holds the 1x1 top convolution.
 */
public final class EfficientNetB0 implements Backbone {

    public static final String FILE = "efficientnetb0_notop.h5";
    private static final double BN_EPS = 1e-3;
    /** kernel, repeats, filters in, filters out, expansion, stride of the 7 stages (B0: no width or depth scaling). */
    private static final int[][] STAGES = {
        {3, 1, 32, 16, 1, 1}, {3, 2, 16, 24, 6, 2}, {5, 2, 24, 40, 6, 2}, {3, 3, 40, 80, 6, 2},
        {5, 3, 80, 112, 6, 1}, {5, 4, 112, 192, 6, 2}, {3, 1, 192, 320, 6, 1}
    };
    /** ImageNet's mean and the variances Keras's normalization layer was given, for when the file does not say. */
    private static final double[] MEAN = {0.485, 0.456, 0.406};
    private static final double[] VARIANCE = {0.229 * 0.229, 0.224 * 0.224, 0.225 * 0.225};

    @Override public String name() { return "efficientnetb0"; }

    @Override public String title() { return "EfficientNet-B0, ImageNet (Keras)"; }

    @Override public Optional<WeightFile> weightFile() { return Optional.empty(); }

    @Override public String weightFileName() { return FILE; }

    /** Keras's normalization layer as the file holds it (mean and variance), else ImageNet's. */
    @Override
    public InputScaling scaling(KerasWeights weights) {
        if (weights != null && weights.has("normalization")) {
            Map<String, INDArray> n = weights.layer("normalization");
            if (n.containsKey("mean") && n.containsKey("variance")) {
                return InputScaling.standardize(n.get("mean").toDoubleVector(), n.get("variance").toDoubleVector());
            }
        }
        return InputScaling.standardize(MEAN, VARIANCE);
    }

    @Override
    public Layout addTo(GraphBuilder g, String input, int imageSize) {
        List<String> ends = new ArrayList<>();
        Map<String, String> keras = new LinkedHashMap<>();
        int size = imageSize;
        g.addLayer("stem_conv_pad", pad(size, 3), input);
        g.addLayer("stem_conv", conv(3, 32, 2, ConvolutionMode.Truncate), "stem_conv_pad");
        size = (size + 1) / 2;
        String x = bnSwish(g, "stem_conv", "stem_bn", "stem_activation", keras);
        keras.put("stem_conv", "stem_conv");
        for (int s = 0; s < STAGES.length; s++) {
            int[] st = STAGES[s];
            for (int r = 0; r < st[1]; r++) {
                String name = "block" + (s + 1) + (char) ('a' + r) + "_";
                int in = r == 0 ? st[2] : st[3], stride = r == 0 ? st[5] : 1;
                x = block(g, name, x, in, st[3], st[0], stride, st[4], size, keras);
                if (stride == 2) size = (size + 1) / 2;
                ends.add(x);
            }
        }
        g.addLayer("top_conv", conv(1, 1280, 1, ConvolutionMode.Same), x);
        keras.put("top_conv", "top_conv");
        x = bnSwish(g, "top_conv", "top_bn", "top_activation", keras);
        ends.set(ends.size() - 1, x);
        return new Layout(ends, keras);
    }

    /** One MBConv block; {@code size} is the side of its input. */
    private static String block(GraphBuilder g, String name, String input, int filtersIn, int filtersOut, int kernel, int stride,
                                int expand, int size, Map<String, String> keras) {
        int filters = filtersIn * expand;
        String x = input;
        if (expand != 1) {
            g.addLayer(name + "expand_conv", conv(1, filters, 1, ConvolutionMode.Same), x);
            keras.put(name + "expand_conv", name + "expand_conv");
            x = bnSwish(g, name + "expand_conv", name + "expand_bn", name + "expand_activation", keras);
        }
        if (stride == 2) {
            g.addLayer(name + "dwconv_pad", pad(size, kernel), x);
            x = name + "dwconv_pad";
        }
        g.addLayer(name + "dwconv", new DepthwiseConvolution2D.Builder(kernel, kernel).stride(stride, stride).depthMultiplier(1)
                .hasBias(false).convolutionMode(stride == 2 ? ConvolutionMode.Truncate : ConvolutionMode.Same)
                .activation(Activation.IDENTITY).build(), x);
        keras.put(name + "dwconv", name + "dwconv");
        x = bnSwish(g, name + "dwconv", name + "bn", name + "activation", keras);
        int out = stride == 2 ? (size + 1) / 2 : size;
        // squeeze and excitation
        int se = Math.max(1, filtersIn / 4);
        g.addLayer(name + "se_squeeze", new GlobalPoolingLayer.Builder(PoolingType.AVG).collapseDimensions(false).build(), x);
        g.addLayer(name + "se_reduce", new ConvolutionLayer.Builder(1, 1).nOut(se).activation(Activation.SWISH).build(), name + "se_squeeze");
        g.addLayer(name + "se_expand", new ConvolutionLayer.Builder(1, 1).nOut(filters).activation(Activation.SIGMOID).build(), name + "se_reduce");
        g.addLayer(name + "se_spread", new Upsampling2D.Builder().size(new int[] {out, out}).build(), name + "se_expand");
        g.addVertex(name + "se_excite", new ElementWiseVertex(ElementWiseVertex.Op.Product), x, name + "se_spread");
        keras.put(name + "se_reduce", name + "se_reduce");
        keras.put(name + "se_expand", name + "se_expand");
        g.addLayer(name + "project_conv", conv(1, filtersOut, 1, ConvolutionMode.Same), name + "se_excite");
        keras.put(name + "project_conv", name + "project_conv");
        g.addLayer(name + "project_bn", new BatchNormalization.Builder().eps(BN_EPS).useLogStd(false).build(), name + "project_conv");
        keras.put(name + "project_bn", name + "project_bn");
        if (stride == 1 && filtersIn == filtersOut) {
            g.addVertex(name + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "project_bn", input);
            return name + "add";
        }
        return name + "project_bn";
    }

    /** Keras's correct_pad: k/2 on each side, one less on the top and left when the side is even. */
    private static ZeroPaddingLayer pad(int size, int kernel) {
        int c = kernel / 2, adjust = 1 - size % 2;
        return new ZeroPaddingLayer.Builder(c - adjust, c, c - adjust, c).build();
    }

    private static ConvolutionLayer conv(int k, int filters, int stride, ConvolutionMode mode) {
        return new ConvolutionLayer.Builder(k, k).stride(stride, stride).nOut(filters).hasBias(false).convolutionMode(mode)
                .activation(Activation.IDENTITY).build();
    }

    private static String bnSwish(GraphBuilder g, String in, String bn, String act, Map<String, String> keras) {
        g.addLayer(bn, new BatchNormalization.Builder().eps(BN_EPS).useLogStd(false).build(), in);
        keras.put(bn, bn);
        g.addLayer(act, new ActivationLayer.Builder().activation(Activation.SWISH).build(), bn);
        return act;
    }
}
