package agecnn.nets;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's pooling layer with its forward pass through {@link MaxPool2x2} too. DL4J 1.0.0-M2.1's
 * own {@code SubsamplingLayer.activate} never asks its helper: it runs libnd4j's {@code maxpool2d}
 * op, which OneDNN serves with its scalar reference on AVX2; only the backward pass goes through
 * the helper. {@link FastPath#tune} puts this layer in the place of DL4J's where MaxPool2x2 is
 * needed, made from the same configuration, so a saved network is DL4J's as before. Everything
 * MaxPool2x2 does not pool (and dropout on a pooling layer) goes to DL4J's own code.
 */
final class PoolingLayer extends SubsamplingLayer {

    PoolingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        var c = layerConf();
        if (helper instanceof MaxPool2x2 own && c.getIDropout() == null
                && MaxPool2x2.handles(input, c.getKernelSize(), c.getStride(), c.getPadding(), c.getPoolingType(), convolutionMode,
                c.getDilation(), c.getCnn2dDataFormat())) {
            return own.activate(input, training, c.getKernelSize(), c.getStride(), c.getPadding(), c.getPoolingType(), convolutionMode,
                    c.getDilation(), c.getCnn2dDataFormat(), workspaceMgr);
        }
        return super.activate(training, workspaceMgr);
    }
}
