package agecnn.tensors;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/**
 * Light augmentation of training images: a mirror image half of the time, and a random square
 * crop of 7/8 to all of the side, anywhere in the image, scaled back to full size (a small
 * zoom and shift). Faces stay upright and whole enough to keep their age. Deterministic for a
 * given generator, so a resumed run sees the same images as an uninterrupted one.
 */
public final class Augmentation {

    /** The smallest crop, as a share of the side. */
    static final double MIN_CROP = 0.875;

    private Augmentation() {}

    /** A new NCHW float batch, each image flipped and cropped at random. */
    public static INDArray apply(INDArray batch, Random random) {
        long[] s = batch.shape();
        int n = (int) s[0], c = (int) s[1], h = (int) s[2], w = (int) s[3];
        if (h != w) throw new IllegalArgumentException("augmentation expects square images, got " + h + "x" + w);
        INDArray copy = batch.castTo(DataType.FLOAT).dup('c');
        float[] in = copy.data().asFloat();
        copy.close();   // freed now, not when the collector gets to it: batches run to tens of MB
        float[] out = new float[in.length];
        int plane = h * w, image = c * plane;
        for (int i = 0; i < n; i++) {
            boolean flip = random.nextBoolean();
            int side = h - random.nextInt(h - (int) Math.ceil(h * MIN_CROP) + 1);
            int y0 = random.nextInt(h - side + 1), x0 = random.nextInt(w - side + 1);
            resample(in, out, i * image, c, h, side, y0, x0, flip);
        }
        return Nd4j.create(out, s, 'c');
    }

    /** Mirror image of every image of an NCHW batch (left and right swapped). */
    public static INDArray flip(INDArray batch) {
        long[] s = batch.shape();
        int n = (int) s[0], c = (int) s[1], h = (int) s[2], w = (int) s[3];
        INDArray copy = batch.castTo(DataType.FLOAT).dup('c');
        float[] in = copy.data().asFloat();
        copy.close();   // freed now, not when the collector gets to it: batches run to tens of MB
        float[] out = new float[in.length];
        for (int p = 0; p < n * c * h; p++) {
            int row = p * w;
            for (int x = 0; x < w; x++) out[row + x] = in[row + w - 1 - x];
        }
        return Nd4j.create(out, s, 'c');
    }

    /** Bilinear resampling of the square {@code side} at (y0, x0) to the full {@code size}, mirrored if asked. */
    private static void resample(float[] in, float[] out, int offset, int channels, int size, int side, int y0, int x0, boolean flip) {
        double scale = (double) side / size;
        int plane = size * size;
        for (int oy = 0; oy < size; oy++) {
            double sy = clamp(y0 + (oy + 0.5) * scale - 0.5, y0, y0 + side - 1);
            int ya = (int) sy, yb = Math.min(ya + 1, y0 + side - 1);
            double fy = sy - ya;
            for (int ox = 0; ox < size; ox++) {
                int tx = flip ? size - 1 - ox : ox;
                double sx = clamp(x0 + (tx + 0.5) * scale - 0.5, x0, x0 + side - 1);
                int xa = (int) sx, xb = Math.min(xa + 1, x0 + side - 1);
                double fx = sx - xa;
                for (int ch = 0; ch < channels; ch++) {
                    int base = offset + ch * plane;
                    double top = in[base + ya * size + xa] * (1 - fx) + in[base + ya * size + xb] * fx;
                    double bottom = in[base + yb * size + xa] * (1 - fx) + in[base + yb * size + xb] * fx;
                    out[base + oy * size + ox] = (float) (top * (1 - fy) + bottom * fy);
                }
            }
        }
    }

    private static double clamp(double v, double lo, double hi) {
        return v < lo ? lo : Math.min(v, hi);
    }
}
