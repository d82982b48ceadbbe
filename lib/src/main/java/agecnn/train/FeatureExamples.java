package agecnn.train;

import agecnn.tensors.Augmentation;
import agecnn.tensors.Examples;
import agecnn.tensors.ImageExamples;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A frozen backbone's outputs for a set of images, computed once so the trainable part trains on
 * them instead of on images. Augmentation cannot happen after the backbone (a crop changes its
 * output), so it happens before: each image can be kept in several views, the image itself, its
 * mirror image, then random crops as {@link Augmentation} makes them, each drawn once, and
 * training picks one view of each example at random. Every view costs one more backbone pass and
 * as much disk again.
 *
 * <p>The outputs live in a scratch file, not in memory: at 128 px and more they run to a gigabyte,
 * which would be most of the run's memory budget. Batches are read back with positional reads,
 * served from the operating system's page cache, which does not count as the process's resident
 * memory and is given back under pressure. The file is deleted by {@link #close()}.
 */
public final class FeatureExamples implements Examples, AutoCloseable {

    /** Kept as 16-bit floats: half the space, and far more precision than training needs. */
    static final DataType STORED = DataType.HALF;
    static final int BYTES_PER_VALUE = 2;
    private static final String PREFIX = "backbone-outputs-", SUFFIX = ".f16";

    private final Path file;
    private final FileChannel channel;
    private final int count;
    private final int views;              // rows v*count..(v+1)*count-1 hold view v's outputs
    private final long[] shape;           // of one example, e.g. [channels, height, width]
    private final long values;
    private final int[] bins;
    private final int[] ages;

    private FeatureExamples(Path file, FileChannel channel, int count, int views, long[] shape, int[] bins, int[] ages) {
        this.file = file;
        this.channel = channel;
        this.count = count;
        this.views = views;
        this.shape = shape.clone();
        this.values = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        this.bins = bins.clone();
        this.ages = ages.clone();
    }

    /**
     * Runs the network's frozen part, up to and including vertex {@code until}, over the images,
     * batch by batch, into a scratch file in {@code dir}.
     *
     * @param views how many views of each image: 1, the image; 2, and its mirror image; each one
     *              more, a random crop (see {@link #view})
     * @param seed  draws the crops
     */
    public static FeatureExamples compute(ComputationGraph net, String until, ImageExamples images, int views, long seed,
                                          int batchSize, Progress progress, Path dir) throws IOException {
        if (views < 1) throw new IllegalArgumentException("need at least 1 view of each image, got " + views);
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, PREFIX, SUFFIX);
        file.toFile().deleteOnExit();
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long[] shape = null;
            int n = images.size();
            progress.start("backbone pass", 1, 1, views * ((n + batchSize - 1) / batchSize), views * n);
            int done = 0;
            for (int from = 0; from < n; from += batchSize) {
                int[] pos = Examples.range(from, Math.min(n, from + batchSize));
                INDArray x = images.inputs(pos, null);
                for (int v = 0; v < views; v++) {
                    INDArray in = view(x, v, seed, from);
                    // only the one vertex's output, not every layer's (TransferLearningHelper.featurize
                    // keeps them all, hundreds of MB a batch waiting for the garbage collector)
                    INDArray f = net.output(List.of(until), false, new INDArray[] {in}, null)[0];
                    if (shape == null) shape = Arrays.copyOfRange(f.shape(), 1, f.rank());
                    INDArray rows = f.castTo(STORED).dup('c');
                    long rowBytes = rows.length() / pos.length * BYTES_PER_VALUE;
                    writeFully(ch, rows.data().asNio(), ((long) v * n + from) * rowBytes);
                    rows.close();
                    f.close();
                    if (in != x) in.close();
                    done += pos.length;
                    progress.batch(done);
                }
                x.close();
            }
            progress.finish();
            return new FeatureExamples(file, ch, n, views, shape, images.bins(), images.ages());
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * View {@code v} of a batch of images whose first is image {@code from}: 0, the images; 1,
     * their mirror images; 2 and on, a random crop, mirrored half of the time, drawn from
     * {@code seed}, {@code v} and {@code from}, so the same run caches the same crops.
     */
    static INDArray view(INDArray batch, int v, long seed, int from) {
        if (v == 0) return batch;
        if (v == 1) return Augmentation.flip(batch);
        return Augmentation.apply(batch, new Random(seed * 1_000_003L + v * 7_919L + from));
    }

    /** Removes scratch files that a killed run left in {@code dir}. */
    static void removeLeftovers(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path p : s) Files.deleteIfExists(p);
        }
    }

    /** Bytes that outputs of {@code examples} examples of {@code values} values each take on disk. */
    public static long bytesFor(long values, long examples) {
        return values * examples * BYTES_PER_VALUE;
    }

    /** Values per example. */
    public long values() {
        return values;
    }

    /** Bytes in the scratch file. */
    public long bytes() {
        return bytesFor(values, (long) views * count);
    }

    /** Views kept of each example. */
    public int views() {
        return views;
    }

    @Override public int size() { return count; }

    @Override public int[] bins() { return bins.clone(); }

    @Override public int[] ages() { return ages.clone(); }

    @Override
    public INDArray inputs(int[] positions, Random augment) {
        long[] s = new long[shape.length + 1];
        s[0] = positions.length;
        System.arraycopy(shape, 0, s, 1, shape.length);
        INDArray out = Nd4j.create(STORED, positions.length, values);
        ByteBuffer buf = out.data().asNio();
        long rowBytes = values * BYTES_PER_VALUE;
        try {
            for (int k = 0; k < positions.length; k++) {
                int p = positions[k];
                if (p < 0 || p >= count) throw new IndexOutOfBoundsException("example " + p + " of " + count);
                // with two views, nextInt(2) is the nextBoolean() that once picked image or mirror
                int v = augment != null && views > 1 ? augment.nextInt(views) : 0;
                ByteBuffer row = buf.slice((int) (k * rowBytes), (int) rowBytes);
                readFully(row, ((long) v * count + p) * rowBytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read backbone outputs from " + file + ": " + e.getMessage(), e);
        }
        INDArray result = out.castTo(DataType.FLOAT).reshape('c', s);
        out.close();
        return result;
    }

    /** Deletes the scratch file. */
    @Override
    public void close() throws IOException {
        channel.close();
        Files.deleteIfExists(file);
    }

    private void readFully(ByteBuffer dst, long position) throws IOException {
        while (dst.hasRemaining()) {
            if (channel.read(dst, position + dst.position()) < 0) throw new IOException("the file ends at byte " + position);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        buf.position(0);
        while (buf.hasRemaining()) ch.write(buf, position + buf.position());
    }

}
