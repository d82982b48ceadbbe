package agecnn.predict;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/** Cuts a region out of a photo (where it reaches past the edges, the edge pixels are repeated), and shrinks photos. */
public final class FaceCrops {

    private FaceCrops() {}

    /** The region {@code r} of the photo; only the rows it covers are read (never a copy of the whole photo). */
    public static BufferedImage cut(BufferedImage rgb, Rectangle r) {
        if (r.width <= 0 || r.height <= 0) throw new IllegalArgumentException("empty crop " + r);
        int w = rgb.getWidth(), h = rgb.getHeight();
        // the columns of the photo inside the region: at least one, the edge, when it lies outside
        int x0 = Math.max(0, Math.min(w - 1, r.x)), x1 = Math.max(x0 + 1, Math.min(w, r.x + r.width));
        int[] row = new int[x1 - x0];
        BufferedImage out = new BufferedImage(r.width, r.height, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < r.height; y++) {
            int sy = Math.max(0, Math.min(h - 1, r.y + y));
            rgb.getRGB(x0, sy, row.length, 1, row, 0, row.length);
            for (int x = 0; x < r.width; x++) {
                int sx = Math.max(x0, Math.min(x1 - 1, r.x + x));
                dst[y * r.width + x] = row[sx - x0] & 0xFFFFFF;
            }
        }
        return out;
    }

    /**
     * The photo shrunk by the whole factor {@code k}: each pixel the mean of a k x k block (a box
     * filter, no aliasing); blocks at the right and bottom edges take the pixels there are.
     */
    public static BufferedImage shrink(BufferedImage rgb, int k) {
        if (k < 1) throw new IllegalArgumentException("the factor must be 1 or more, got " + k);
        int w = rgb.getWidth(), h = rgb.getHeight();
        int ow = (w + k - 1) / k, oh = (h + k - 1) / k;
        BufferedImage out = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        int[] row = new int[w];
        long[] r = new long[ow], g = new long[ow], b = new long[ow];
        for (int oy = 0; oy < oh; oy++) {
            java.util.Arrays.fill(r, 0);
            java.util.Arrays.fill(g, 0);
            java.util.Arrays.fill(b, 0);
            int rows = Math.min(k, h - oy * k);
            for (int y = oy * k; y < oy * k + rows; y++) {
                rgb.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int p = row[x], ox = x / k;
                    r[ox] += p >> 16 & 0xFF;
                    g[ox] += p >> 8 & 0xFF;
                    b[ox] += p & 0xFF;
                }
            }
            for (int ox = 0; ox < ow; ox++) {
                long n = (long) rows * Math.min(k, w - ox * k);
                dst[oy * ow + ox] = (int) ((r[ox] + n / 2) / n) << 16 | (int) ((g[ox] + n / 2) / n) << 8 | (int) ((b[ox] + n / 2) / n);
            }
        }
        return out;
    }
}
