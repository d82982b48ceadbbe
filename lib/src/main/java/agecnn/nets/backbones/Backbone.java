package agecnn.nets.backbones;

import agecnn.nets.AgeHead;
import agecnn.nets.InputScaling;
import agecnn.nets.weights.KerasWeights;
import agecnn.nets.weights.WeightFile;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A pretrained network defined here layer by layer, with the layer names of its Keras original,
 * so that a Keras weights file can be copied into it by name ({@link KerasWeights#copyInto}).
 * Weights published in another format are read into Keras's layout ({@link #readWeights}).
 */
public interface Backbone {

    /** The name used in MODELS and in file names, e.g. {@code mobilenet}. */
    String name();

    /** One line for people, e.g. {@code MobileNet v1 0.25, ImageNet (Keras)}. */
    String title();

    /** The weights file, when the project knows its source and checksum (else: found by {@link #weightFileName()}). */
    Optional<WeightFile> weightFile();

    /** The file name looked for in WEIGHTS_DIR. */
    default String weightFileName() {
        return weightFile().map(WeightFile::fileName).orElseThrow();
    }

    /**
     * What LEARNING_RATE is divided by for this backbone: 1 for backbones with batch
     * normalization; more for those without, whose pretrained layers a full-size step wrecks.
     */
    default double learningRateDivisor() {
        return 1;
    }

    /** Reads the weights file into Keras's layout (by default it is a Keras HDF5 file). */
    default KerasWeights readWeights(Path file) throws IOException {
        return KerasWeights.read(file);
    }

    /** The input side the backbone must have, whatever TRANSFER_IMAGE_SIZE says; empty when any side works. */
    default OptionalInt imageSize() {
        return OptionalInt.empty();
    }

    /** How many last blocks train when TRAINABLE_BLOCKS is not given; empty: the profile's number. */
    default OptionalInt trainableBlocks() {
        return OptionalInt.empty();
    }

    /**
     * The head a model on this backbone gets when AGE_HEAD is {@code auto}: {@link AgeHead#YEARS}
     * for a backbone that comes with an age head of its own to start from ({@link #yearsHeadLayers}).
     */
    default AgeHead ownHead() {
        return AgeHead.BINS;
    }

    /**
     * With a years head ({@link AgeHead#YEARS}): DL4J layer of the study's head to Keras layer of
     * the weights it starts from (the backbone's own age head, laid out as 120 years); empty: none.
     */
    default Map<String, String> yearsHeadLayers() {
        return Map.of();
    }

    /** The input convention of the weights, read from the file when the file carries it. */
    InputScaling scaling(KerasWeights weights);

    /**
     * Adds the backbone after {@code input} for square images of {@code imageSize} px.
     *
     * @return the blocks' last vertices and which DL4J layer takes which Keras layer's weights
     */
    Layout addTo(ComputationGraphConfiguration.GraphBuilder graph, String input, int imageSize);

    /**
     * What {@link #addTo} added.
     *
     * @param blockEnds   the last vertex of each block, in order; the last one is the backbone's output
     * @param kerasLayers DL4J layer name to Keras layer name, for every layer with weights
     */
    record Layout(List<String> blockEnds, Map<String, String> kerasLayers) {
        public String output() {
            return blockEnds.get(blockEnds.size() - 1);
        }
    }
}
