package agecnn.nets.backbones;

import agecnn.nets.InputScaling;
import agecnn.nets.weights.KerasWeights;
import agecnn.nets.weights.TfjsWeights;
import agecnn.nets.weights.WeightFile;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.nd4j.linalg.activations.Activation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * dlib's face-recognition ResNet (29 convolutions, 5.6M weights, trained by Davis King to tell
 * 7,485 people apart on about 3 million face photos; public domain) as face-api.js ships it, without its
 * last layer (the 128-number face descriptor): face features instead of ImageNet's. Built as
 * face-api.js runs it: a 7x7 stride-2 convolution and a 3x3 max pool, then residual units of
 * two 3x3 convolutions at 32, 64, 128 and 256 channels. A unit that halves the side pools its
 * shortcut (2x2 average), pads it with zero channels when the width doubles, and pads its
 * convolution's output with a row and a column of zeros where that came out one pixel smaller.
 * A block is one residual unit (the first: the stem); 15 in all.
 */
public final class FaceResNet implements Backbone {

    public static final String NAME = "faceresnet";
    /** The side of dlib's face chips, which the network was trained on. */
    static final int IMAGE_SIZE = 150;
    /** The mean of each channel of its training images, 0-255, which the network subtracts (face-api.js). */
    static final double[] MEAN_RGB = {122.782, 117.001, 104.298};
    static final String MODEL_IN_PACKAGE = "package/model/face_recognition_model";
    /** The residual units in order; those named {@code _down} halve the side. */
    private static final String[] UNITS = {"conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1", "conv64_2", "conv64_3",
        "conv128_down", "conv128_1", "conv128_2", "conv256_down", "conv256_1", "conv256_2", "conv256_down_out"};

    @Override public String name() { return NAME; }

    @Override public String title() { return "dlib face-recognition ResNet, faces (face-api.js)"; }

    @Override public Optional<WeightFile> weightFile() { return Optional.of(WeightFile.FACE_API_1_7_15); }

    @Override public KerasWeights readWeights(Path file) throws IOException { return TfjsWeights.read(file, MODEL_IN_PACKAGE); }

    @Override public OptionalInt imageSize() { return OptionalInt.of(IMAGE_SIZE); }

    /** The four units at 256 channels: what training them on cached outputs of the rest costs little, and was measured. */
    @Override public OptionalInt trainableBlocks() { return OptionalInt.of(4); }

    /** No batch normalization: like SqueezeNet's, its pretrained layers take a tenth of the rate. */
    @Override public double learningRateDivisor() { return 10; }

    /** RGB in [0, 1] minus the mean of its training images, as face-api.js feeds it (there divided by 255 too). */
    @Override
    public InputScaling scaling(KerasWeights weights) {
        double[] mean = new double[3];
        for (int c = 0; c < 3; c++) mean[c] = MEAN_RGB[c] / 255;
        return InputScaling.standardize(mean, new double[] {1, 1, 1});
    }

    @Override
    public Layout addTo(GraphBuilder g, String input, int imageSize) {
        List<String> ends = new ArrayList<>();
        Map<String, String> weights = new LinkedHashMap<>();
        conv(g, "conv32_down", input, 7, 2, true, weights);
        g.addLayer("stem_pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(2, 2)
                .convolutionMode(ConvolutionMode.Truncate).build(), "conv32_down");
        String x = "stem_pool";
        ends.add(x);
        int side = ((imageSize - 7) / 2 + 1 - 3) / 2 + 1, channels = 32;
        for (String unit : UNITS) {
            boolean down = unit.contains("down");
            int width = channels(unit);
            String c1 = conv(g, unit + "/conv1", x, 3, down ? 2 : 1, true, weights);
            String c2 = conv(g, unit + "/conv2", c1, 3, 1, false, weights);
            String shortcut = x;
            if (down) {
                int convSide = (side - 3) / 2 + 1, poolSide = side / 2;
                g.addLayer(unit + "/pool", new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Truncate).build(), x);
                shortcut = unit + "/pool";
                if (convSide != poolSide) {
                    if (poolSide - convSide != 1) throw new IllegalArgumentException(imageSize + " px does not fit this network's shape");
                    g.addLayer(unit + "/pad", new ZeroPaddingLayer.Builder(0, 1, 0, 1).build(), c2);
                    c2 = unit + "/pad";
                }
                if (width != channels) {
                    // zeros as new channels: the shortcut times 0, appended
                    g.addVertex(unit + "/zeros", new ScaleVertex(0), shortcut);
                    g.addVertex(unit + "/widen", new MergeVertex(), shortcut, unit + "/zeros");
                    shortcut = unit + "/widen";
                }
                side = poolSide;
                channels = width;
            }
            g.addVertex(unit + "/add", new ElementWiseVertex(ElementWiseVertex.Op.Add), c2, shortcut);
            g.addLayer(unit + "/relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), unit + "/add");
            x = unit + "/relu";
            ends.add(x);
        }
        return new Layout(ends, weights);
    }

    /** A convolution with its scale layer folded in (see {@link TfjsWeights}); stride 2 without padding, stride 1 "same". */
    private static String conv(GraphBuilder g, String name, String in, int k, int stride, boolean relu, Map<String, String> weights) {
        g.addLayer(name, new ConvolutionLayer.Builder(k, k).stride(stride, stride)
                .nOut(channels(name)).convolutionMode(stride == 1 ? ConvolutionMode.Same : ConvolutionMode.Truncate)
                .activation(relu ? Activation.RELU : Activation.IDENTITY).build(), in);
        weights.put(name, name);
        return name;
    }

    /** The output channels of a unit or convolution, from its name: 64 for {@code conv64_down/conv1}. */
    private static int channels(String name) {
        return Integer.parseInt(name.substring(4, name.indexOf('_')));
    }
}
