package agecnn.nets.backbones;

import agecnn.nets.FastPath;
import agecnn.nets.InputScaling;
import agecnn.nets.StudyHead;
import agecnn.nets.backbones.TransferNet;
import agecnn.nets.weights.WeightStore;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.zoo.PretrainedType;
import org.deeplearning4j.zoo.ZooModel;
import org.deeplearning4j.zoo.model.ResNet50;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.Adler32;
import java.util.zip.Checksum;

/**
 * The backbones that come with the DL4J zoo's ImageNet weights: VGG16, VGG19 and ResNet50. The
 * zoo's file is taken from WEIGHTS_DIR (or the download cache) when the user has put it there,
 * else the zoo downloads it into ~/.deeplearning4j (needs a network). Either way the zoo's
 * checksum is checked. The network then loses its classifier, gets the input scaling in front
 * and the study's head on top. Block boundaries are found in the graph itself: VGG's pooling
 * layers, and ResNet's residual additions.
 */
public enum ZooBackbone {
    VGG16("vgg16", "VGG16, ImageNet (DL4J zoo)"),
    VGG19("vgg19", "VGG19, ImageNet (DL4J zoo)"),
    RESNET50("resnet50", "ResNet50, ImageNet (DL4J zoo)");

    private final String modelName;
    private final String title;

    ZooBackbone(String modelName, String title) {
        this.modelName = modelName;
        this.title = title;
    }

    public String modelName() { return modelName; }

    public String title() { return title; }

    /**
     * What LEARNING_RATE is divided by for this backbone, as {@link Backbone#learningRateDivisor}:
     * 10 for VGG, built as SqueezeNet is (no batch normalization, inputs on the 0-255 scale), whose
     * training died at the full rate; 1 for ResNet50, which has batch normalization. The VGG
     * weights need a network, so their rate was not measured here.
     */
    public double learningRateDivisor() {
        return this == RESNET50 ? 1 : 10;
    }

    public static Optional<ZooBackbone> named(String name) {
        return Arrays.stream(values()).filter(z -> z.modelName.equals(name)).findFirst();
    }

    /** The zoo's definition (its configuration, random weights) for square images of {@code imageSize} px. */
    public ZooModel<?> zooModel(int imageSize) {
        int[] shape = {3, imageSize, imageSize};
        return switch (this) {
            case VGG16 -> org.deeplearning4j.zoo.model.VGG16.builder().inputShape(shape).numClasses(1000).build();
            case VGG19 -> org.deeplearning4j.zoo.model.VGG19.builder().inputShape(shape).numClasses(1000).build();
            case RESNET50 -> ResNet50.builder().inputShape(shape).numClasses(1000).build();
        };
    }

    /** The name of the zoo's ImageNet file, looked for in WEIGHTS_DIR. */
    public String fileName() {
        return new File(zooModel(224).pretrainedUrl(PretrainedType.IMAGENET)).getName();
    }

    /**
     * The zoo's ImageNet network: from WEIGHTS_DIR or the cache if there, else downloaded by the zoo.
     * Fails with a message naming where it looked and why the download failed.
     */
    public ComputationGraph pretrained(WeightStore store) throws IOException {
        ZooModel<?> zoo = zooModel(224);
        Optional<Path> local = store.find(fileName());
        if (local.isPresent()) {
            long expected = zoo.pretrainedChecksum(PretrainedType.IMAGENET);
            Checksum adler = new Adler32();
            org.apache.commons.io.FileUtils.checksum(local.get().toFile(), adler);
            if (expected != 0 && adler.getValue() != expected) {
                throw new IOException(local.get() + " is not the DL4J zoo's " + title + " file: its Adler-32 checksum is " + adler.getValue()
                        + ", expected " + expected + " (damaged, truncated or another file)");
            }
            return FastPath.restoreGraph(local.get(), false);
        }
        try {
            FastPath.enable();   // the zoo restores the network: its layers choose their helpers then
            return zoo.initPretrained(PretrainedType.IMAGENET);
        } catch (IOException | RuntimeException e) {
            throw new IOException(title + " weights are not available: " + fileName() + " is not in WEIGHTS_DIR (" + store.localDir()
                    + ") nor in " + store.cacheDir() + ", and the DL4J zoo could not download it (" + e + ")", e);
        }
    }

