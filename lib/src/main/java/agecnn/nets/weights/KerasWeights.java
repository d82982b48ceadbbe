package agecnn.nets.weights;

import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The arrays of a Keras weights-only HDF5 file, as Keras wrote them (channels-last), by layer
 * and weight name: {@code conv1 -> {kernel, bias}}, {@code conv1_bn -> {gamma, beta,
 * moving_mean, moving_variance}}. A layer is a top-level group (for SqueezeNet also a nested
 * one such as {@code fire2/squeeze1x1}); a weight is named by the last part of its data set's
 * path without the {@code :0}, which is how Keras names them whatever prefixes a file adds.
 */
public final class KerasWeights {

    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private final Path file;
    private final Map<String, Map<String, INDArray>> layers;

    private KerasWeights(Path file, Map<String, Map<String, INDArray>> layers) {
        this.file = file;
        this.layers = layers;
    }

    /** Reads every array of the file; errors name the file and what is wrong with it. */
    public static KerasWeights read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such weights file");
        byte[] head = new byte[HDF5_SIGNATURE.length];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, head.length) < head.length || !Arrays.equals(head, HDF5_SIGNATURE)) {
                throw new IOException(file + ": not an HDF5 file (it does not start with the HDF5 signature); expected Keras weights (.h5)");
            }
        }
        Map<String, Map<String, INDArray>> layers = new TreeMap<>();
        try (Hdf5Archive h5 = new Hdf5Archive(file.toString())) {
            for (String top : h5.getGroups()) collect(h5, List.of(top), layers);
        } catch (IOException e) {
            throw e;
        } catch (Exception | UnsatisfiedLinkError e) {
            throw new IOException(file + ": cannot be read as Keras HDF5 weights (damaged or truncated?): " + e, e);
        }
        if (layers.isEmpty()) throw new IOException(file + ": holds no weight arrays; expected Keras weights (.h5)");
        return new KerasWeights(file, Collections.unmodifiableMap(layers));
    }

    /** Arrays already in Keras's layout, e.g. converted from another format ({@link TfjsWeights}). */
    static KerasWeights of(Path file, Map<String, Map<String, INDArray>> layers) {
        return new KerasWeights(file, Collections.unmodifiableMap(new TreeMap<>(layers)));
    }

    /** Data sets directly in a group make it a layer; the name is the group path up to the layer's own group. */
    private static void collect(Hdf5Archive h5, List<String> path, Map<String, Map<String, INDArray>> out) throws Exception {
        String[] groups = path.toArray(new String[0]);
        for (String ds : h5.getDataSets(groups)) {
            String weight = ds.endsWith(":0") ? ds.substring(0, ds.length() - 2) : ds;
            out.computeIfAbsent(layerName(path), k -> new LinkedHashMap<>()).put(weight, h5.readDataSet(ds, groups));
        }
        for (String g : h5.getGroups(groups)) {
            List<String> p = new ArrayList<>(path);
            p.add(g);
            collect(h5, p, out);
        }
    }

    /**
     * Keras nests a layer's weights as {@code <layer>/<layer>/kernel:0}; SqueezeNet's layer
     * {@code fire2/squeeze1x1} gives {@code fire2/squeeze1x1/fire2/squeeze1x1_3/kernel:0}. The
     * layer's name is the first half of the groups above the data set.
     */
    private static String layerName(List<String> groups) {
        int n = groups.size();
        int keep = n == 1 ? 1 : (n + 1) / 2;
        return String.join("/", groups.subList(0, keep));
    }

    public Path file() { return file; }

    /** Layer names, sorted. */
    public List<String> layerNames() {
        return new ArrayList<>(layers.keySet());
    }

    public boolean has(String layer) {
        return layers.containsKey(layer);
    }

    /** The weights of one layer by name (kernel, bias, gamma, ...). */
    public Map<String, INDArray> layer(String layer) {
        Map<String, INDArray> w = layers.get(layer);
        if (w == null) throw new IllegalArgumentException(file + ": has no layer '" + layer + "'; it has " + layerNames());
        return Collections.unmodifiableMap(w);
    }

    /**
     * Copies one Keras layer's weights into the DL4J layer of the graph, converting the layout:
     * convolution kernels {@code [kh, kw, in, out] -> [out, in, kh, kw]}; depthwise kernels
     * {@code [kh, kw, in, mult]} (DL4J's layout too); batch norm gamma, beta, moving mean and
     * variance; dense and output layers' kernels {@code [in, out]} as they are.
     */
    public void copyInto(ComputationGraph graph, String dl4jLayer, String kerasLayer) {
        org.deeplearning4j.nn.api.Layer layer = graph.getLayer(dl4jLayer);
        if (layer == null) throw new IllegalArgumentException("the network has no layer '" + dl4jLayer + "' for " + file + ":" + kerasLayer);
        Object conf = layer.conf().getLayer();
        if (conf instanceof DepthwiseConvolution2D) {
            set(layer, "W", get(kerasLayer, "depthwise_kernel", layer.getParam("W").shape()));
            if (layer.paramTable().containsKey("b")) set(layer, "b", get(kerasLayer, "bias", layer.getParam("b").length()));
        } else if (conf instanceof ConvolutionLayer) {
            long[] w = layer.getParam("W").shape();      // [out, in, kh, kw]
            set(layer, "W", get(kerasLayer, "kernel", w[2], w[3], w[1], w[0]).permute(3, 2, 0, 1));
            if (layer.paramTable().containsKey("b")) set(layer, "b", get(kerasLayer, "bias", w[0]));
        } else if (conf instanceof BatchNormalization bn) {
            if (bn.isUseLogStd()) throw new IllegalArgumentException(dl4jLayer + ": batch norm must store the variance (useLogStd(false)) to take Keras weights");
            long n = layer.getParam("gamma").length();
            set(layer, "gamma", get(kerasLayer, "gamma", n));
            set(layer, "beta", get(kerasLayer, "beta", n));
            set(layer, "mean", get(kerasLayer, "moving_mean", n));
            set(layer, "var", get(kerasLayer, "moving_variance", n));
        } else if (conf instanceof DenseLayer || conf instanceof org.deeplearning4j.nn.conf.layers.OutputLayer) {
            long[] w = layer.getParam("W").shape();
            set(layer, "W", get(kerasLayer, "kernel", w[0], w[1]));
            set(layer, "b", get(kerasLayer, "bias", w[1]));
        } else {
            throw new IllegalArgumentException(dl4jLayer + " is a " + conf.getClass().getSimpleName() + "; no Keras weights map onto it");
        }
    }

    private static void set(org.deeplearning4j.nn.api.Layer layer, String key, INDArray value) {
        INDArray target = layer.getParam(key);
        target.assign(value.reshape(target.shape()).castTo(target.dataType()));
    }

    /** One array, checked against the shape the network needs (Keras's channels-last shape). */
    public INDArray get(String layer, String weight, long... expectedShape) {
        INDArray a = layer(layer).get(weight);
        if (a == null) throw new IllegalArgumentException(file + ": layer '" + layer + "' has no '" + weight + "'; it has " + layer(layer).keySet());
        if (!Arrays.equals(a.shape(), expectedShape)) {
            throw new IllegalArgumentException(file + ": " + layer + "/" + weight + " has shape " + Arrays.toString(a.shape())
                    + ", the network needs " + Arrays.toString(expectedShape));
        }
        return a;
    }
}
