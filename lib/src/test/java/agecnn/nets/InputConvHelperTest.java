package agecnn.nets;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link InputConvHelper}: the first conv layer's weight and bias gradients without the image's
 * gradient. Every other gradient of the network must be DL4J+OneDNN's bit for bit (the same code
 * computes them from the same numbers). The first layer's own gradients are sums of N = batch x
 * output positions float32 products taken in another order than OneDNN's, so they are compared
 * with the exact sum (float64, from the very input and delta the layer handed its helper) under
 * the worst-case bound of a float32 dot product (Higham, Accuracy and Stability of Numerical
 * Algorithms, 3.1): |computed - exact| <= gamma_N * sum |terms|, gamma_N = N u / (1 - N u),
 * u = 2^-24. It holds for any order of summation, so it is met by OneDNN's result too (checked),
 * and it cannot fail by chance: a wrong geometry or a missing term gives errors of the size of
 * the terms themselves.
 */
class InputConvHelperTest {

    private static final double[] ONES = java.util.Collections.nCopies(12, 1.0).stream().mapToDouble(Double::doubleValue).toArray();

    @BeforeAll
    static void enable() {
        FastPath.enable();
    }

    @Test
    void theStudysCnnSkipsTheImagesGradientAndKeepsEveryOtherGradient() {
        for (int size : new int[] {64, 65}) {
            ComputationGraph tuned = StudyCnn.build(size, ONES, new Adam(1e-3), 5);
            assertTrue(FastPath.skipsInputGradient(tuned), "StudyCnn.build skips the image's gradient");
            assertTrue(FastPath.helpersActive(tuned), "OneDNN stays under it");
            ComputationGraph reference = FastPath.withInputGradient(StudyCnn.build(size, ONES, new Adam(1e-3), 5));
            assertFalse(FastPath.skipsInputGradient(reference));
            compare(reference, tuned, size + " px graph", 6, size);
        }
    }

    @Test
    void aMultiLayerNetworkWithSamePaddingToo() {
        MultiLayerNetwork tuned = FastPath.tune(mln()), reference = FastPath.withInputGradient(mln());
        assertTrue(FastPath.skipsInputGradient(tuned));
        assertFalse(FastPath.skipsInputGradient(reference));
        compare(reference, tuned, "33 px MultiLayerNetwork, Same mode", 5, 33);
    }

    @Test
    void theSwitchIsUndoneAndOnlyTakesPlainConvLayersFedByTheInput() {
        ComputationGraph g = StudyCnn.build(64, ONES, new Adam(1e-3), 5);
        List<ConvolutionLayer> first = FastPath.inputConvLayers(g);
        assertEquals(1, first.size(), "the study's CNN has one conv layer on its input");
        FastPath.withInputGradient(g);
        assertFalse(FastPath.skipsInputGradient(g));
        FastPath.tune(g);
        FastPath.tune(g);
        assertTrue(FastPath.skipsInputGradient(g));
        assertTrue(FastPath.inputConvLayers(g).get(0).getHelper() instanceof InputConvHelper h
                && !(h.wrapped() instanceof InputConvHelper), "tune() twice wraps once");
    }

