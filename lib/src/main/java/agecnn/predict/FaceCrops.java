package agecnn.predict;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/** Cuts a region out of a photo; where it reaches past the edges, the edge pixels are repeated. */
public final class FaceCrops {

    private FaceCrops() {}

    public static BufferedImage cut(BufferedImage rgb, Rectangle r) {
        if (r.width <= 0 || r.height <= 0) throw new IllegalArgumentException("empty crop " + r);
        int w = rgb.getWidth(), h = rgb.getHeight();
        int[] src = rgb.getRGB(0, 0, w, h, null, 0, w);
        BufferedImage out = new BufferedImage(r.width, r.height, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < r.height; y++) {
            int sy = Math.max(0, Math.min(h - 1, r.y + y));
            for (int x = 0; x < r.width; x++) {
                int sx = Math.max(0, Math.min(w - 1, r.x + x));
                dst[y * r.width + x] = src[sy * w + sx] & 0xFFFFFF;
            }
        }
        return out;
    }
}
