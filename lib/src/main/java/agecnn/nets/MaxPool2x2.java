package agecnn.nets;

import java.nio.FloatBuffer;
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
 * This is a straight loop over the planes, the 2 x 2 windows read in place, the planes split
 * across threads. Backward gives each window's gradient to its first largest input, in reading
 * order (top left, top right, bottom left, bottom right), as OneDNN's workspace and DL4J do: ties
 * are common after a ReLU (windows of zeros). Outputs and gradients equal DL4J's own, bit for bit
 * ({@code MaxPool2x2Test}).
 *
 * <p>Where OneDNN has its JIT kernel it stays: on AVX-512 its forward pass was several times
 * faster than this loop (2.5 against 34 ms, fastest of 20, on a shared 2-core Xeon), the backward
 * passes even. {@link #neededHere()} says which case this machine is.
 */
public final class MaxPool2x2 implements SubsamplingHelper {

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
        FloatBuffer in = input.data().asNioFloat(), o = out.data().asNioFloat();
        long[] st = input.stride();
        int sn = (int) st[0], sc = (int) st[1], sy = (int) st[2], sx = (int) st[3], base = (int) input.offset(), outBase = (int) out.offset();
        IntStream.range(0, n * ch).parallel().forEach(p -> {
            int src = base + (p / ch) * sn + (p % ch) * sc, dst = outBase + p * ho * wo;
            for (int i = 0; i < ho; i++) {
                int r0 = src + 2 * i * sy, r1 = r0 + sy;
                for (int j = 0; j < wo; j++) {
                    int c0 = 2 * j * sx;
                    float m = in.get(r0 + c0), b = in.get(r0 + c0 + sx), c = in.get(r1 + c0), d = in.get(r1 + c0 + sx);
                    if (b > m) m = b;
                    if (c > m) m = c;
                    if (d > m) m = d;
                    o.put(dst + i * wo + j, m);
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
        // zeros: the rows and columns a Truncate pooling leaves out, and the three losers of each window
        INDArray grad = ws.create(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, new long[] {n, ch, h, w}, 'c');
        FloatBuffer in = input.data().asNioFloat(), eps = epsilon.data().asNioFloat(), g = grad.data().asNioFloat();
        long[] st = input.stride(), se = epsilon.stride();
        int sn = (int) st[0], sc = (int) st[1], sy = (int) st[2], sx = (int) st[3], base = (int) input.offset();
        int en = (int) se[0], ec = (int) se[1], ey = (int) se[2], ex = (int) se[3], epsBase = (int) epsilon.offset(), gBase = (int) grad.offset();
        IntStream.range(0, n * ch).parallel().forEach(p -> {
            int src = base + (p / ch) * sn + (p % ch) * sc, from = epsBase + (p / ch) * en + (p % ch) * ec, dst = gBase + p * h * w;
            for (int i = 0; i < ho; i++) {
                int r0 = src + 2 * i * sy, r1 = r0 + sy;
                for (int j = 0; j < wo; j++) {
                    int c0 = 2 * j * sx;
                    // the window's first largest, in reading order; its place in the c-ordered gradient
                    int at = 2 * i * w + 2 * j;
                    float m = in.get(r0 + c0);
                    float v = in.get(r0 + c0 + sx);
                    if (v > m) { m = v; at = 2 * i * w + 2 * j + 1; }
                    v = in.get(r1 + c0);
                    if (v > m) { m = v; at = (2 * i + 1) * w + 2 * j; }
                    v = in.get(r1 + c0 + sx);
                    if (v > m) at = (2 * i + 1) * w + 2 * j + 1;
                    g.put(dst + at, eps.get(from + i * ey + j * ex));
                }
            }
        });
        return new Pair<>(new DefaultGradient(), grad);
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
