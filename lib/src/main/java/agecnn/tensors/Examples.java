package agecnn.tensors;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

/**
 * Labelled examples a network is trained or scored on: images from the tensor cache, or a
 * frozen backbone's outputs for them. Positions run from 0 to {@link #size()} - 1.
 */
public interface Examples {

    int size();

    /** The true bin of each example. */
    int[] bins();

    /** The true age of each example, in years. */
    int[] ages();

    /**
     * The network's input for the examples at these positions.
     *
     * @param augment the generator of random augmentation; null gives the examples as they are
     */
    INDArray inputs(int[] positions, Random augment);

    /** The positions {@code from, from + 1, ..., to - 1}. */
    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
