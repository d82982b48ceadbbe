package agecnn.predict;

import java.awt.Rectangle;

/**
 * A face found by a detector, in the photo's pixels: its box (top-left corner, width, height)
 * and the detector's confidence, 0-1 (NaN for the Haar cascade, which gives none).
 */
public record FaceBox(double x, double y, double width, double height, double score) {

    public double centerX() { return x + width / 2; }

    public double centerY() { return y + height / 2; }

    /** The box rounded to whole pixels. */
    public Rectangle rounded() {
        return new Rectangle((int) Math.round(x), (int) Math.round(y), (int) Math.round(width), (int) Math.round(height));
    }

    /** Intersection over union with another box: 1 for the same box, 0 for disjoint ones. */
    public double iou(FaceBox o) {
        double ix = Math.max(0, Math.min(x + width, o.x + o.width) - Math.max(x, o.x));
        double iy = Math.max(0, Math.min(y + height, o.y + o.height) - Math.max(y, o.y));
        double inter = ix * iy;
        double union = width * height + o.width * o.height - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
