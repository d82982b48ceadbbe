package agecnn.nets.weights;

import agecnn.nets.Networks;
import agecnn.testing.Nets;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** TensorFlow.js weights read out of an npm tarball: dequantized, scale layers folded in, bad files named. */
class TfjsWeightsTest {

    @TempDir
    Path tmp;

    static final String MODEL = "package/model/m";

    /** One 3x3 convolution, 2 channels in, 4 out: quantized filters and scale, float bias, as face-api.js stores them. */
    static final String MANIFEST = """
            [{"paths": ["m.bin"], "weights": [
              {"name": "c/conv/filters", "shape": [3, 3, 2, 4], "dtype": "float32", "quantization": {"dtype": "uint8", "scale": 0.01, "min": -1}},
              {"name": "c/conv/bias", "shape": [4], "dtype": "float32"},
              {"name": "c/scale/weights", "shape": [4], "dtype": "float32", "quantization": {"dtype": "uint8", "scale": 0.5, "min": 1}},
              {"name": "c/scale/biases", "shape": [4], "dtype": "float32", "quantization": {"dtype": "uint8", "scale": 0.1, "min": -0.2}}]}]
            """;

    static byte[] shard() {
        ByteBuffer b = ByteBuffer.allocate(72 + 16 + 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 72; i++) b.put((byte) (i * 7 % 256));
        for (float f : new float[] {0.5f, -0.25f, 0, 1}) b.putFloat(f);
        b.put(new byte[] {0, 1, 2, 3});
        b.put(new byte[] {0, 2, 4, 6});
        return b.array();
    }

    @Test
    void quantizedArraysAreDequantizedAndTheScaleFoldedIntoTheConvolution() throws IOException {
        Path tgz = tarball(Map.of(MODEL + "-weights_manifest.json", MANIFEST.getBytes(StandardCharsets.UTF_8), "package/model/m.bin", shard(),
                "package/README.md", "other files are skipped".getBytes(StandardCharsets.UTF_8)));
        KerasWeights w = TfjsWeights.read(tgz, MODEL);
        assertEquals(java.util.List.of("c"), w.layerNames());
        INDArray kernel = w.get("c", "kernel", 3, 3, 2, 4), bias = w.get("c", "bias", 4);
        // filter value k (row-major [kh, kw, in, out]) is -1 + 0.01 * (7k mod 256), times scale 1 + 0.5 * out
        float[] k = kernel.reshape(-1).toFloatVector();
        for (int i = 0; i < 72; i++) assertEquals((-1 + 0.01 * (i * 7 % 256)) * (1 + 0.5 * (i % 4)), k[i], 1e-5, "kernel value " + i);
        double[] b = {0.5, -0.25, 0, 1};
        for (int o = 0; o < 4; o++) assertEquals(b[o] * (1 + 0.5 * o) + (-0.2 + 0.2 * o), bias.getDouble(o), 1e-6, "bias " + o);

        // and the folded convolution computes what convolution, bias, then scale compute
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 2, 6, 6);
        ComputationGraph folded = conv(), plain = conv();
        w.copyInto(folded, "c", "c");
        Map<String, Map<String, INDArray>> raw = new LinkedHashMap<>();
        float[] unscaled = new float[72];
        for (int i = 0; i < 72; i++) unscaled[i] = (float) (-1 + 0.01 * (i * 7 % 256));
        raw.put("c", Map.of("kernel", Nd4j.create(unscaled, new long[] {3, 3, 2, 4}, 'c'), "bias", Nd4j.create(b).castTo(DataType.FLOAT)));
        KerasWeights.of(tgz, raw).copyInto(plain, "c", "c");
        INDArray expected = plain.outputSingle(x);
        for (int o = 0; o < 4; o++) {
            INDArray ch = expected.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(o));
            ch.muli(1 + 0.5 * o).addi(-0.2 + 0.2 * o);
        }
        assertEquals(0, folded.outputSingle(x).sub(expected).amaxNumber().doubleValue(), 1e-5);
    }

    @Test
    void aMissingManifestAShortShardAndANonArchiveAreNamed() throws IOException {
        Path noManifest = tarball(Map.of("package/model/m.bin", shard()));
        IOException e = assertThrows(IOException.class, () -> TfjsWeights.read(noManifest, MODEL));
        assertTrue(e.getMessage().startsWith(noManifest + ": has no " + MODEL + "-weights_manifest.json"), e.getMessage());

        byte[] cut = java.util.Arrays.copyOf(shard(), 80);
        Path shortShard = tarball(Map.of(MODEL + "-weights_manifest.json", MANIFEST.getBytes(StandardCharsets.UTF_8), "package/model/m.bin", cut));
        e = assertThrows(IOException.class, () -> TfjsWeights.read(shortShard, MODEL));
        assertTrue(e.getMessage().contains("the weights end inside c/"), e.getMessage());

        Path text = Files.writeString(tmp.resolve("not.tgz"), "<html>not found</html>");
        e = assertThrows(IOException.class, () -> TfjsWeights.read(text, MODEL));
        assertTrue(e.getMessage().startsWith(text + ": not a complete gzipped tar file"), e.getMessage());
    }

    private static ComputationGraph conv() {
        ComputationGraph g = new ComputationGraph(Networks.graph(Nets.plan(1).updater(), 1).addInputs("in")
                .setInputTypes(InputType.convolutional(6, 6, 2))
                .addLayer("c", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build(), "in")
                .setOutputs("c").build());
        g.init();
        return g;
    }

    /** A gzipped tar of the entries, as npm packs them (ustar headers; checksums are not read). */
    private Path tarball(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            byte[] h = new byte[512];
            byte[] name = e.getKey().getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(name, 0, h, 0, name.length);
            byte[] size = String.format("%011o", e.getValue().length).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(size, 0, h, 124, size.length);
            h[156] = '0';
            tar.writeBytes(h);
            tar.writeBytes(e.getValue());
            tar.writeBytes(new byte[(512 - e.getValue().length % 512) % 512]);
        }
        tar.writeBytes(new byte[1024]);
        Path p = Files.createTempFile(tmp, "pkg", ".tgz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(tar.toByteArray());
        }
        return p;
    }
}
