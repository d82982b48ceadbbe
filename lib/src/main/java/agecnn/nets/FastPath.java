package agecnn.nets;

import agecnn.config.Settings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.lang.reflect.Field;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.nd4j.linalg.api.buffer.DataType;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingHelper;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The one place of the work-around that gives DL4J 1.0.0-M2.1's conv and pooling layers their
 * OneDNN helpers on the CPU (about 3x faster training than the built-in im2col path).
 *
 * <p>Out of the box M2.1 keeps them off behind two gates:
 * <ol>
 *   <li>{@code HelperUtils.createHelper} returns no helper unless the system property
 *       {@value #HELPERS_DISABLE} is {@code false}; its default is {@code true}. It is read each
 *       time a layer is made, so {@link #enable()} sets it.</li>
 *   <li>{@code BaseMKLDNNHelper.mklDnnEnabled()} looks up a class that M2.1 renamed; the failed
 *       look-up (the {@code Cannot find class} error at start-up) turns the helpers off for the
 *       life of the JVM. The shim {@link org.nd4j.nativeblas.Nd4jCpu.Environment} answers it from
 *       the real environment; it is always on the class path, so there is nothing to install.</li>
 * </ol>
 * The helpers also need libnd4j built with OneDNN: the {@code linux-x86_64-onednn} classifier
 * of nd4j-native in pom.xml.
 *
 * <p>When to call: {@link #enable()} before a network is initialised ({@code init()} makes the
 * layers, and each layer decides then, once, whether it has a helper; {@link Networks#graph} calls
 * it), and {@link #tune} after, which readies the layers for this CPU (the study's 2x2 poolings on
 * {@link MaxPool2x2} where OneDNN's is scalar). The model builders do both. A network restored
 * from a file gets its layers then too: {@link #restoreGraph} and {@link #restoreMultiLayer} are
 * the one way the project restores networks (saved models, training checkpoints, the zoo's
 * weights), and do both. Set {@code FAST_PATH=false} (system property or environment variable)
 * to keep the plain path, e.g. to compare.
 */
public final class FastPath {

    /** DL4J's switch; {@code true} (its default) means no helpers. */
    public static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";

    /** Set while {@link #withHelpersDisabled} runs, so that builders calling enable() stay plain. */
    private static boolean holdingPlain;

    private FastPath() {}

    /** Lets layers made from now on take their OneDNN helpers. Idempotent. */
    public static synchronized void enable() {
        if (optedOut() || holdingPlain) return;
        System.setProperty(HELPERS_DISABLE, "false");
    }

    /** Whether {@code FAST_PATH=false} was asked for. */
    public static boolean optedOut() {
        return Settings.fastPathOptedOut();
    }

    /**
     * True when the network has conv layers and every conv and pooling layer holds a OneDNN
     * helper (pooling layers: {@link MaxPool2x2} over OneDNN's, or OneDNN's alone), i.e. the fast
     * path is really taken.
     */
    public static boolean helpersActive(Model net) {
        int convLayers = 0;
        for (Layer layer : layers(net)) {
            if (layer instanceof ConvolutionLayer) {
                convLayers++;
                if (!(layer.getHelper() instanceof MKLDNNConvHelper)) return false;
            } else if (layer instanceof SubsamplingLayer) {
                Object h = layer.getHelper() instanceof MaxPool2x2 m ? m.fallback() : layer.getHelper();
                if (!(h instanceof MKLDNNSubsamplingHelper)) return false;
            }
        }
        return convLayers > 0;
    }

    /**
     * Readies an initialised network's layers for this CPU: where OneDNN pools NCHW with its scalar
     * reference ({@link MaxPool2x2#neededHere()}: CPUs without AVX-512), every pooling layer is
     * put on {@link MaxPool2x2} ({@link #withOwnPooling}). Idempotent; nothing when
     * {@code FAST_PATH=false}. Call it wherever a network is made or restored.
     *
     * @return the network
     */
    public static <M extends Model> M tune(M net) {
        return MaxPool2x2.neededHere() ? withOwnPooling(net) : net;
    }

    /**
     * Every pooling layer on {@link MaxPool2x2}, whatever the CPU (for tests and the benchmark's
     * comparisons): each of DL4J's pooling layers (not frozen ones) is replaced in the network by
     * a {@link PoolingLayer} made from the same configuration, which passes its forward pass to the
     * helper as well (DL4J's own passes only the backward pass).
     */
    public static synchronized <M extends Model> M withOwnPooling(M net) {
        if (optedOut() || holdingPlain) return net;
        swapPooling(net, true);
        return net;
    }

    /** Every pooling layer back to DL4J's own, on OneDNN's helper alone, whatever the CPU: to compare. */
    public static synchronized <M extends Model> M withoutOwnPooling(M net) {
        swapPooling(net, false);
        return net;
    }

    /** Whether any pooling layer of the network is on {@link MaxPool2x2}. */
    public static boolean pools2x2Fast(Model net) {
        for (Layer layer : layers(net)) if (layer instanceof PoolingLayer) return true;
        return false;
    }

    /** Puts a {@link PoolingLayer} ({@code own}) or DL4J's SubsamplingLayer in the place of each top-level pooling layer. */
    private static void swapPooling(Model net, boolean own) {
        Layer[] layers = net instanceof MultiLayerNetwork m ? m.getLayers() : ((ComputationGraph) net).getLayers();   // the network's own arrays
        for (int i = 0; i < layers.length; i++) {
            Layer old = layers[i];
            if (old.getClass() != (own ? SubsamplingLayer.class : PoolingLayer.class)) continue;
            SubsamplingLayer made = own ? new PoolingLayer(old.conf(), dataType(old)) : new SubsamplingLayer(old.conf(), dataType(old));
            made.setIndex(old.getIndex());
            made.setListeners(old.getListeners());
            made.setIterationCount(old.getIterationCount());
            made.setEpochCount(old.getEpochCount());
            try {
                if (own) HELPER.set(made, new MaxPool2x2((SubsamplingHelper) made.getHelper()));
                if (net instanceof MultiLayerNetwork m) {
                    @SuppressWarnings("unchecked")
                    Map<String, Layer> byName = (Map<String, Layer>) LAYER_MAP.get(m);
                    byName.replaceAll((name, l) -> l == old ? made : l);
                } else {
                    for (GraphVertex v : ((ComputationGraph) net).getVertices()) {
                        if (v instanceof LayerVertex lv && lv.getLayer() == old) lv.setLayer(made);
                    }
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot give " + old.getClass().getName() + " its pooling helper: " + e, e);
            }
            layers[i] = made;
        }
    }

    private static DataType dataType(Layer layer) {
        try {
            return (DataType) DATA_TYPE.get(layer);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read a layer's data type: " + e, e);
        }
    }

    private static final Field DATA_TYPE = field(org.deeplearning4j.nn.layers.AbstractLayer.class, "dataType");
    private static final Field LAYER_MAP = field(MultiLayerNetwork.class, "layerMap");
    private static final Field HELPER = field(SubsamplingLayer.class, "helper");

    private static Field field(Class<?> owner, String name) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("DL4J's " + owner.getSimpleName() + " has no field '" + name + "' (another DL4J version?): " + e);
        }
    }

    /** The network's layers, a frozen layer's own layer in its place (a frozen backbone's layers keep their helpers). */
    private static Layer[] layers(Model net) {
        Layer[] layers;
        if (net instanceof MultiLayerNetwork m) layers = m.getLayers();
        else if (net instanceof ComputationGraph g) layers = g.getLayers();
        else throw new IllegalArgumentException("a MultiLayerNetwork or a ComputationGraph, not " + net.getClass().getName());
        Layer[] inside = new Layer[layers.length];
        for (int i = 0; i < layers.length; i++) {
            Layer layer = layers[i];
            while (true) {
                if (layer instanceof FrozenLayer f) layer = f.getInsideLayer();
                else if (layer instanceof FrozenLayerWithBackprop f) layer = f.getInsideLayer();
                else break;
            }
            inside[i] = layer;
        }
        return inside;
    }

    /**
     * A graph restored from a DL4J model zip with the fast path on (its layers are made during the
     * restore and choose their helpers then), readied for this CPU ({@link #tune}). The one way the
     * project restores a graph.
     *
     * @param withUpdater whether the updater's state is restored too (to go on training)
     */
    public static ComputationGraph restoreGraph(Path file, boolean withUpdater) throws IOException {
        enable();
        return tune(ModelSerializer.restoreComputationGraph(file.toFile(), withUpdater));
    }

    /** A MultiLayerNetwork restored as {@link #restoreGraph} restores a graph. */
    public static MultiLayerNetwork restoreMultiLayer(Path file, boolean withUpdater) throws IOException {
        enable();
        return tune(ModelSerializer.restoreMultiLayerNetwork(file.toFile(), withUpdater));
    }

    /**
     * Runs {@code make} (which should build and init networks) with the helpers switched off, then
     * restores the switch: the plain path, for comparisons in the same JVM.
     */
    public static synchronized <T> T withHelpersDisabled(Supplier<T> make) {
        String before = System.getProperty(HELPERS_DISABLE);
        boolean wasHolding = holdingPlain;
        System.setProperty(HELPERS_DISABLE, "true");
        holdingPlain = true;
        try {
            return make.get();
        } finally {
            holdingPlain = wasHolding;
            if (before == null) System.clearProperty(HELPERS_DISABLE);
            else System.setProperty(HELPERS_DISABLE, before);
        }
    }
}
