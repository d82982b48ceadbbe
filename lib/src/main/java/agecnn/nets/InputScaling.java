package agecnn.nets;

import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * What a pretrained backbone expects of its input, as a frozen 1x1 convolution placed in front
 * of it: {@code y = W x + b} per pixel, from the project's input (RGB scaled to [0, 1]) to the
 * backbone's own (channel order, range, mean). So every saved model takes the same input,
 * and the backbone's convention lives inside the network instead of in the caller's code.
 *
 * @param name   convention's name, for the model's info
 * @param weight 3x3 matrix, {@code weight[out][in]}
 * @param bias   one value per output channel
 */
public record InputScaling(String name, double[][] weight, double[] bias) {

    public static final String LAYER = "input_scaling";

    /** Keras "caffe" mode (VGG, ResNet50, SqueezeNet): BGR, 0-255, minus the ImageNet mean of each channel. */
    public static InputScaling caffe() {
        double[][] w = {{0, 0, 255}, {0, 255, 0}, {255, 0, 0}};
        return new InputScaling("caffe: BGR, 0-255, minus mean (103.939, 116.779, 123.68)", w,
                new double[] {-103.939, -116.779, -123.68});
    }

    /** Keras "tf" mode (MobileNet): RGB in [-1, 1]. */
    public static InputScaling tf() {
        return new InputScaling("tf: RGB in [-1, 1]", new double[][] {{2, 0, 0}, {0, 2, 0}, {0, 0, 2}}, new double[] {-1, -1, -1});
    }

    /** RGB in [0, 1] standardized per channel: {@code (x - mean) / sqrt(variance)} (EfficientNet's normalization layer). */
    public static InputScaling standardize(double[] mean, double[] variance) {
        double[][] w = new double[3][3];
        double[] b = new double[3];
        for (int c = 0; c < 3; c++) {
            double s = 1 / Math.sqrt(variance[c]);
            w[c][c] = s;
            b[c] = -mean[c] * s;
        }
        return new InputScaling("RGB in [0, 1], minus mean " + Arrays.toString(mean) + ", divided by sqrt of variance "
                + Arrays.toString(variance), w, b);
    }

    /** The layer's configuration (frozen with the backbone, so no training step changes it). */
    public static ConvolutionLayer layer() {
        return new ConvolutionLayer.Builder(1, 1).nIn(3).nOut(3).activation(Activation.IDENTITY).build();
    }

    /** Writes this convention into the graph's {@value #LAYER} layer. */
    public void applyTo(ComputationGraph graph) {
        org.deeplearning4j.nn.api.Layer l = graph.getLayer(LAYER);
        if (l == null) throw new IllegalArgumentException("the network has no '" + LAYER + "' layer");
        float[] w = new float[9];
        for (int o = 0; o < 3; o++) for (int i = 0; i < 3; i++) w[o * 3 + i] = (float) weight[o][i];
        l.getParam("W").assign(Nd4j.create(w, new long[] {3, 3, 1, 1}, 'c'));
        float[] b = new float[3];
        for (int o = 0; o < 3; o++) b[o] = (float) bias[o];
        l.getParam("b").assign(Nd4j.create(b, l.getParam("b").shape(), 'c'));
    }
}
