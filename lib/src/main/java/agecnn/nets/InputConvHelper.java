package agecnn.nets;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdDataAlgo;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.BwdFilterAlgo;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The conv helper of a network's first layer, the one that sees the input image: its backward
 * pass computes the weight and bias gradients only, not the gradient of the image, which nothing
 * uses in training (PyTorch skips it too: the image does not require a gradient). DL4J M2.1's
 * OneDNN helper has no such choice ({@code conv2d_bp} always computes all three), and with 3
 * input channels the image's gradient is a badly shaped convolution of its own. Forward passes,
 * and anything this class does not handle (not NCHW, not float32), go to the wrapped helper.
 *
 * <p>The weight gradient is {@code im2col} of the input (libnd4j) and a batched matrix product,
 * one product per image, summed: {@code dW[o, (c,ky,kx)] = sum_n sum_(y,x) delta[n,o,y,x] * col[n,(c,ky,kx),(y,x)]};
 * the bias gradient is {@code delta} summed over the batch and the map. The sums run in another
 * order than OneDNN's, so the results agree with it to float32 rounding, not bit for bit
 * ({@code InputConvHelperTest} bounds the difference).
 *
 * <p>Consequence: a network whose first layer has this helper gives no gradient for its input
 * ({@code null} from the layer's {@code backpropGradient}, as DL4J's embedding layers do).
 * {@link FastPath#withInputGradient} puts the plain helper back for whoever needs one.
 */
final class InputConvHelper extends ConvHelperWrapper {

    InputConvHelper(ConvolutionHelper wrapped) {
        super(wrapped);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray weights, INDArray bias, INDArray delta, int[] kernel,
                                                     int[] strides, int[] pad, INDArray biasGradView, INDArray weightGradView,
                                                     IActivation afn, AlgoMode mode, BwdFilterAlgo bwdFilterAlgo, BwdDataAlgo bwdDataAlgo,
                                                     ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format,
                                                     LayerWorkspaceMgr ws) {
        INDArray w2d = weightGradView.rank() == 4 ? Shape.newShapeNoCopy(weightGradView,
                new long[] {weightGradView.size(0), weightGradView.size(1) * weightGradView.size(2) * weightGradView.size(3)}, false) : null;
        if (format != CNN2DFormat.NCHW || input.rank() != 4 || input.dataType() != DataType.FLOAT || delta.dataType() != DataType.FLOAT
                || w2d == null || w2d.elementWiseStride() != 1) {
            return wrapped.backpropGradient(input, weights, bias, delta, kernel, strides, pad, biasGradView, weightGradView, afn, mode,
                    bwdFilterAlgo, bwdDataAlgo, convolutionMode, dilation, format, ws);
        }
        long n = input.size(0), channels = input.size(1), kh = kernel[0], kw = kernel[1];
        long outDepth = delta.size(1), outH = delta.size(2), outW = delta.size(3), positions = outH * outW, patch = channels * kh * kw;
        INDArray d = delta.ordering() == 'c' && delta.elementWiseStride() == 1 ? delta : delta.dup('c');
        // [n, channels, kh, kw, outH, outW]: for each image a (patch x positions) matrix, as libnd4j's im2col writes it
        INDArray col = ws.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, new long[] {n, channels, kh, kw, outH, outW}, 'c');
        Convolution.im2col(input, kernel[0], kernel[1], strides[0], strides[1], pad[0], pad[1], dilation[0], dilation[1],
                convolutionMode == ConvolutionMode.Same, col);
        // one batched product, image by image: [n, outDepth, positions] x [n, patch, positions]^T, then the sum over the
        // images (a loop of Nd4j.gemm on the slices was 30 times slower; permuting to one large product copies too much)
        INDArray perImage = Nd4j.matmul(d.reshape('c', n, outDepth, positions), col.reshape('c', n, patch, positions), false, true, false);
        w2d.assign(perImage.sum(0));
        Gradient g = new DefaultGradient();
        if (biasGradView != null) {   // as OneDNN's helper: a bias gradient where the layer gives a view for one
            biasGradView.assign(d.sum(0, 2, 3).reshape(biasGradView.shape()));
            g.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
        }
        g.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView);
        return new Pair<>(g, null);
    }
}
