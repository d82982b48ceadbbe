package agecnn.nets;

import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.AlgoMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer.FwdAlgo;
import org.deeplearning4j.nn.layers.convolution.ConvolutionHelper;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A conv helper that hands everything but the backward pass to the helper it wraps (OneDNN's). */
abstract class ConvHelperWrapper implements ConvolutionHelper {

    final ConvolutionHelper wrapped;

    ConvHelperWrapper(ConvolutionHelper wrapped) {
        this.wrapped = wrapped;
    }

    /** The helper underneath. */
    ConvolutionHelper wrapped() {
        return wrapped;
    }

    @Override
    public boolean checkSupported() {
        return wrapped.checkSupported();
    }

    @Override
    public INDArray preOutput(INDArray input, INDArray weights, INDArray bias, int[] kernel, int[] strides, int[] pad, AlgoMode mode,
                              FwdAlgo fwdAlgo, ConvolutionMode convolutionMode, int[] dilation, CNN2DFormat format, LayerWorkspaceMgr ws) {
        return wrapped.preOutput(input, weights, bias, kernel, strides, pad, mode, fwdAlgo, convolutionMode, dilation, format, ws);
    }

    @Override
    public INDArray activate(INDArray z, IActivation afn, boolean training) {
        return wrapped.activate(z, afn, training);
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return wrapped.helperMemoryUse();
    }
}
