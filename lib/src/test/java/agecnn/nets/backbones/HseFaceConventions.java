package agecnn.nets.backbones;

import agecnn.data.ImageDecoder;
import agecnn.nets.InputScaling;
import agecnn.nets.Networks;
import agecnn.nets.weights.KerasWeights;
import agecnn.nets.weights.WeightFile;
import agecnn.nets.weights.WeightStore;
import agecnn.tensors.Resizer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Which input convention and which framing the HSE face MobileNet wants, measured with its own
 * age head (global average, {@code feats}, {@code age_pred}: 100 one-year classes) on UTKFace:
 * the mean absolute error of its expected age, per convention and framing, on every 79th file
 * of the folder (sorted by name) up to N. A framing {@code m} crops a margin of m of the side
 * from each edge (m &gt; 0) or pads the image with black by -m of the side (m &lt; 0) before the
 * resize to 224 px.
 * <pre>
 * java -cp lib/target/test-classes:lib/target/classes:$(cat lib/target/classpath) agecnn.nets.backbones.HseFaceConventions \
 *     UTKFACE_DIR TGZ [N] [framings, e.g. 0,0.1,-0.1]
 * </pre>
 */
public final class HseFaceConventions {

    private HseFaceConventions() {}

    public static void main(String[] a) throws Exception {
        Path dir = Path.of(a[0]), tgz = Path.of(a[1]);
        int n = a.length > 2 ? Integer.parseInt(a[2]) : 200;
        double[] framings = Stream.of((a.length > 3 ? a[3] : "0").split(",")).mapToDouble(Double::parseDouble).toArray();
        HseFace hse = new HseFace();
        KerasWeights w = hse.readWeights(tgz);
        GraphBuilder g = Networks.graph(new Adam(1e-3), 1).addInputs(Networks.INPUT)
                .setInputTypes(InputType.convolutional(224, 224, 3));
        g.addLayer(InputScaling.LAYER, InputScaling.layer(), Networks.INPUT);
        Backbone.Layout layout = hse.addTo(g, InputScaling.LAYER, 224);
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), layout.output());
        g.addLayer("feats", new DenseLayer.Builder().nOut(256).activation(Activation.RELU).build(), "pool");
        g.addLayer("age_pred", new DenseLayer.Builder().nOut(100).activation(Activation.SOFTMAX).build(), "feats");
        g.setOutputs("age_pred");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        for (Map.Entry<String, String> e : layout.kerasLayers().entrySet()) {
            if (!e.getKey().startsWith("head_")) w.copyInto(net, e.getKey(), e.getValue());
        }
        w.copyInto(net, "feats", "feats");
        w.copyInto(net, "age_pred", "age_pred");

        Map<String, InputScaling> conventions = new LinkedHashMap<>();
        conventions.put("BGR 0-255 minus ImageNet mean (caffe)", InputScaling.caffe());
        conventions.put("RGB 0-255", new InputScaling("rgb255", new double[][] {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}}, new double[3]));
        conventions.put("BGR 0-255", new InputScaling("bgr255", new double[][] {{0, 0, 255}, {0, 255, 0}, {255, 0, 0}}, new double[3]));
        conventions.put("RGB in [-1, 1] (tf)", InputScaling.tf());

        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".jpg")).sorted().toList();
        }
        List<Path> sample = new java.util.ArrayList<>();
        for (int i = 0; i < files.size() && sample.size() < n; i += 79) sample.add(files.get(i));
        int[] ages = sample.stream().mapToInt(p -> Integer.parseInt(p.getFileName().toString().split("_")[0])).toArray();
        for (double m : framings) {
            List<byte[]> hwc = new java.util.ArrayList<>();
            for (Path f : sample) hwc.add(Resizer.toSquareRgb(frame(ImageDecoder.readRgb(f), m), 224));
            INDArray x = agecnn.tensors.TensorCache.batchOf(hwc, 224);
            for (Map.Entry<String, InputScaling> c : conventions.entrySet()) {
                if (m != 0 && !c.getKey().contains("caffe") && !c.getKey().equals("RGB 0-255")) continue;
                c.getValue().applyTo(net);
                double err = 0;
                for (int from = 0; from < sample.size(); from += 32) {
                    int to = Math.min(sample.size(), from + 32);
                    INDArray p = net.outputSingle(false, x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)));
                    INDArray years = Nd4j.arange(100).castTo(p.dataType());
                    INDArray expected = p.mmul(years.reshape(100, 1));
                    for (int k = from; k < to; k++) err += Math.abs(expected.getDouble(k - from, 0) - ages[k]);
                }
                System.out.printf("framing %+.2f  %-40s MAE %.2f years (n=%d)%n", m, c.getKey(), err / sample.size(), sample.size());
            }
        }
    }

    /** The image with a margin of m of its side cropped from each edge (m > 0), or padded with black (m < 0). */
    static BufferedImage frame(BufferedImage img, double m) {
        if (m == 0) return img;
        int side = img.getWidth(), margin = (int) Math.round(Math.abs(m) * side);
        if (m > 0) return img.getSubimage(margin, margin, side - 2 * margin, side - 2 * margin);
        BufferedImage out = new BufferedImage(side + 2 * margin, side + 2 * margin, BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = out.createGraphics();
        gr.drawImage(img, margin, margin, null);
        gr.dispose();
        return out;
    }
}
