package agecnn.nets;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MaxPool2x2} computes what DL4J with OneDNN computes, bit for bit: the study's CNN with its
 * pooling layers on it ({@link PoolingLayer}, forward and backward) against the same network on
 * DL4J's own, outputs, every gradient and the parameters after two steps of fit(), at an even
 * size (64 px: maps of 62, 28, 12) and an odd one (65 px: 63, whose last row and column the
 * pooling leaves out). Max pooling only picks values, so there is no rounding to allow for; the
 * ReLU before each pooling makes windows of equal zeros, so ties are met, and their gradient must
 * go where OneDNN sends it.
 */
class MaxPool2x2Test {

    private static final double[] ONES = java.util.Collections.nCopies(12, 1.0).stream().mapToDouble(Double::doubleValue).toArray();

    @BeforeAll
    static void enable() {
        FastPath.enable();
    }

    @Test
    void theStudysCnnGivesTheSameOutputsAndGradientsBitForBit() {
        for (int size : new int[] {64, 65}) {
            ComputationGraph built = StudyCnn.build(size, ONES, new Adam(1e-3), 5);
            assertEquals(MaxPool2x2.neededHere(), FastPath.pools2x2Fast(built), "StudyCnn.build readies its network for this CPU");
            ComputationGraph reference = FastPath.withoutOwnPooling(built);
            ComputationGraph tuned = FastPath.withOwnPooling(StudyCnn.build(size, ONES, new Adam(1e-3), 5));
            assertFalse(FastPath.pools2x2Fast(reference));
            assertTrue(FastPath.pools2x2Fast(tuned));
            assertTrue(FastPath.helpersActive(tuned), "OneDNN stays under MaxPool2x2 for everything else");
            assertEquals(reference.params(), tuned.params());

            Nd4j.getRandom().setSeed(size);
            INDArray x = Nd4j.rand(DataType.FLOAT, 6, 3, size, size);
            INDArray y = Nd4j.zeros(DataType.FLOAT, 6, 12);
            for (int i = 0; i < 6; i++) y.putScalar(i, (i * 5) % 12, 1f);

            assertArrayEquals(reference.outputSingle(false, x).ravel().toFloatVector(), tuned.outputSingle(false, x).ravel().toFloatVector(), 0f,
                    size + " px: inference output");
            Map<String, INDArray> g1 = gradients(reference, x, y), g2 = gradients(tuned, x, y);
            assertEquals(g1.keySet(), g2.keySet());
            for (String k : g1.keySet()) {
                assertArrayEquals(g1.get(k).ravel().toFloatVector(), g2.get(k).ravel().toFloatVector(), 0f, size + " px: gradient " + k);
                assertTrue(g1.get(k).amaxNumber().doubleValue() > 0, size + " px: gradient " + k + " is all zero: nothing compared");
            }
            // and two steps of fit(), the updater and workspaces as training runs them: the same parameters
            for (int step = 0; step < 2; step++) {
                reference.fit(new org.nd4j.linalg.dataset.MultiDataSet(x, y));
                tuned.fit(new org.nd4j.linalg.dataset.MultiDataSet(x, y));
            }
            assertArrayEquals(reference.params().toFloatVector(), tuned.params().toFloatVector(), 0f, size + " px: parameters after fit()");
            assertTrue(FastPath.pools2x2Fast(tuned), "still on MaxPool2x2 after fit()");
        }
    }

    @Test
    void tiesGoToTheFirstLargestInReadingOrderAsOneDnnSendsThem() {
        // one plane of 2 x 4: a window of four zeros, and a window whose max 3 appears twice (top right, bottom left)
        INDArray x = Nd4j.createFromArray(new float[] {0, 0, 1, 3, 0, 0, 3, 2}).reshape(1, 1, 2, 4);
        INDArray eps = Nd4j.createFromArray(new float[] {5, 7}).reshape(1, 1, 1, 2);
        var ws = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        int[] k = {2, 2}, s = {2, 2}, pad = {0, 0}, dil = {1, 1};
        MaxPool2x2 own = new MaxPool2x2(null);
        MKLDNNSubsamplingHelper oneDnn = new MKLDNNSubsamplingHelper(DataType.FLOAT);
        INDArray out = own.activate(x, true, k, s, pad, PoolingType.MAX, ConvolutionMode.Truncate, dil, CNN2DFormat.NCHW, ws);
        assertArrayEquals(new float[] {0, 3}, out.ravel().toFloatVector());
        INDArray g = own.backpropGradient(x, eps, k, s, pad, PoolingType.MAX, ConvolutionMode.Truncate, dil, CNN2DFormat.NCHW, ws).getSecond();
        assertArrayEquals(new float[] {5, 0, 0, 7, 0, 0, 0, 0}, g.ravel().toFloatVector());
        INDArray expected = oneDnn.backpropGradient(x, eps, k, s, pad, PoolingType.MAX, ConvolutionMode.Truncate, dil, CNN2DFormat.NCHW, ws)
                .getSecond();
        assertArrayEquals(expected.ravel().toFloatVector(), g.ravel().toFloatVector(), 0f, "OneDNN's own gradient");
    }

