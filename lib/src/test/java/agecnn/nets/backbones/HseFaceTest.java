package agecnn.nets.backbones;

import agecnn.nets.StudyHead;
import agecnn.nets.weights.WeightFile;
import agecnn.testing.Nets;
import agecnn.testing.TestWeights;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The HSE face MobileNet: its shape, and its weights against TensorFlow.js running the same graph. */
class HseFaceTest {

    static TransferNet net(HseFace b, Path tgz, int trainable) throws IOException {
        double[] equal = new double[12];
        Arrays.fill(equal, 1);
        return TransferNet.keras(b, tgz == null ? null : b.readWeights(tgz), 224, trainable, StudyHead.study(), equal,
                Nets.plan(1).updater(), 1);
    }

    @Test
    void itTakes224PxAndItsBlocksEndAt7x7x1024() throws IOException {
        TransferNet tn = net(new HseFace(), null, 2);
        assertEquals("conv_pw_11", tn.frozenUntil());
        InputType in = InputType.convolutional(224, 224, 3);
        assertEquals(InputType.convolutional(14, 14, 512), tn.graph().getConfiguration().getLayerActivationTypes(in).get("conv_pw_11"));
        assertEquals(InputType.convolutional(7, 7, 1024), tn.graph().getConfiguration().getLayerActivationTypes(in).get("conv_pw_13"));
        assertArrayEquals(new long[] {2, 12}, tn.graph().outputSingle(Nd4j.rand(2, 3, 224, 224)).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TransferNet.keras(new HseFace(), null, 160, 2, StudyHead.study(), new double[12], Nets.plan(1).updater(), 1));
        assertTrue(e.getMessage().contains("224"), e.getMessage());
    }

    /**
     * The package's weights through this network give what TensorFlow.js gives running the
     * package's own graph (test resource {@code hseface_reference.mjs}: tfjs 4.22.0, CPU backend,
     * Node 20) for a fixed pattern image, both fed as the network was trained (BGR minus the ImageNet mean): the global average of the last block, and the
     * network's {@code feats} layer, which becomes the head's dense layer. Both sides compute in
     * float32 through 28 layers with different summation orders; the tolerances are 1e-5 on
     * single values around 0.02-0.11 and 1e-3 on sums of about 10 (a relative 1e-4); against the
     * first reference (the same image fed as RGB 0-255) the differences seen were under a tenth of that.
     */
    @Test
    void theRealWeightsGiveWhatTensorFlowJsGivesOnTheSameGraph() throws IOException {
        Path tgz = TestWeights.fetched(WeightFile.HUMAN_MODELS_3_0_4);
        TransferNet tn = net(new HseFace(), tgz, 2);
        float[] x = new float[3 * 224 * 224];
        for (int c = 0; c < 3; c++) {
            for (int h = 0; h < 224; h++) for (int w = 0; w < 224; w++) x[(c * 224 + h) * 224 + w] = ((h * 7 + w * 3 + c * 11) % 256) / 255f;
        }
        INDArray[] out = tn.graph().output(List.of(StudyHead.POOL, StudyHead.DENSE), false,
                new INDArray[] {Nd4j.create(x, new long[] {1, 3, 224, 224}, 'c')}, null);
        INDArray pooled = out[0], feats = out[1];
        assertEquals(11.4633, pooled.sumNumber().doubleValue(), 1e-3, "sum of the pooled last block");
        int[] channel = {3, 10, 15, 17, 30, 32};
        double[] reference = {0.101316, 0.022421, 0.018526, 0.065944, 0.022220, 0.026583};
        for (int i = 0; i < channel.length; i++) {
            assertEquals(reference[i], pooled.getDouble(0, channel[i]), 1e-5, "pooled channel " + channel[i]);
        }
        assertEquals(0, pooled.getDouble(0, 0), 0, "a channel ReLU6 holds at 0");
        assertEquals(10.7916, feats.sumNumber().doubleValue(), 1e-3, "sum of the feats layer");
        assertEquals(0.107759, feats.getDouble(0, 4), 1e-5, "feats unit 4");
    }

    /** Its age head as a years head: ages 1-99 are its own outputs, ages 100-120 share its age 99 (exact). */
    @Test
    void itsAgeHeadBecomesAYearsHeadOutputJForAgeJPlusOne() {
        INDArray kernel = Nd4j.rand(DataType.FLOAT, 256, 100), bias = Nd4j.rand(DataType.FLOAT, 100);
        Map<String, INDArray> y = HseFace.yearsHead(kernel, bias);
        assertArrayEquals(new long[] {256, 120}, y.get("kernel").shape());
        assertEquals(kernel.getColumn(1), y.get("kernel").getColumn(0), "age 1");
        assertEquals(kernel.getColumn(99), y.get("kernel").getColumn(98), "age 99");
        assertEquals(bias.getDouble(37), y.get("bias").getDouble(36), 0, "age 37");
        for (int age = 100; age <= 120; age++) {
            assertEquals(kernel.getColumn(99), y.get("kernel").getColumn(age - 1), "age " + age);
            assertEquals(bias.getDouble(99) - Math.log(21), y.get("bias").getDouble(age - 1), 1e-6, "age " + age + " (float32 bias)");
        }
        // the 21 years past 99 together start with the weight age 99 has: 21 exp(b - ln 21) = exp(b)
        double past = 0;
        for (int age = 100; age <= 120; age++) past += Math.exp(y.get("bias").getDouble(age - 1));
        assertEquals(Math.exp(bias.getDouble(99)), past, 1e-5);
    }
}
