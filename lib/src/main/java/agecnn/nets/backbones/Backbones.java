package agecnn.nets.backbones;

import agecnn.nets.AgeHead;
import agecnn.nets.StudyHead;
import agecnn.nets.weights.WeightStore;
import agecnn.nets.weights.WeightsUnavailableException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.learning.config.IUpdater;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The catalogue of pretrained backbones, by the name used in MODELS. Adding a backbone is one
 * class (a {@link Backbone} defined layer by layer, or a DL4J zoo network in {@link ZooBackbone})
 * and one line below.
 */
public final class Backbones {

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        keras(MobileNetV1::new);
        keras(FaceResNet::new);
        keras(HseFace::new);
        keras(SqueezeNet11::new);
        keras(EfficientNetB0::new);
        Arrays.stream(ZooBackbone.values()).forEach(Backbones::zoo);
    }

    private Backbones() {}

    /** The names of every backbone, in the catalogue's order. */
    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    public static Optional<Entry> named(String name) {
        return Optional.ofNullable(ENTRIES.get(name));
    }

    /** A transfer network and where its pretrained weights came from. */
    public record Built(TransferNet net, String weightsFrom) {}

    /** One backbone of the catalogue: what it is called and how it becomes a transfer network. */
    public interface Entry {
        String name();

        /** One line for people, e.g. {@code MobileNet v1 0.25, ImageNet (Keras)}. */
        String title();

        /** What LEARNING_RATE is divided by for it ({@link Backbone#learningRateDivisor()}). */
        double learningRateDivisor();

        /** The head it gets when AGE_HEAD is {@code auto} ({@link Backbone#ownHead}). */
        default AgeHead ownHead() {
            return AgeHead.BINS;
        }

        /** Its input side: its own when it has one, else {@code requested} (TRANSFER_IMAGE_SIZE). */
        int imageSize(int requested);

        /** The last blocks that train: {@code blocks} when TRAINABLE_BLOCKS was given, else its own number if it has one. */
        int trainableBlocks(int blocks, boolean given);

        /**
         * Loads its pretrained weights and builds it with the study's head.
         *
         * @throws WeightsUnavailableException when the weights cannot be had here (the model is skipped)
         * @throws IOException                 when a weights file is there but cannot be read (the run stops)
         */
        Built build(WeightStore store, int imageSize, int trainableBlocks, StudyHead head, double[] classWeights, IUpdater updater,
                    long seed) throws IOException;
    }

    private static void add(Entry e) {
        if (ENTRIES.putIfAbsent(e.name(), e) != null) throw new IllegalStateException("two backbones named " + e.name());
    }

    /** A backbone defined here layer by layer, with Keras-layout weights. */
    private static void keras(Supplier<Backbone> make) {
        Backbone b = make.get();
        add(new Entry() {
            @Override public String name() { return b.name(); }
            @Override public String title() { return b.title(); }
            @Override public double learningRateDivisor() { return b.learningRateDivisor(); }
            @Override public int imageSize(int requested) { return b.imageSize().orElse(requested); }
            @Override public AgeHead ownHead() { return b.ownHead(); }
            @Override public int trainableBlocks(int blocks, boolean given) { return given ? blocks : b.trainableBlocks().orElse(blocks); }

            @Override
            public Built build(WeightStore store, int imageSize, int trainableBlocks, StudyHead head, double[] classWeights,
                               IUpdater updater, long seed) throws IOException {
                Path file;
                if (b.weightFile().isPresent()) {
                    try {
                        file = store.resolve(b.weightFile().get());
                    } catch (IOException e) {
                        throw new WeightsUnavailableException(e.getMessage(), e);
                    }
                } else {
                    file = store.find(b.weightFileName()).orElseThrow(() -> new WeightsUnavailableException(b.weightFileName()
                            + " is not in WEIGHTS_DIR (" + store.localDir() + "); put the Keras file there to train " + b.name()));
                }
                TransferNet tn = TransferNet.keras(b, b.readWeights(file), imageSize, trainableBlocks, head, classWeights, updater, seed);
                return new Built(tn, file.toString());
            }
        });
    }

    /** A DL4J zoo network with the zoo's ImageNet weights. */
    private static void zoo(ZooBackbone z) {
        add(new Entry() {
            @Override public String name() { return z.modelName(); }
            @Override public String title() { return z.title(); }
            @Override public double learningRateDivisor() { return z.learningRateDivisor(); }
            @Override public int imageSize(int requested) { return requested; }
            @Override public int trainableBlocks(int blocks, boolean given) { return blocks; }

            @Override
            public Built build(WeightStore store, int imageSize, int trainableBlocks, StudyHead head, double[] classWeights,
                               IUpdater updater, long seed) throws IOException {
                ComputationGraph pretrained;
                try {
                    pretrained = z.pretrained(store);
                } catch (IOException e) {
                    throw new WeightsUnavailableException(e.getMessage(), e);
                }
                TransferNet tn = z.transferNet(pretrained, z.fileName(), imageSize, trainableBlocks, head, classWeights, updater, seed);
                return new Built(tn, tn.weightsFrom());
            }
        });
    }
}