    /** Gradients of the two networks on the same batch, and two fit() steps of each. */
    private static void compare(Model reference, Model tuned, String what, int batch, int size) {
        assertEquals(reference.params(), tuned.params());
        ConvolutionLayer c0 = FastPath.inputConvLayers(tuned).get(0), r0 = FastPath.inputConvLayers(reference).get(0);
        Recording seen = new Recording(c0.getHelper()), seenRef = new Recording(r0.getHelper());
        FastPath.setConvHelper(c0, seen);
        FastPath.setConvHelper(r0, seenRef);

        Nd4j.getRandom().setSeed(size);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, 3, size, size);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 12);
        for (int i = 0; i < batch; i++) y.putScalar(i, (i * 5) % 12, 1f);
        Map<String, INDArray> g1 = gradients(reference, x, y), g2 = gradients(tuned, x, y);
        assertArrayEquals(seenRef.delta.ravel().toFloatVector(), seen.delta.ravel().toFloatVector(), 0f,
                what + ": the first layer gets the same delta either way");
        assertTrue(seenRef.returnedInputGradient && !seen.returnedInputGradient, what + ": only the reference computes the image's gradient");

        // gradient keys: the layer's index in a MultiLayerNetwork, its name in a graph
        String prefix = tuned instanceof MultiLayerNetwork ? String.valueOf(c0.getIndex()) : c0.conf().getLayer().getLayerName();
        // the exact gradients in float64 from what the layer handed its helper, and the sums of |terms| for the bound
        int[] k = c0.layerConf().getKernelSize(), s = c0.layerConf().getStride(), d = c0.layerConf().getDilation();
        int[] pad = seen.pad;
        INDArray in = seen.input.castTo(DataType.DOUBLE), delta = seen.delta.castTo(DataType.DOUBLE);
        long n = in.size(0), ch = in.size(1), outC = delta.size(1), pos = delta.size(2) * delta.size(3);
        INDArray col = Nd4j.create(DataType.DOUBLE, n, ch, k[0], k[1], delta.size(2), delta.size(3));
        Convolution.im2col(in, k[0], k[1], s[0], s[1], pad[0], pad[1], d[0], d[1], seen.same, col);
        INDArray col2 = col.permute(1, 2, 3, 0, 4, 5).dup('c').reshape(ch * k[0] * k[1], n * pos);
        INDArray d2 = delta.permute(1, 0, 2, 3).dup('c').reshape(outC, n * pos);
        INDArray exactW = d2.mmul(col2.transpose()), absW = Transforms.abs(d2).mmul(Transforms.abs(col2).transpose());
        INDArray exactB = d2.sum(1), absB = Transforms.abs(d2).sum(1);
        double nu = (n * pos) * Math.pow(2, -24), gamma = nu / (1 - nu);

        int checked = 0;
        for (String key : g1.keySet()) {
            if (key.equals(prefix + "_W") || key.equals(prefix + "_b")) {
                boolean w = key.endsWith("_W");
                double[] exact = (w ? exactW : exactB).ravel().toDoubleVector(), abs = (w ? absW : absB).ravel().toDoubleVector();
                float[] ours = g2.get(key).ravel().toFloatVector(), oneDnn = g1.get(key).ravel().toFloatVector();
                for (int i = 0; i < exact.length; i++) {
                    double bound = gamma * abs[i];
                    assertTrue(Math.abs(ours[i] - exact[i]) <= bound, what + " " + key + "[" + i + "]: " + ours[i] + " against exact " + exact[i] + " (bound " + bound + ")");
                    assertTrue(Math.abs(oneDnn[i] - exact[i]) <= bound, what + " " + key + "[" + i + "]: OneDNN's " + oneDnn[i] + " against exact " + exact[i]);
                }
                assertTrue(Transforms.abs(w ? exactW : exactB).maxNumber().doubleValue() > 10 * gamma * (w ? absW : absB).maxNumber().doubleValue(),
                        what + " " + key + ": the gradient is larger than the bound, so the comparison says something");
                checked++;
            } else {
                assertArrayEquals(g1.get(key).ravel().toFloatVector(), g2.get(key).ravel().toFloatVector(), 0f, what + ": gradient " + key);
            }
        }
        assertEquals(2, checked, what + ": the first layer's W and b were found among " + g1.keySet());

        // fit() trains with no gradient for the image (null, as DL4J's embedding layers give)
        FastPath.setConvHelper(c0, seen.wrapped);
        FastPath.setConvHelper(r0, seenRef.wrapped);
        INDArray before = tuned.params().dup();
        for (int step = 0; step < 2; step++) {
            if (tuned instanceof ComputationGraph g) g.fit(new org.nd4j.linalg.dataset.MultiDataSet(x, y));
            else ((MultiLayerNetwork) tuned).fit(new org.nd4j.linalg.dataset.DataSet(x, y));
        }
        assertFalse(before.equals(tuned.params()), what + ": fit() changed the parameters");
        assertTrue(FastPath.skipsInputGradient(tuned), what + ": still skipping after fit()");
    }

    private static Map<String, INDArray> gradients(Model net, INDArray x, INDArray y) {
        if (net instanceof ComputationGraph g) {
            g.setInputs(x);
            g.setLabels(y);
            g.computeGradientAndScore();
        } else {
            MultiLayerNetwork m = (MultiLayerNetwork) net;
            m.setInput(x);
            m.setLabels(y);
            m.computeGradientAndScore();
        }
        Map<String, INDArray> out = new TreeMap<>();
        net.gradient().gradientForVariable().forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    /** conv 3x3 Same (4 filters) + 2x2 max pooling + softmax over 12, float32, on OneDNN's helpers. */
    private static MultiLayerNetwork mln() {
        var conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT).updater(new Adam(1e-3)).list()
                .layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(12).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(33, 33, 3)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Records what a conv layer hands its helper in the backward pass, then lets the helper work. */
    private static final class Recording extends ConvHelperWrapper {
        INDArray input, delta;
        int[] pad;
        boolean same, returnedInputGradient;

        Recording(Object inner) {
            super((ConvolutionHelper) inner);
            assertNotNull(inner, "the layer has a helper");
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta, int[] kernel,
                                                         int[] strides, int[] pad, INDArray biasGradView, INDArray weightGradView,
                                                         IActivation afn, AlgoMode mode, BwdFilterAlgo f, BwdDataAlgo b, ConvolutionMode cm,
                                                         int[] dilation, CNN2DFormat format, LayerWorkspaceMgr ws) {
            this.input = input.detach();
            this.delta = delta.detach();
            this.pad = pad.clone();
            this.same = cm == ConvolutionMode.Same;
            Pair<Gradient, INDArray> r = wrapped.backpropGradient(input, weights, bias, delta, kernel, strides, pad, biasGradView, weightGradView,
                    afn, mode, f, b, cm, dilation, format, ws);
            returnedInputGradient = r.getSecond() != null;
            return r;
        }
    }
}
