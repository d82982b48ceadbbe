package agecnn.predict;

import agecnn.tensors.Resizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Arrays;

/**
 * Images as arrays the way the original study's predictor took them: height x width x 3
 * (channels last), RGB, values scaled by 1/255 into 0..1, 224 x 224 for its models.
 */
public final class ImageArrays {

    /** The side of the study's predictor input. */
    public static final int STUDY_SIZE = 224;

    private ImageArrays() {}

    /** The centre square of a photo at {@code size} px as a [size, size, 3] array, values byte / 255. */
    public static INDArray hwc(BufferedImage rgb, int size) {
        byte[] b = Resizer.toSquareRgb(rgb, size);
        float[] f = new float[b.length];
        for (int i = 0; i < b.length; i++) f[i] = (b[i] & 0xFF) / 255f;
        return Nd4j.create(f, new long[]{size, size, 3}, DataType.FLOAT);
    }

    /**
     * The picture in an array [height, width, 3] (or a batch of one, [1, height, width, 3]) of
     * RGB values in 0..1. Values are rounded to the nearest of the 256 levels a photo has, which
     * loses nothing for arrays made from photos. Anything else is refused saying what was expected.
     */
    public static BufferedImage toImage(INDArray a) {
        long[] s = a.shape();
        if (s.length == 4 && s[0] == 1) s = Arrays.copyOfRange(s, 1, 4);
        if (s.length != 3 || s[2] != 3) {
            String hint = s.length == 3 && s[0] == 3 ? " (this looks channels-first, [3, h, w]: put the channels last)" : "";
            throw new IllegalArgumentException("expected an image array [height, width, 3] (RGB, channels last, scaled by 1/255, as "
                    + STUDY_SIZE + "x" + STUDY_SIZE + "x3), got shape " + Arrays.toString(a.shape()) + hint);
        }
        if (s[0] < 1 || s[1] < 1) throw new IllegalArgumentException("image array " + Arrays.toString(a.shape()) + " is empty");
        int h = (int) s[0], w = (int) s[1];
        float[] v = a.dup('c').castTo(DataType.FLOAT).data().asFloat();
        return toImage(v, h, w, Arrays.toString(a.shape()));
    }

    /** The same for a plain Java array [height][width][3]. */
    public static BufferedImage toImage(float[][][] a) {
        int h = a.length, w = h == 0 ? 0 : a[0].length;
        if (h == 0 || w == 0) throw new IllegalArgumentException("image array is empty; expected [height][width][3]");
        float[] v = new float[h * w * 3];
        for (int y = 0; y < h; y++) {
            if (a[y].length != w) throw new IllegalArgumentException("row " + y + " has " + a[y].length + " pixels, row 0 has " + w);
            for (int x = 0; x < w; x++) {
                if (a[y][x].length != 3) {
                    throw new IllegalArgumentException("pixel [" + y + "][" + x + "] has " + a[y][x].length + " values, expected 3 (R, G, B)");
                }
                System.arraycopy(a[y][x], 0, v, (y * w + x) * 3, 3);
            }
        }
        return toImage(v, h, w, "[" + h + ", " + w + ", 3]");
    }

    private static BufferedImage toImage(float[] v, int h, int w, String shape) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        for (int p = 0; p < h * w; p++) {
            int rgb = 0;
            for (int c = 0; c < 3; c++) {
                float f = v[p * 3 + c];
                if (!Float.isFinite(f)) {
                    throw new IllegalArgumentException("image array " + shape + " holds " + f + " at " + at(p, c, w)
                            + "; expected finite values in 0..1");
                }
                if (f < 0 || f > 1) {
                    throw new IllegalArgumentException("image array " + shape + " holds " + f + " at " + at(p, c, w)
                            + "; expected values in 0..1 (pixels scaled by 1/255)" + (f > 1 && f <= 255 ? ": divide by 255 first" : ""));
                }
                rgb = rgb << 8 | Math.round(f * 255);
            }
            dst[p] = rgb;
        }
        return img;
    }

    private static String at(int p, int c, int w) {
        return "[" + p / w + ", " + p % w + ", " + c + "]";
    }
}
