package agecnn.predict;

import java.awt.Rectangle;

/**
 * From a detector's face box to the square crop a model expects: UTKFace's images are aligned
 * crops with some forehead, hair and chin around the face, wider than a detector's box. The
 * crop's side is {@code scale} times the box's mean side, and its centre is the box's centre
 * moved by {@code (dx, dy)} mean sides. The numbers are measured per detector by placing
 * UTKFace images in larger scenes and comparing the boxes found with where the images were put
 * ({@code FramingCalibration} in the tests).
 */
public record FaceFraming(double scale, double dx, double dy) {

    /** The square crop, in the photo's pixels; it may reach beyond the photo's edges. */
    public Rectangle crop(FaceBox box) {
        double s = (box.width() + box.height()) / 2;
        double side = scale * s;
        double cx = box.centerX() + dx * s, cy = box.centerY() + dy * s;
        int x = (int) Math.round(cx - side / 2), y = (int) Math.round(cy - side / 2);
        return new Rectangle(x, y, (int) Math.round(side), (int) Math.round(side));
    }
}
