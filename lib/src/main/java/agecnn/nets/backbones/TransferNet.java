package agecnn.nets.backbones;

import agecnn.nets.AgeHead;
import agecnn.nets.FastPath;
import agecnn.nets.InputScaling;
import agecnn.nets.Networks;
import agecnn.nets.StudyHead;
import agecnn.nets.weights.KerasWeights;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.learning.config.IUpdater;

import java.util.List;
import java.util.Map;

/**
 * A pretrained backbone with the study's head, as one network (images in, bin probabilities
 * out), frozen from its input up to {@link #frozenUntil()}: the input scaling and every block
 * but the last {@code trainableBlocks}. Training runs on the frozen part's outputs, computed
 * once (see {@link FeatureTraining}); the network is what gets saved.
 *
 * @param name        the model's name (MODELS, file names)
 * @param title       the backbone, for people
 * @param weightsFrom where the pretrained weights came from (a file, or "random" in tests)
 * @param graph       the whole network, frozen layers wrapped as DL4J's FrozenLayer
 * @param frozenUntil the last frozen vertex
 * @param imageSize   input side, px
 * @param scaling     the input convention inside the network
 */
public record TransferNet(String name, String title, String weightsFrom, ComputationGraph graph, String frozenUntil,
                          int imageSize, InputScaling scaling) {

    /**
     * Builds the Keras-defined backbone with its head, copies the weights in (every layer that has
     * weights must find them in the file), then freezes it up to the boundary.
     *
     * @param weights the backbone's Keras weights; null leaves it randomly initialised (tests only)
     */
    public static TransferNet keras(Backbone backbone, KerasWeights weights, int imageSize, int trainableBlocks,
                                    StudyHead head, double[] classWeights, IUpdater updater, long seed) {
        GraphBuilder g = Networks.graph(updater, seed)
                .addInputs(Networks.INPUT)
                .setInputTypes(InputType.convolutional(imageSize, imageSize, 3));
        g.addLayer(InputScaling.LAYER, InputScaling.layer(), Networks.INPUT);
        Backbone.Layout layout = backbone.addTo(g, InputScaling.LAYER, imageSize);
        head.addTo(g, layout.output(), classWeights);
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        InputScaling scaling = backbone.scaling(weights);
        scaling.applyTo(net);
        if (weights != null) {
            for (Map.Entry<String, String> e : layout.kerasLayers().entrySet()) weights.copyInto(net, e.getKey(), e.getValue());
            if (classWeights.length == AgeHead.YEARS.outputs()) {
                for (Map.Entry<String, String> e : backbone.yearsHeadLayers().entrySet()) weights.copyInto(net, e.getKey(), e.getValue());
            }
        }
        String until = frozenUntil(backbone.name(), layout.blockEnds(), trainableBlocks);
        ComputationGraph frozen = FastPath.tune(new TransferLearning.GraphBuilder(net).setFeatureExtractor(until).build());
        return new TransferNet(backbone.name(), backbone.title(), weights == null ? "random (test)" : weights.file().toString(),
                frozen, until, imageSize, scaling);
    }

    /** The end of the block before the last {@code trainable} ones. */
    static String frozenUntil(String model, List<String> blockEnds, int trainable) {
        if (trainable < 0 || trainable >= blockEnds.size()) {
            throw new IllegalArgumentException("TRAINABLE_BLOCKS must be between 0 and " + (blockEnds.size() - 1) + " for " + model
                    + " (it has " + blockEnds.size() + " blocks); got " + trainable);
        }
        return blockEnds.get(blockEnds.size() - 1 - trainable);
    }
}
