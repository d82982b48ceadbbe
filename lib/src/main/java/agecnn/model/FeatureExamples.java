package agecnn.model;

import org.deeplearning4j.nn.transferlearning.TransferLearningHelper;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.Random;

/**
 * A frozen backbone's outputs for a set of images, computed once and kept in memory, so the
 * trainable part trains on them instead of on images. When the mirrored images' outputs are kept
 * too, augmentation picks the original or the mirror of each example at random (the only
 * augmentation that survives caching: crops would change the backbone's output).
 */
public final class FeatureExamples implements Examples {

    /** Kept as 16-bit floats: half the memory, and far more precision than training needs. */
    static final DataType STORED = DataType.HALF;
    static final int BYTES_PER_VALUE = 2;

    private final INDArray features;   // [n, values per example]
    private final INDArray mirrored;   // same, of the mirrored images; null when not computed
    private final long[] shape;        // of one example, e.g. [channels, height, width]
    private final int[] bins;
    private final int[] ages;

    FeatureExamples(INDArray features, INDArray mirrored, long[] shape, int[] bins, int[] ages) {
        this.features = features;
        this.mirrored = mirrored;
        this.shape = shape.clone();
        this.bins = bins.clone();
        this.ages = ages.clone();
    }

    /**
     * Runs the frozen part of the helper's network over the images, batch by batch.
     *
     * @param withMirrored also compute the outputs of the mirrored images (for augmentation)
     */
    public static FeatureExamples compute(TransferLearningHelper helper, ImageExamples images, boolean withMirrored,
                                          int batchSize, Progress progress) {
        INDArray plain = null, mirror = null;
        long[] shape = null;
        int n = images.size();
        int passes = withMirrored ? 2 : 1;
        progress.start("backbone pass", 1, 1, passes * ((n + batchSize - 1) / batchSize), passes * n);
        int done = 0;
        for (int from = 0; from < n; from += batchSize) {
            int[] pos = range(from, Math.min(n, from + batchSize));
            INDArray x = images.inputs(pos, null);
            for (int pass = 0; pass < passes; pass++) {
                INDArray in = pass == 0 ? x : Augmentation.flip(x);
                INDArray f = helper.featurize(new MultiDataSet(in, Nd4j.zeros(DataType.FLOAT, pos.length, 1))).getFeatures(0);
                if (shape == null) {
                    shape = Arrays.copyOfRange(f.shape(), 1, f.rank());
                    long values = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                    plain = Nd4j.create(STORED, n, values);
                    if (withMirrored) mirror = Nd4j.create(STORED, n, values);
                }
                INDArray target = pass == 0 ? plain : mirror;
                target.get(NDArrayIndex.interval(from, from + pos.length), NDArrayIndex.all())
                        .assign(f.reshape('c', pos.length, target.size(1)).castTo(STORED));
                done += pos.length;
                progress.batch(done);
            }
        }
        progress.finish();
        return new FeatureExamples(plain, mirror, shape, images.bins(), images.ages());
    }

    /** Values per example. */
    public long values() {
        return features.size(1);
    }

    /** Bytes held in memory. */
    public long bytes() {
        return (mirrored == null ? 1 : 2) * features.length() * features.dataType().width();
    }

    @Override public int size() { return (int) features.size(0); }

    @Override public int[] bins() { return bins.clone(); }

    @Override public int[] ages() { return ages.clone(); }

    @Override
    public INDArray inputs(int[] positions, Random augment) {
        long[] s = new long[shape.length + 1];
        s[0] = positions.length;
        System.arraycopy(shape, 0, s, 1, shape.length);
        INDArray out = Nd4j.create(STORED, positions.length, features.size(1));
        for (int k = 0; k < positions.length; k++) {
            boolean mirror = augment != null && mirrored != null && augment.nextBoolean();
            out.putRow(k, (mirror ? mirrored : features).getRow(positions[k]));
        }
        return out.castTo(DataType.FLOAT).reshape('c', s);
    }

    /** Frees the arrays now rather than when the garbage collector gets to them. */
    public void close() {
        features.close();
        if (mirrored != null) mirrored.close();
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
