package agecnn.nets.backbones;

import agecnn.nets.StudyHead;
import agecnn.nets.backbones.TransferNet;
import agecnn.nets.weights.KerasWeights;
import agecnn.nets.weights.WeightFile;
import agecnn.run.TrainingSession;
import agecnn.tensors.PreparedData;
import agecnn.testing.Nets;
import agecnn.testing.TestWeights;
import agecnn.testing.TinyData;
import agecnn.train.Progress;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** dlib's face-recognition ResNet: its shapes, its weights against an independent port, and its place in a session. */
class FaceResNetTest {

    @TempDir
    Path tmp;

    static TransferNet net(KerasWeights weights, int size, int trainable) {
        double[] equal = new double[12];
        Arrays.fill(equal, 1);
        return TransferNet.keras(new FaceResNet(), weights, size, trainable, StudyHead.study(), equal, Nets.plan(1).updater(), 1);
    }

    static InputType typeOf(TransferNet tn, String vertex) {
        return tn.graph().getConfiguration().getLayerActivationTypes(InputType.convolutional(tn.imageSize(), tn.imageSize(), 3)).get(vertex);
    }

    @Test
    void atItsOwn150PxTheUnitsHalveTheSideDownTo2x2x256() {
        TransferNet tn = net(null, 150, 4);
        assertEquals("conv128_2/relu", tn.frozenUntil(), "the last 4 units train: those at 256 channels");
        assertEquals(InputType.convolutional(8, 8, 128), typeOf(tn, "conv128_2/relu"));
        // 8 px by a stride-2 3x3 convolution is 3, padded to the pooled shortcut's 4; then 1, padded to 2
        assertEquals(InputType.convolutional(4, 4, 256), typeOf(tn, "conv256_down/relu"));
        assertEquals(InputType.convolutional(2, 2, 256), typeOf(tn, "conv256_down_out/relu"));
        assertArrayEquals(new long[] {3, 12}, tn.graph().outputSingle(Nd4j.rand(3, 3, 150, 150)).shape());
        // the stem and 14 residual units are the blocks TRAINABLE_BLOCKS counts
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net(null, 150, 15));
        assertTrue(e.getMessage().contains("between 0 and 14"), e.getMessage());
        assertEquals(InputType.convolutional(9, 9, 128), typeOf(net(null, 160, 4), "conv128_2/relu"), "other sides work too");
    }

    /**
     * The face-api.js package's weights, through this network, give what an independent port of
     * face-api.js's forward pass to PyTorch gives (test resource {@code faceresnet_reference.py},
     * run with Debian's python3-torch on the same package) for a fixed pattern image.
     */
    @Test
    void theRealWeightsGiveWhatAPyTorchPortOfFaceApiJsGives() throws IOException {
        Path tgz = TestWeights.fetched(WeightFile.FACE_API_1_7_15);
        FaceResNet b = new FaceResNet();
        TransferNet tn = net(b.readWeights(tgz), 150, 4);
        float[] x = new float[3 * 150 * 150];
        for (int c = 0; c < 3; c++) {
            for (int h = 0; h < 150; h++) for (int w = 0; w < 150; w++) x[(c * 150 + h) * 150 + w] = ((h * 7 + w * 3 + c * 11) % 256) / 255f;
        }
        INDArray[] out = tn.graph().output(List.of("conv128_2/relu", "conv256_down_out/relu"), false,
                new INDArray[] {Nd4j.create(x, new long[] {1, 3, 150, 150}, 'c')}, null);
        assertEquals(6696.9268, out[0].sumNumber().doubleValue(), 0.05, "sum of the frozen part's output");
        assertEquals(1218.1262, out[1].sumNumber().doubleValue(), 0.05, "sum of the last unit's output");
        double[] reference = {1.2908132, 1.1612446, 1.204936, 1.495932, 1.2425499, 2.2156253};
        INDArray pooled = out[1].mean(2, 3).get(NDArrayIndex.point(0), NDArrayIndex.interval(0, 6));
        for (int i = 0; i < reference.length; i++) assertEquals(reference[i], pooled.getDouble(i), 1e-4, "pooled channel " + i);
    }

    @Test
    void inASessionItRunsAt150PxAndTrainsItsOwnFourUnitsUnlessTrainableBlocksIsGiven() throws IOException {
        Path tgz = TestWeights.fetched(WeightFile.FACE_API_1_7_15);
        Map<String, String> common = Map.of("MODELS", "faceresnet", "WEIGHTS_DIR", tgz.getParent().toString(),
                "TRANSFER_IMAGE_SIZE", "48");
        PreparedData data = TinyData.scrubbed(tmp.resolve("a"), 3, 1, 1, 1, common);
        Table models = TrainingSession.start(data.settings(), data, Progress.quiet()).models();
        assertEquals(150, models.intColumn("input_px").getInt(0), "TRANSFER_IMAGE_SIZE does not change a network of fixed size");
        assertTrue(models.stringColumn("trained").get(0).startsWith("after conv128_2/relu"), models.stringColumn("trained").get(0));
        assertEquals(1e-4, models.doubleColumn("learning_rate").getDouble(0), 1e-12, "a tenth: no batch normalization");

        Map<String, String> given = new java.util.HashMap<>(common);
        given.put("TRAINABLE_BLOCKS", "2");
        PreparedData data2 = TinyData.scrubbed(tmp.resolve("b"), 3, 1, 1, 1, given);
        Table models2 = TrainingSession.start(data2.settings(), data2, Progress.quiet()).models();
        assertTrue(models2.stringColumn("trained").get(0).startsWith("after conv256_1/relu"), models2.stringColumn("trained").get(0));
    }
}
