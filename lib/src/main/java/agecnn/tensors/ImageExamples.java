package agecnn.tensors;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Random;

/** Images of the tensor cache with their bins and ages; augmented by {@link Augmentation} when asked. */
public final class ImageExamples implements Examples {

    private final TensorCache cache;
    private final int[] cacheIndex;
    private final int[] bins;
    private final int[] ages;

    /**
     * @param files names of the images, each in the cache
     * @param bins  true bin of each
     * @param ages  true age of each, in years
     */
    public ImageExamples(TensorCache cache, List<String> files, int[] bins, int[] ages) {
        if (files.size() != bins.length || files.size() != ages.length) {
            throw new IllegalArgumentException(files.size() + " files, " + bins.length + " bins and " + ages.length + " ages");
        }
        this.cache = cache;
        this.cacheIndex = new int[files.size()];
        for (int i = 0; i < cacheIndex.length; i++) {
            cacheIndex[i] = cache.indexOf(files.get(i));
            if (cacheIndex[i] < 0) throw new IllegalArgumentException("'" + files.get(i) + "' is not in tensor cache " + cache.path());
        }
        this.bins = bins.clone();
        this.ages = ages.clone();
    }

    public TensorCache cache() { return cache; }

    public int imageSize() { return cache.imageSize(); }

    /** The cache positions of the images at these positions. */
    public int[] cacheIndices(int[] positions) {
        int[] idx = new int[positions.length];
        for (int k = 0; k < positions.length; k++) idx[k] = cacheIndex[positions[k]];
        return idx;
    }

    @Override public int size() { return cacheIndex.length; }

    @Override public int[] bins() { return bins.clone(); }

    @Override public int[] ages() { return ages.clone(); }

    @Override
    public INDArray inputs(int[] positions, Random augment) {
        INDArray batch = cache.batch(cacheIndices(positions));
        return augment == null ? batch : Augmentation.apply(batch, augment);
    }
}