    /**
     * The zoo network as a transfer model: classifier removed, input scaling in front, the
     * study's head on the last feature map, frozen but for the last {@code trainableBlocks} blocks.
     *
     * @param zoo a network of the zoo, pretrained or not (tests use the zoo's untrained one)
     */
    public TransferNet transferNet(ComputationGraph zoo, String weightsFrom, int imageSize, int trainableBlocks, StudyHead head,
                                   double[] classWeights, IUpdater updater, long seed) {
        Map<String, GraphVertex> vertices = zoo.getConfiguration().getVertices();
        List<String> order = new ArrayList<>();
        for (int i : zoo.topologicalSortOrder()) order.add(zoo.getVertices()[i].getVertexName());
        String input = zoo.getConfiguration().getNetworkInputs().get(0);
        String features = featureVertex(order, vertices, zoo);
        List<String> ends = blockEnds(order, vertices, zoo, features);
        String first = zoo.getConfiguration().getVertexInputs().entrySet().stream()
                .filter(e -> e.getValue().equals(List.of(input))).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(title + ": no layer reads the input '" + input + "'"));
        Layer firstConf = ((LayerVertex) vertices.get(first)).getLayerConf().getLayer().clone();
        // the builder below re-initialises the layer it re-adds
        INDArray firstParams = zoo.getLayer(first).numParams() > 0 ? zoo.getLayer(first).params().dup() : null;

        TransferLearning.GraphBuilder b = new TransferLearning.GraphBuilder(zoo)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(updater).seed(seed).build());
        // everything after the last feature map goes, the head takes its place
        for (String v : order.subList(order.indexOf(features) + 1, order.size())) b.removeVertexAndConnections(v);
        // the input scaling goes between the input and the first layer
        b.removeVertexKeepConnections(first);
        b.addLayer(InputScaling.LAYER, InputScaling.layer(), input);
        b.addLayer(first, firstConf, InputScaling.LAYER);
        b.setInputTypes(InputType.convolutional(imageSize, imageSize, 3));
        head.addTo(b, features, classWeights);
        String until = TransferNet.frozenUntil(modelName, ends, trainableBlocks);
        b.setFeatureExtractor(until);
        ComputationGraph net = b.build();
        if (firstParams != null) net.getLayer(first).setParams(firstParams);
        InputScaling scaling = InputScaling.caffe();
        scaling.applyTo(net);
        return new TransferNet(modelName, title, weightsFrom, net, until, imageSize, scaling);
    }

    /**
     * The last feature map: the input of the first dense, output or global pooling layer, stepping
     * back over a pooling layer right before it (the classifier's own pooling: the head averages
     * the map anyway). In the zoo's ResNet50 that pooling is named avgpool but is a max pooling.
     */
    static String featureVertex(List<String> order, Map<String, GraphVertex> vertices, ComputationGraph g) {
        for (String v : order) {
            Layer l = layer(vertices.get(v));
            if (l instanceof DenseLayer || l instanceof BaseOutputLayer || l instanceof GlobalPoolingLayer) {
                String in = g.getConfiguration().getVertexInputs().get(v).get(0);
                Layer before = layer(vertices.get(in));
                if (before instanceof SubsamplingLayer) {
                    in = g.getConfiguration().getVertexInputs().get(in).get(0);
                }
                return in;
            }
        }
        throw new IllegalArgumentException("found no classifier (dense, output or global pooling layer) to remove");
    }

    /**
     * Where blocks end, up to the feature map: vertices every path passes through that are a
     * max pooling layer (VGG) or the activation after a residual addition (ResNet).
     */
    static List<String> blockEnds(List<String> order, Map<String, GraphVertex> vertices, ComputationGraph g, String features) {
        Map<String, List<String>> inputs = g.getConfiguration().getVertexInputs();
        List<String> ends = new ArrayList<>();
        int last = order.indexOf(features);
        for (int i = 1; i < last; i++) {
            String v = order.get(i);
            if (!isCut(order, inputs, i)) continue;
            Layer l = layer(vertices.get(v));
            boolean pool = l instanceof SubsamplingLayer s && s.getPoolingType().name().equals("MAX");
            boolean afterAdd = inputs.get(v).size() == 1 && vertices.get(inputs.get(v).get(0)) instanceof ElementWiseVertex;
            if (pool || afterAdd) ends.add(v);
        }
        ends.add(features);
        return ends;
    }

    /** No edge jumps over position i: everything after it depends on what came before only through it. */
    private static boolean isCut(List<String> order, Map<String, List<String>> inputs, int i) {
        Set<String> before = new HashSet<>(order.subList(0, i));
        for (String v : order.subList(i + 1, order.size())) {
            for (String in : inputs.getOrDefault(v, List.of())) if (before.contains(in)) return false;
        }
        return true;
    }

    private static Layer layer(GraphVertex v) {
        if (!(v instanceof LayerVertex lv)) return null;
        Layer l = lv.getLayerConf().getLayer();
        return l instanceof FrozenLayer f ? f.getLayer() : l;
    }
}