    @Test
    void inputsThatAreViewsAreReadInPlaceByTheirStrides() {
        var ws = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        int[] k = {2, 2}, s = {2, 2}, pad = {0, 0}, dil = {1, 1};
        MKLDNNSubsamplingHelper oneDnn = new MKLDNNSubsamplingHelper(DataType.FLOAT);
        Nd4j.getRandom().setSeed(3);
        INDArray big = Nd4j.rand(DataType.FLOAT, 3, 4, 7, 9).subi(0.5);
        INDArray[] inputs = {
                Nd4j.rand(DataType.FLOAT, 2, 6, 3, 4).subi(0.5).permute(0, 3, 1, 2),      // NHWC memory seen as NCHW
                big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3)),              // an offset into a buffer
                big.dup('f')};                                                             // Fortran order
        for (INDArray x : inputs) {
            long[] sh = x.shape();
            INDArray eps = Nd4j.rand(DataType.FLOAT, sh[0], sh[1], sh[2] / 2, sh[3] / 2).permute(0, 1, 3, 2).dup().permute(0, 1, 3, 2);
            INDArray expected = oneDnn.activate(x.dup('c'), true, k, s, pad, PoolingType.MAX, ConvolutionMode.Truncate, dil, CNN2DFormat.NCHW, ws);
            INDArray got = new MaxPool2x2(null).activate(x, true, k, s, pad, PoolingType.MAX, ConvolutionMode.Truncate, dil, CNN2DFormat.NCHW, ws);
            assertArrayEquals(expected.ravel().toFloatVector(), got.ravel().toFloatVector(), 0f, java.util.Arrays.toString(x.stride()));
            INDArray gExpected = oneDnn.backpropGradient(x.dup('c'), eps.dup('c'), k, s, pad, PoolingType.MAX, ConvolutionMode.Truncate,
                    dil, CNN2DFormat.NCHW, ws).getSecond();
            INDArray g = new MaxPool2x2(null).backpropGradient(x, eps, k, s, pad, PoolingType.MAX, ConvolutionMode.Truncate, dil,
                    CNN2DFormat.NCHW, ws).getSecond();
            assertArrayEquals(gExpected.ravel().toFloatVector(), g.ravel().toFloatVector(), 0f, "gradient " + java.util.Arrays.toString(x.stride()));
        }
    }

    @Test
    void otherPoolingsAreLeftToTheHelperUnderneath() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 2, 6, 6);
        assertTrue(MaxPool2x2.handles(x, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, PoolingType.MAX,
                ConvolutionMode.Truncate, new int[] {1, 1}, CNN2DFormat.NCHW));
        assertFalse(MaxPool2x2.handles(x, new int[] {3, 3}, new int[] {2, 2}, new int[] {0, 0}, PoolingType.MAX,
                ConvolutionMode.Truncate, new int[] {1, 1}, CNN2DFormat.NCHW), "3x3");
        assertFalse(MaxPool2x2.handles(x, new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, PoolingType.AVG,
                ConvolutionMode.Truncate, new int[] {1, 1}, CNN2DFormat.NCHW), "average");
        assertFalse(MaxPool2x2.handles(x.permute(0, 2, 3, 1), new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, PoolingType.MAX,
                ConvolutionMode.Truncate, new int[] {1, 1}, CNN2DFormat.NHWC), "NHWC");
        assertFalse(MaxPool2x2.handles(Nd4j.rand(DataType.FLOAT, 1, 2, 5, 5), new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0},
                PoolingType.MAX, ConvolutionMode.Same, new int[] {1, 1}, CNN2DFormat.NCHW), "Same mode on odd sides pads");
        var ws = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        assertEquals(null, new MaxPool2x2(null).activate(x, false, new int[] {3, 3}, new int[] {2, 2}, new int[] {0, 0},
                PoolingType.MAX, ConvolutionMode.Truncate, new int[] {1, 1}, CNN2DFormat.NCHW, ws), "no helper under it: DL4J's own path");
    }

    @Test
    void ownPoolingWhereOneDnnHasNoJitKernelForNchw() {
        var avx512 = java.util.Set.of("avx2", "avx512f", "avx512bw", "avx512vl", "avx512dq");
        assertFalse(MaxPool2x2.needed(avx512, null, null), "AVX-512: OneDNN's JIT kernel");
        assertTrue(MaxPool2x2.needed(java.util.Set.of("avx2", "fma"), null, null), "AVX2 only: OneDNN's reference");
        assertTrue(MaxPool2x2.needed(java.util.Set.of("avx2", "avx512f"), null, null), "AVX-512 without bw/vl/dq: no avx512_core");
        assertTrue(MaxPool2x2.needed(avx512, "AVX2", null), "held to AVX2");
        assertTrue(MaxPool2x2.needed(avx512, null, "avx2"), "held to AVX2 under the older name");
        assertFalse(MaxPool2x2.needed(avx512, "ALL", "AVX2"), "the newer name wins");
        assertFalse(MaxPool2x2.needed(avx512, null, "AVX512_CORE"));
        assertTrue(MaxPool2x2.needed(java.util.Set.of(), null, null), "flags unknown: the helper, never slow");
    }

    private static Map<String, INDArray> gradients(ComputationGraph net, INDArray x, INDArray y) {
        net.setInputs(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        Map<String, INDArray> g = new TreeMap<>();
        net.gradient().gradientForVariable().forEach((k, v) -> g.put(k, v.dup()));
        return g;
    }
}
