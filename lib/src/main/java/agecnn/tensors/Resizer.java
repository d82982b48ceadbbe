package agecnn.tensors;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * Makes the square model input from a photo: centre crop to a square, then resize. Shrinking
 * averages exactly the source area under each output pixel (a box filter, so no aliasing and
 * no dependence on Java2D's rendering hints); enlarging is bilinear with pixel centres aligned.
 * Pure Java integer/double arithmetic, so the same input gives the same bytes on every machine.
 */
public final class Resizer {

    /**
     * Names the algorithm; part of the tensor cache key, so change it whenever the output of
     * {@link #toSquareRgb} changes, and old caches will not be reused.
     */
    static final String ALGORITHM = "centre-crop; area-average down, bilinear up (half-pixel centres); v1";

    private Resizer() {}

    /**
     * The centre square of {@code img} resized to {@code size} x {@code size}, as RGB bytes in
     * HWC order (row by row, R, G, B per pixel). When the excess width or height is odd the
     * extra column or row is dropped from the right or bottom. Alpha, if any, is ignored.
     */
    public static byte[] toSquareRgb(BufferedImage img, int size) {
        if (size <= 0) throw new IllegalArgumentException("size must be positive, got " + size);
        int side = Math.min(img.getWidth(), img.getHeight());
        int[] src = squarePixels(img, side);
        if (side == size) return hwc(src);
        return side > size ? areaAverage(src, side, size) : bilinear(src, side, size);
    }

    /** A TYPE_INT_RGB image of {@code size} x {@code size} from HWC RGB bytes. */
    public static BufferedImage toImage(byte[] hwc, int size) {
        if (size <= 0) throw new IllegalArgumentException("size must be positive, got " + size);
        if (hwc.length != size * size * 3) {
            throw new IllegalArgumentException("expected " + size + "x" + size + "x3 = " + size * size * 3
                    + " bytes, got " + hwc.length);
        }
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int p = 0, b = 0; p < dst.length; p++, b += 3) {
            dst[p] = (hwc[b] & 0xFF) << 16 | (hwc[b + 1] & 0xFF) << 8 | (hwc[b + 2] & 0xFF);
        }
        return out;
    }

    /** The centre side x side square as packed 0xRRGGBB ints. */
    private static int[] squarePixels(BufferedImage img, int side) {
        int x0 = (img.getWidth() - side) / 2;
        int y0 = (img.getHeight() - side) / 2;
        int[] px = new int[side * side];
        if (img.getType() == BufferedImage.TYPE_INT_RGB) {
            img.getRaster().getDataElements(x0, y0, side, side, px);   // bulk copy, no colour model
        } else {
            img.getRGB(x0, y0, side, side, px, 0, side);
        }
        return px;
    }

    private static byte[] hwc(int[] px) {
        byte[] out = new byte[px.length * 3];
        for (int p = 0, b = 0; p < px.length; p++, b += 3) {
            out[b] = (byte) (px[p] >> 16);
            out[b + 1] = (byte) (px[p] >> 8);
            out[b + 2] = (byte) px[p];
        }
        return out;
    }

    /**
     * Box filter with exact weights. In units of 1/size of a source pixel, output pixel o
     * covers [o*side, (o+1)*side) and source pixel s covers [s*size, (s+1)*size); the overlap
     * lengths are whole numbers summing to side per axis, so one rounding at the end suffices.
     */
    private static byte[] areaAverage(int[] src, int side, int size) {
        int[][] from = new int[size][];
        int[][] weight = new int[size][];
        for (int o = 0; o < size; o++) {
            long lo = (long) o * side;
            long hi = (long) (o + 1) * side;
            int s0 = (int) (lo / size);
            int s1 = (int) ((hi - 1) / size);
            from[o] = new int[s1 - s0 + 1];
            weight[o] = new int[s1 - s0 + 1];
            for (int s = s0; s <= s1; s++) {
                from[o][s - s0] = s;
                weight[o][s - s0] = (int) (Math.min((long) (s + 1) * size, hi) - Math.max((long) s * size, lo));
            }
        }
        // Horizontal pass: per source row, weighted channel sums (at most 255 * side).
        long[] rows = new long[side * size * 3];
        for (int y = 0; y < side; y++) {
            for (int o = 0; o < size; o++) {
                long r = 0, g = 0, b = 0;
                for (int k = 0; k < from[o].length; k++) {
                    int p = src[y * side + from[o][k]];
                    int wt = weight[o][k];
                    r += (long) (p >> 16 & 0xFF) * wt;
                    g += (long) (p >> 8 & 0xFF) * wt;
                    b += (long) (p & 0xFF) * wt;
                }
                int t = (y * size + o) * 3;
                rows[t] = r;
                rows[t + 1] = g;
                rows[t + 2] = b;
            }
        }
        // Vertical pass, then divide by the full area side * side, rounding half up.
        long area = (long) side * side;
        byte[] out = new byte[size * size * 3];
        for (int oy = 0; oy < size; oy++) {
            for (int ox = 0; ox < size; ox++) {
                for (int c = 0; c < 3; c++) {
                    long sum = 0;
                    for (int k = 0; k < from[oy].length; k++) {
                        sum += rows[(from[oy][k] * size + ox) * 3 + c] * weight[oy][k];
                    }
                    out[(oy * size + ox) * 3 + c] = (byte) ((sum + area / 2) / area);
                }
            }
        }
        return out;
    }

    /** Bilinear with half-pixel centres (as OpenCV INTER_LINEAR), edges clamped. */
    private static byte[] bilinear(int[] src, int side, int size) {
        int[] i0 = new int[size];
        int[] i1 = new int[size];
        double[] f = new double[size];
        for (int o = 0; o < size; o++) {
            double s = Math.max(0, Math.min(side - 1, (o + 0.5) * side / size - 0.5));
            i0[o] = (int) Math.floor(s);
            i1[o] = Math.min(i0[o] + 1, side - 1);
            f[o] = s - i0[o];
        }
        byte[] out = new byte[size * size * 3];
        for (int oy = 0; oy < size; oy++) {
            for (int ox = 0; ox < size; ox++) {
                int p00 = src[i0[oy] * side + i0[ox]];
                int p01 = src[i0[oy] * side + i1[ox]];
                int p10 = src[i1[oy] * side + i0[ox]];
                int p11 = src[i1[oy] * side + i1[ox]];
                for (int c = 0, shift = 16; c < 3; c++, shift -= 8) {
                    double top = lerp(p00 >> shift & 0xFF, p01 >> shift & 0xFF, f[ox]);
                    double bottom = lerp(p10 >> shift & 0xFF, p11 >> shift & 0xFF, f[ox]);
                    out[(oy * size + ox) * 3 + c] = (byte) Math.round(lerp(top, bottom, f[oy]));
                }
            }
        }
        return out;
    }

    private static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }
}
