package agecnn.spark;

import agecnn.scrub.AgeBins;
import agecnn.scrub.TensorCache;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.data.PathToDataSetFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The training data as Spark sees it: mini-batches ({@link DataSet}s) made from the tensor cache,
 * features [b, 3, size, size] float32 scaled by 1/255 ({@link TensorCache#batch}, NCHW, RGB) and
 * labels one-hot over the 12 age bins. Class weights, when wanted, belong to the loss, not here.
 *
 * <p>How it scales. Two ways to get the batches to the executors, both DL4J's own:
 * <ul>
 * <li>{@link #parallelize}: the driver reads the cache and ships the batches ({@code sc.parallelize}).
 *     Simple, and right while the float32 training set fits in the driver's memory: 4 bytes a pixel
 *     value, so 4x the uint8 cache (about 1.1 GB for the whole data set at 64 px, 14 GB at 224 px).
 *     dl4j-spark then exports the RDD once to files in its export directory (a shared file system
 *     on a real cluster) and every epoch trains from those files.</li>
 * <li>{@link #exportBatches} + {@link #paths} and {@code fitPaths}: the batches are written once,
 *     one file each ({@code DataSet.save}), to storage every node can read (HDFS, S3, NFS); the driver
 *     only ships the paths, each executor reads the batches it trains on, and memory is bounded by
 *     a batch per task. Writing streams one batch at a time, so this scales with disk, not memory,
 *     and the files are reused by every later training run.</li>
 * </ul>
 * No image is copied to the nodes by hand, and no JPEG is decoded again.
 */
public final class SparkData {

    private SparkData() {}

    /**
     * The part's images in batches of {@code batchSize} (the last may be smaller), in an order
     * shuffled by {@code seed}: a training set.
     */
    public static List<DataSet> batches(TensorCache cache, SplitPart part, int batchSize, long seed) {
        return batches(cache, part, shuffled(part.size(), seed), batchSize);
    }

    /** The part's images in batches, in the split's order: for scoring, where order must not change. */
    public static List<DataSet> batchesInOrder(TensorCache cache, SplitPart part, int batchSize) {
        int[] order = new int[part.size()];
        Arrays.setAll(order, i -> i);
        return batches(cache, part, order, batchSize);
    }

    /** Labels one-hot over the {@link AgeBins}: [n, 12] float32. */
    public static INDArray oneHot(int[] bins) {
        INDArray labels = Nd4j.zeros(DataType.FLOAT, bins.length, AgeBins.COUNT);
        for (int i = 0; i < bins.length; i++) labels.putScalar(i, bins[i], 1f);
        return labels;
    }

    /** The batches as an RDD, spread over the context's default parallelism (one slice per worker). */
    public static JavaRDD<DataSet> parallelize(JavaSparkContext sc, List<DataSet> batches) {
        return sc.parallelize(batches, Math.max(1, Math.min(batches.size(), sc.defaultParallelism())));
    }

    /**
     * Writes the part's batches (shuffled by {@code seed}) to {@code dirUri}, one
     * {@code batch-NNNNN.bin} file each ({@code DataSet.save} format), and returns their URIs.
     * {@code dirUri} is any Hadoop file system URI or a local folder: on a cluster, one that every
     * node reads (hdfs://..., an NFS mount). One batch is in memory at a time.
     */
    public static List<String> exportBatches(TensorCache cache, SplitPart part, int batchSize, long seed, String dirUri)
            throws IOException {
        URI dir = URI.create(dirUri.endsWith("/") ? dirUri : dirUri + "/");
        if (dir.getScheme() == null) dir = java.nio.file.Path.of(dirUri).toAbsolutePath().toUri();
        FileSystem fs = FileSystem.get(dir, new Configuration());
        fs.mkdirs(new org.apache.hadoop.fs.Path(dir));
        int[] order = shuffled(part.size(), seed);
        List<String> paths = new ArrayList<>();
        for (int from = 0, n = 0; from < order.length; from += batchSize, n++) {
            DataSet ds = batch(cache, part, Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize)));
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.resolve(String.format("batch-%05d.bin", n)));
            try (FSDataOutputStream out = fs.create(file, true)) {
                ds.save(out);
            }
            paths.add(file.toUri().toString());
        }
        return paths;
    }

    /** The paths as an RDD, for {@code fitPaths}: each executor then reads the batches it trains on. */
    public static JavaRDD<String> paths(JavaSparkContext sc, List<String> paths) {
        return sc.parallelize(paths, Math.max(1, Math.min(paths.size(), sc.defaultParallelism())));
    }

    /** The batches behind paths, read on the executors (DL4J's own loader): for distributed scoring. */
    public static JavaRDD<DataSet> load(JavaRDD<String> paths) {
        return paths.map(new PathToDataSetFunction());
    }

    private static List<DataSet> batches(TensorCache cache, SplitPart part, int[] order, int batchSize) {
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        if (part.size() == 0) throw new IllegalArgumentException("split part '" + part.name() + "' has no images");
        List<DataSet> out = new ArrayList<>();
        for (int from = 0; from < order.length; from += batchSize) {
            out.add(batch(cache, part, Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize))));
        }
        return out;
    }

    /** The images at the given positions of the part (not cache rows). */
    static DataSet batch(TensorCache cache, SplitPart part, int[] positions) {
        int[] rows = new int[positions.length], bins = new int[positions.length];
        for (int k = 0; k < positions.length; k++) {
            rows[k] = part.rows()[positions[k]];
            bins[k] = part.bins()[positions[k]];
        }
        return new DataSet(cache.batch(rows), oneHot(bins));
    }

    private static int[] shuffled(int n, long seed) {
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) order.add(i);
        java.util.Collections.shuffle(order, new Random(seed));
        return order.stream().mapToInt(Integer::intValue).toArray();
    }
}
