package agecnn.nets.weights;

import agecnn.nets.StudyHead;
import agecnn.nets.backbones.TransferNet;
import agecnn.nets.backbones.Backbone;
import agecnn.nets.backbones.MobileNetV1;
import agecnn.nets.backbones.SqueezeNet11;
import agecnn.testing.Nets;
import agecnn.testing.TestWeights;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The pretrained networks hold exactly the numbers of the Keras files, layer by layer. */
class KerasWeightsTest {

    @Test
    void mobileNetHoldsTheFilesWeights() throws IOException {
        assertHoldsFile(new MobileNetV1(), TestWeights.file(WeightFile.MOBILENET_V1_025.fileName()), 54);
    }

    @Test
    void squeezeNetHoldsTheFilesWeights() throws IOException {
        assertHoldsFile(new SqueezeNet11(), TestWeights.file(WeightFile.SQUEEZENET_V11.fileName()), 25);
    }

    /**
     * Every array of the file, read independently of the copying code, equals the network's
     * parameter it went to, index by index in the Keras layout; and every layer of the file is used.
     */
    private static void assertHoldsFile(Backbone backbone, Path file, int layersWithWeights) throws IOException {
        KerasWeights w = KerasWeights.read(file);
        assertEquals(layersWithWeights, w.layerNames().size(), w.layerNames().toString());
        TransferNet tn = TransferNet.keras(backbone, w, 128, 1, StudyHead.study(), Nets.EQUAL_WEIGHTS, Nets.plan(1).updater(), 1);
        ComputationGraph g = tn.graph();
        Set<String> used = new HashSet<>();
        for (String kerasLayer : w.layerNames()) {
            Layer l = g.getLayer(kerasLayer.replace('/', '_'));
            assertNotNull(l, "no layer for " + kerasLayer);
            used.add(kerasLayer);
            for (Map.Entry<String, INDArray> e : w.layer(kerasLayer).entrySet()) {
                INDArray k = e.getValue();
                switch (e.getKey()) {
                    case "kernel" -> {
                        INDArray dl = l.getParam("W");   // [out, in, kh, kw] from Keras [kh, kw, in, out]
                        long[] s = k.shape();
                        for (int y = 0; y < s[0]; y++) for (int x = 0; x < s[1]; x++) for (int i = 0; i < s[2]; i++) for (int o = 0; o < s[3]; o++) {
                            assertEquals(k.getFloat(y, x, i, o), dl.getFloat(o, i, y, x), 0f, kerasLayer + " kernel");
                        }
                    }
                    case "depthwise_kernel" -> assertArrayEquals(k.dup('c').data().asFloat(), l.getParam("W").dup('c').data().asFloat(), 0f, kerasLayer);
                    case "bias" -> assertArrayEquals(k.data().asFloat(), l.getParam("b").dup('c').data().asFloat(), 0f, kerasLayer);
                    case "gamma", "beta", "moving_mean", "moving_variance" -> {
                        String key = Map.of("gamma", "gamma", "beta", "beta", "moving_mean", "mean", "moving_variance", "var").get(e.getKey());
                        assertArrayEquals(k.data().asFloat(), l.getParam(key).dup('c').data().asFloat(), 0f, kerasLayer + " " + e.getKey());
                    }
                    default -> fail("unexpected weight " + kerasLayer + "/" + e.getKey());
                }
            }
        }
        assertEquals(new HashSet<>(w.layerNames()), used);
        assertFalse(Arrays.stream(g.params().data().asDouble()).anyMatch(Double::isNaN));
    }

    @Test
    void aMissingOrCorruptFileIsNamedInTheError(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nothing.h5");
        IOException e = assertThrows(IOException.class, () -> KerasWeights.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());

        Path text = dir.resolve("text.h5");
        Files.writeString(text, "this is not HDF5");
        e = assertThrows(IOException.class, () -> KerasWeights.read(text));
        assertTrue(e.getMessage().startsWith(text + ": not an HDF5 file"), e.getMessage());

        Path real = TestWeights.file(WeightFile.SQUEEZENET_V11.fileName());
        Path truncated = dir.resolve("truncated.h5");
        byte[] bytes = Files.readAllBytes(real);
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 3));
        e = assertThrows(IOException.class, () -> KerasWeights.read(truncated));
        assertTrue(e.getMessage().startsWith(truncated.toString()), e.getMessage());
    }

    @Test
    void aLayerMissingFromTheFileIsNamed() throws IOException {
        KerasWeights w = KerasWeights.read(TestWeights.file(WeightFile.SQUEEZENET_V11.fileName()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TransferNet.keras(new MobileNetV1(), w, 64, 1, StudyHead.study(), Nets.EQUAL_WEIGHTS, Nets.plan(1).updater(), 1));
        assertTrue(e.getMessage().contains("has no layer 'conv1_bn'"), e.getMessage());
        assertTrue(e.getMessage().contains(WeightFile.SQUEEZENET_V11.fileName()), e.getMessage());
    }
}
