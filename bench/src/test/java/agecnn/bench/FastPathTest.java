package agecnn.bench;

import agecnn.nets.FastPath;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fast path is really taken, and computes what DL4J's built-in path computes. The gate DL4J
 * reads is a system property read whenever a layer is made, so both paths live in this JVM:
 * the plain network is made inside {@link FastPath#withHelpersDisabled}.
 */
class FastPathTest {

    private static final int SIZE = 32;
    private static final int CLASSES = 12;
    private static final int BATCH = 4;

    @BeforeAll
    static void enable() {
        FastPath.enable();
    }

    @Test
    void baselineCnnGetsOneDnnHelpers() {
        MultiLayerNetwork net = BenchCnn.build(SIZE, CLASSES, 1);
        assertTrue(FastPath.helpersActive(net),
                "conv/pooling layers have no OneDNN helper: the work-around in FastPath no longer works "
                        + "(is the linux-x86_64-onednn classifier of nd4j-native on the class path?)");
    }

    @Test
    void enableIsIdempotent() {
        FastPath.enable();
        FastPath.enable();
        assertEquals("false", System.getProperty(FastPath.HELPERS_DISABLE));
        assertTrue(FastPath.helpersActive(BenchCnn.build(SIZE, CLASSES, 1)));
    }

    @Test
    void plainPathHasNoHelpersAndRestoresTheSwitch() {
        MultiLayerNetwork plain = FastPath.withHelpersDisabled(() -> BenchCnn.build(SIZE, CLASSES, 1));
        assertFalse(FastPath.helpersActive(plain));
        assertEquals("false", System.getProperty(FastPath.HELPERS_DISABLE));
    }

    @Test
    void fastAndPlainPathsGiveEqualOutputsAndGradients() {
        MultiLayerNetwork fast = BenchCnn.build(SIZE, CLASSES, 7);
        MultiLayerNetwork plain = FastPath.withHelpersDisabled(() -> BenchCnn.build(SIZE, CLASSES, 7));
        assertTrue(FastPath.helpersActive(fast));
        assertFalse(FastPath.helpersActive(plain));
        plain.setParams(fast.params().dup());

        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.FLOAT, BATCH, 3, SIZE, SIZE);
        INDArray y = oneHot(BATCH, CLASSES, 11);

        assertClose(plain.output(x, false), fast.output(x, false), 1e-4, "inference output");
        assertClose(plain.output(x, true), fast.output(x, true), 1e-4, "training-mode output");

        Map<String, INDArray> gPlain = gradients(plain, x, y);
        Map<String, INDArray> gFast = gradients(fast, x, y);
        assertEquals(gPlain.keySet(), gFast.keySet());
        assertEquals(plain.score(), fast.score(), 1e-4, "loss");
        for (String k : gPlain.keySet()) assertClose(gPlain.get(k), gFast.get(k), 1e-3, "gradient " + k);
    }

    private static Map<String, INDArray> gradients(MultiLayerNetwork net, INDArray x, INDArray y) {
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        Map<String, INDArray> g = new java.util.TreeMap<>();
        net.gradient().gradientForVariable().forEach((k, v) -> g.put(k, v.dup()));
        return g;
    }

    /** Equal within {@code rel} of the largest magnitude in {@code expected} (float32 sums differ in order). */
    private static void assertClose(INDArray expected, INDArray actual, double rel, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        double scale = Math.max(expected.amaxNumber().doubleValue(), 1e-6);
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff <= rel * scale, what + ": max difference " + diff + " > " + rel + " x " + scale);
        assertTrue(scale > 1e-6 || diff == 0, what + " is all zero: nothing compared");
    }

    private static INDArray oneHot(int rows, int classes, long seed) {
        Random r = new Random(seed);
        INDArray y = Nd4j.zeros(DataType.FLOAT, rows, classes);
        for (int i = 0; i < rows; i++) y.putScalar(i, r.nextInt(classes), 1f);
        return y;
    }
}
