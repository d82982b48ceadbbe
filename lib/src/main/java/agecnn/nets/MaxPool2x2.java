package agecnn.nets;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingHelper;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * 2x2 max pooling with stride 2 (the only pooling the study's CNN has), float32, NCHW: a
 * helper for DL4J's {@code SubsamplingLayer}, so configurations and saved models are unchanged.
 * DL4J M2.1 asks a pooling helper only in the backward pass; {@link PoolingLayer}, which
 * {@link FastPath#tune} puts in the place of DL4J's layer, asks it forward too. Anything else goes
 * to the helper it wraps (OneDNN's), or, without one, to DL4J.
 *
 * <p>Why: OneDNN 2.3, inside DL4J 1.0.0-M2.1, has a vectorised pooling for plain NCHW only on
 * AVX-512 CPUs ({@code jit:avx512_core}); on AVX2 it takes {@code simple_nchw}, its scalar
 * reference. There the first pooling of the benchmark CNN (32 x 64 x 64 maps, batch 32) cost
 * 28 ms forward and 42 ms backward, more than the convolutions around it (PyTorch: 7 and under 2).
 * This is a loop over the planes, the 2 x 2 windows read in place from raw memory, the planes
 * split across threads, without a branch in the inner loop (comparisons become the CPU's max and
 * bit masks). Backward gives each window's gradient to its first largest input, in reading order
 * (top left, top right, bottom left, bottom right), as OneDNN's workspace and DL4J do: ties are
 * common after a ReLU (windows of zeros); it writes every element of the gradient once, so
 * nothing is cleared first. Outputs and gradients equal DL4J's own, bit for bit but for the sign
 * of a zero output (max(-0, 0) is +0 here), which changes no later value ({@code MaxPool2x2Test}
 * compares with -0 == +0); the branch-free loops were 2-3 times as fast as the first version of
 * this class, which read through a {@code FloatBuffer} and branched on each comparison.
 *
 * <p>Where OneDNN has its JIT kernel it stays ({@link #neededHere()} says which case this machine
 * is): on AVX-512 its forward pass is faster than this loop (see docs/performance.md).
 */
public final class MaxPool2x2 implements SubsamplingHelper {

    /**
     * Raw memory access, as JavaCPP and ND4J themselves use it: the loops below touch each float
     * once or twice; through JavaCPP's indexer they were no faster than through a
     * {@code FloatBuffer}. Every address comes from {@link #address}, checked against the buffer.
     */
    private static final sun.misc.Unsafe U = unsafe();

    private static sun.misc.Unsafe unsafe() {
        try {
            java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("MaxPool2x2 needs sun.misc.Unsafe (module jdk.unsupported)", e);
        }
    }

    /** The CPU flags OneDNN's {@code avx512_core} needs: its JIT pooling for NCHW comes with them. */
    static final java.util.List<String> AVX512_CORE = java.util.List.of("avx512f", "avx512bw", "avx512vl", "avx512dq");

    private static final boolean NEEDED = needed(readCpuFlags(), System.getenv("ONEDNN_MAX_CPU_ISA"), System.getenv("DNNL_MAX_CPU_ISA"));

    private final SubsamplingHelper fallback;

    /** @param fallback the helper for every other pooling (OneDNN's), or null for DL4J's own path */
    public MaxPool2x2(SubsamplingHelper fallback) {
        this.fallback = fallback;
    }

    /**
     * Whether OneDNN pools NCHW with its scalar reference on this machine, so that this helper
     * should: the CPU lacks one of {@link #AVX512_CORE}, or OneDNN is held below AVX-512 by
     * {@code ONEDNN_MAX_CPU_ISA} / {@code DNNL_MAX_CPU_ISA} (as {@code bench/run --isa avx2} does).
     */
    public static boolean neededHere() {
        return NEEDED;
    }

    static boolean needed(java.util.Set<String> cpuFlags, String onednnMaxIsa, String dnnlMaxIsa) {
        if (!cpuFlags.containsAll(AVX512_CORE)) return true;
        String cap = onednnMaxIsa != null && !onednnMaxIsa.isBlank() ? onednnMaxIsa : dnnlMaxIsa;
        if (cap == null || cap.isBlank()) return false;
        String c = cap.trim().toUpperCase(java.util.Locale.ROOT);
        return !(c.equals("ALL") || c.startsWith("AVX512_CORE") || c.startsWith("AVX512_CORE_VNNI") || c.startsWith("AVX512_CORE_BF16")
                || c.startsWith("AVX512_CORE_AMX"));
    }

    /** The first processor's flags in /proc/cpuinfo; none where it cannot be read (then this helper is taken). */
    private static java.util.Set<String> readCpuFlags() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) return java.util.Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
            }
        } catch (java.io.IOException | RuntimeException e) {
            // no /proc: not Linux; OneDNN's choice is unknown, and this helper is never slow
        }
        return java.util.Set.of();
    }

    /** The helper this one hands other poolings to, or null. */
    public SubsamplingHelper fallback() {
        return fallback;
    }

    /** Whether this helper pools {@code input} itself. */
    static boolean handles(INDArray input, int[] kernel, int[] strides, int[] pad, PoolingType type, ConvolutionMode mode,
                           int[] dilation, CNN2DFormat format) {
        if (type != PoolingType.MAX || format != CNN2DFormat.NCHW || input.dataType() != DataType.FLOAT || input.rank() != 4) return false;
        if (!Arrays.equals(kernel, new int[] {2, 2}) || !Arrays.equals(strides, new int[] {2, 2})) return false;
        if (!Arrays.equals(pad, new int[] {0, 0}) || (dilation != null && !Arrays.equals(dilation, new int[] {1, 1}))) return false;
        // Same mode pads odd sides; with even sides it is Truncate
        return mode != ConvolutionMode.Same || (input.size(2) % 2 == 0 && input.size(3) % 2 == 0);
    }

    @Override
    public INDArray activate(INDArray input, boolean training, int[] kernel, int[] strides, int[] pad, PoolingType type,
                             ConvolutionMode mode, int[] dilation, CNN2DFormat format, LayerWorkspaceMgr ws) {
        if (!handles(input, kernel, strides, pad, type, mode, dilation, format)) {
            return fallback == null ? null : fallback.activate(input, training, kernel, strides, pad, type, mode, dilation, format, ws);
        }
        int n = (int) input.size(0), ch = (int) input.size(1), ho = (int) input.size(2) / 2, wo = (int) input.size(3) / 2;
        INDArray out = ws.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {n, ch, ho, wo}, 'c');
        // read in place, by the input's own strides: a conv layer's output is not always c-ordered
        long in = address(input), o = address(out);
        long[] st = input.stride();
        long sn = 4 * st[0], sc = 4 * st[1], sy = 4 * st[2], sx = 4 * st[3];
        IntStream.range(0, n * ch).parallel().forEach(p -> {
            long src = in + (p / ch) * sn + (p % ch) * sc, dst = o + 4L * p * ho * wo;
            for (int i = 0; i < ho; i++) {
                long r0 = src + 2 * i * sy, r1 = r0 + sy, d = dst + 4L * i * wo;
                for (int j = 0; j < wo; j++) {
                    long c0 = 2 * j * sx;
                    // Math.max compiles to the CPU's max instruction, where a comparison and a branch
                    // would mispredict on real maps (twice as slow); it differs from "the first
                    // largest" only in the sign of a zero (max(-0, 0) is +0), which changes no result
                    U.putFloat(d + 4L * j, Math.max(Math.max(U.getFloat(r0 + c0), U.getFloat(r0 + c0 + sx)),
                            Math.max(U.getFloat(r1 + c0), U.getFloat(r1 + c0 + sx))));
                }
            }
        });
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, int[] kernel, int[] strides, int[] pad,
                                                     PoolingType type, ConvolutionMode mode, int[] dilation, CNN2DFormat format,
                                                     LayerWorkspaceMgr ws) {
        if (!handles(input, kernel, strides, pad, type, mode, dilation, format) || epsilon.dataType() != DataType.FLOAT) {
            return fallback == null ? null
                    : fallback.backpropGradient(input, epsilon, kernel, strides, pad, type, mode, dilation, format, ws);
        }
        int n = (int) input.size(0), ch = (int) input.size(1), h = (int) input.size(2), w = (int) input.size(3), ho = h / 2, wo = w / 2;
        // every element is written below (the three losers of each window and the rows and columns
        // a Truncate pooling leaves out get zeros), so the gradient need not be cleared first
        INDArray grad = ws.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, new long[] {n, ch, h, w}, 'c');
        long in = address(input), eps = address(epsilon), g = address(grad);
        long[] st = input.stride(), se = epsilon.stride();
        long sn = 4 * st[0], sc = 4 * st[1], sy = 4 * st[2], sx = 4 * st[3], en = 4 * se[0], ec = 4 * se[1], ey = 4 * se[2], ex = 4 * se[3];
        IntStream.range(0, n * ch).parallel().forEach(p -> {
            long src = in + (p / ch) * sn + (p % ch) * sc, from = eps + (p / ch) * en + (p % ch) * ec, dst = g + 4L * p * h * w;
            for (int i = 0; i < ho; i++) {
                long r0 = src + 2 * i * sy, r1 = r0 + sy, g0 = dst + 8L * i * w, g1 = g0 + 4L * w, e = from + i * ey;
                for (int j = 0; j < wo; j++) {
                    long c0 = 2 * j * sx, q = 8L * j;
                    float a = U.getFloat(r0 + c0), b = U.getFloat(r0 + c0 + sx), c = U.getFloat(r1 + c0), d = U.getFloat(r1 + c0 + sx);
                    // the window's first largest, in reading order, as bit masks (no branches: they
                    // mispredict on real maps); the gradient's bits go to it, zeros to the others
                    float m = Math.max(Math.max(a, b), Math.max(c, d));
                    int ma = a == m ? -1 : 0, mb = (b == m ? -1 : 0) & ~ma, mc = (c == m ? -1 : 0) & ~(ma | mb), md = ~(ma | mb | mc);
                    int v = U.getInt(e + j * ex);
                    U.putInt(g0 + q, v & ma);
                    U.putInt(g0 + q + 4, v & mb);
                    U.putInt(g1 + q, v & mc);
                    U.putInt(g1 + q + 4, v & md);
                }
                if ((w & 1) != 0) {
                    U.putInt(g0 + 4L * (w - 1), 0);
                    U.putInt(g1 + 4L * (w - 1), 0);
                }
            }
            if ((h & 1) != 0) U.setMemory(dst + 4L * (h - 1) * w, 4L * w, (byte) 0);
        });
        return new Pair<>(new DefaultGradient(), grad);
    }

    /**
     * The address of the array's first element (its {@code offset()} into its buffer), after a
     * check that every element its shape and strides reach lies inside the buffer: the loops read
     * and write raw memory, where a wrong index would not throw.
     */
    private static long address(INDArray a) {
        long last = a.offset();
        for (int d = 0; d < a.rank(); d++) {
            if (a.stride(d) < 0) throw new IllegalArgumentException("MaxPool2x2: negative stride " + Arrays.toString(a.stride()));
            last += (a.size(d) - 1) * a.stride(d);
        }
        // offset() counts from the start of the whole buffer (pointer()), as asNioFloat() does, also
        // for a view, whose data() reports only its own length()
        if (a.offset() < 0 || last >= a.data().underlyingLength()) {
            throw new IllegalArgumentException("MaxPool2x2: shape " + Arrays.toString(a.shape()) + " with strides " + Arrays.toString(a.stride())
                    + " and offset " + a.offset() + " reaches past its buffer of " + a.data().underlyingLength());
        }
        return a.data().pointer().address() + 4L * a.offset();
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return fallback == null ? Map.of() : fallback.helperMemoryUse();
    }

    @Override
    public boolean checkSupported() {
        return true;
    }
}
