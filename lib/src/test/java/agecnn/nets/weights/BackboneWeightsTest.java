package agecnn.nets.weights;

import agecnn.nets.InputScaling;
import agecnn.nets.Networks;
import agecnn.nets.backbones.Backbone;
import agecnn.nets.backbones.EfficientNetB0;
import agecnn.nets.backbones.MobileNetV1;
import agecnn.nets.backbones.SqueezeNet11;
import agecnn.nets.backbones.ZooBackbone;
import agecnn.testing.Nets;
import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Every layer that has weights knows where its pretrained weights come from, or says why there are none. */
class BackboneWeightsTest {

    @Test
    void everyBackboneLayerWithWeightsHasAKerasName() {
        for (Backbone b : List.of(new MobileNetV1(), new SqueezeNet11(), new EfficientNetB0())) {
            ComputationGraphConfiguration.GraphBuilder g = Networks.graph(Nets.plan(1).updater(), 1).addInputs("in")
                    .setInputTypes(InputType.convolutional(64, 64, 3));
            Backbone.Layout layout = b.addTo(g, "in", 64);
            g.setOutputs(layout.output());
            ComputationGraph net = new ComputationGraph(g.build());
            net.init();
            for (Layer l : net.getLayers()) {
                String name = l.conf().getLayer().getLayerName();
                if (l.numParams() > 0) assertTrue(layout.kerasLayers().containsKey(name), b.name() + ": " + name + " takes no weights");
            }
        }
    }

    @Test
    void zooWeightsThatCannotBeHadAreReportedWithTheFileName(@TempDir Path dir) throws IOException {
        String base = DL4JResources.getBaseDownloadURL();
        java.io.File home = DL4JResources.getBaseDirectory();
        // no download, whatever this machine's network: an address nothing answers, and an empty zoo cache
        DL4JResources.setBaseDownloadURL("http://127.0.0.1:9/");
        DL4JResources.setBaseDirectory(java.nio.file.Files.createDirectories(dir.resolve("dl4j")).toFile());
        try {
            WeightStore store = new WeightStore(dir.resolve("local"), dir.resolve("cache"));
            IOException e = assertThrows(IOException.class, () -> ZooBackbone.VGG16.pretrained(store));
            assertTrue(e.getMessage().startsWith("VGG16, ImageNet (DL4J zoo) weights are not available: vgg16_dl4j_inference.zip is not in WEIGHTS_DIR"),
                    e.getMessage());
        } finally {
            DL4JResources.setBaseDownloadURL(base);
            DL4JResources.setBaseDirectory(home);
        }
    }

    @Test
    void efficientNetWithoutItsFileIsNotAvailable(@TempDir Path dir) {
        WeightStore store = new WeightStore(dir, dir.resolve("cache"));
        assertTrue(store.find(new EfficientNetB0().weightFileName()).isEmpty());
        // and without the file the input normalisation is ImageNet's
        InputScaling s = new EfficientNetB0().scaling(null);
        assertEquals(-0.485 / 0.229, s.bias()[0], 1e-9);
    }
}
