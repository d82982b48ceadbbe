package agecnn.predict;

import org.bytedeco.opencv.opencv_core.Mat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

/** Between Java images and OpenCV matrices, and the padding both detectors need. */
final class OpenCvImages {

    private OpenCvImages() {}

    /** An 8-bit BGR matrix (OpenCV's order) of an RGB image. Close it when done. */
    static Mat toBgr(BufferedImage rgb) {
        int w = rgb.getWidth(), h = rgb.getHeight();
        int[] px = rgb.getRGB(0, 0, w, h, null, 0, w);
        byte[] bgr = new byte[w * h * 3];
        for (int p = 0, b = 0; p < px.length; p++, b += 3) {
            bgr[b] = (byte) px[p];
            bgr[b + 1] = (byte) (px[p] >> 8);
            bgr[b + 2] = (byte) (px[p] >> 16);
        }
        Mat m = new Mat(h, w, CV_8UC3);
        m.data().put(bgr);
        return m;
    }

    /**
     * The image on a larger grey canvas: {@code margin} of its longer side on every side, then
     * widened or heightened to {@code aspect} (width / height). A face that fills a close-up is
     * found only with room around it, as in the photos detectors are trained on.
     */
    record Padded(BufferedImage canvas, int offsetX, int offsetY) {}

    static Padded pad(BufferedImage rgb, double margin, double aspect) {
        int w = rgb.getWidth(), h = rgb.getHeight();
        int m = (int) Math.round(margin * Math.max(w, h));
        int cw = w + 2 * m, ch = h + 2 * m;
        if (cw < aspect * ch) cw = (int) Math.round(aspect * ch);
        else ch = (int) Math.round(cw / aspect);
        BufferedImage canvas = new BufferedImage(cw, ch, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(new Color(127, 127, 127));   // the detector's mean: zero after normalising
            g.fillRect(0, 0, cw, ch);
            int ox = (cw - w) / 2, oy = (ch - h) / 2;
            g.drawImage(rgb, ox, oy, null);
            return new Padded(canvas, ox, oy);
        } finally {
            g.dispose();
        }
    }
}
