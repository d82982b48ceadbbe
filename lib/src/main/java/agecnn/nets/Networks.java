package agecnn.nets;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;

/** What every network of the project shares: float32, He initialisation, the updater, the seed, the input's name. */
public final class Networks {

    /** Name of every network's input: NCHW, RGB, scaled to [0, 1]. */
    public static final String INPUT = "input";

    private Networks() {}

    /** The start of every model of the project: float32, He init, and the OneDNN fast path. */
    public static GraphBuilder graph(IUpdater updater, long seed) {
        FastPath.enable();   // before any layer is made: layers choose their helpers then
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(updater)
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Truncate)
                .graphBuilder();
    }

    /** Parameters of the layers that training changes (those not frozen). */
    public static long trainableParams(ComputationGraph net) {
        long n = 0;
        for (org.deeplearning4j.nn.api.Layer l : net.getLayers()) {
            if (!(l instanceof org.deeplearning4j.nn.layers.FrozenLayer) && !(l instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop)) {
                n += l.numParams();
            }
        }
        return n;
    }
}
