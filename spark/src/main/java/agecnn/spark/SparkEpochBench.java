package agecnn.spark;

import agecnn.notebook.Params;
import agecnn.obtain.ImageIndex;
import agecnn.scrub.CleanData;
import agecnn.scrub.Scrubbed;
import agecnn.scrub.Split;
import agecnn.scrub.TensorCache;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Seconds per training epoch of the baseline, one machine ({@code net.fit}) against Spark
 * {@code local[N]}, on a real subset. One JVM per mode (the first epoch of each is warm-up; Spark's
 * also exports the batches). Prints one line per epoch and a median per mode.
 * <pre>
 * java @spark/java17.args -cp 'target/spark/classpath/*' agecnn.spark.SparkEpochBench \
 *     MODE PER_BIN SIZE BATCH EPOCHS [AVERAGING]
 *   MODE: local (every core, DL4J's own threads), local1 (one native thread), or a Spark master like local[2]
 * </pre>
 * The data dir is UTKFACE_DIR; the cache goes under PROJECT_DIR/data/cache as for the notebooks.
 */
public final class SparkEpochBench {

    private SparkEpochBench() {}

    /** CPU time of this process, all threads: what the epoch cost, whatever else ran on the machine. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] a) throws Exception {
        String mode = a[0];
        int perBin = Integer.parseInt(a[1]), size = Integer.parseInt(a[2]), batch = Integer.parseInt(a[3]), epochs = Integer.parseInt(a[4]);
        int averaging = a.length > 5 ? Integer.parseInt(a[5]) : 5;
        long seed = 42;
        Params params = Params.of(Map.of("PROJECT_DIR", Params.fromEnvironment().projectDir.toString(), "IMAGE_SIZE", Integer.toString(size)));
        ImageIndex index = ImageIndex.build(Path.of(System.getenv("UTKFACE_DIR")), perBin, seed);
        CleanData clean = CleanData.scrub(index.images());
        Split split = Split.balanced(clean.table(), perBin * 8 / 10, perBin / 10, perBin / 10, seed);
        Scrubbed data = new Scrubbed(params, index, clean, split);
        TensorCache cache = data.cache();
        SplitPart train = SplitPart.of(data, Split.TRAIN), val = SplitPart.of(data, Split.VAL);
        List<DataSet> batches = SparkData.batches(cache, train, batch, seed);
        MultiLayerNetwork net = SparkBaseline.network(size, seed);
        double[] seconds = new double[epochs];
        String label;
        if (mode.startsWith("local") && !mode.contains("[")) {
            if (mode.equals("local1")) {
                Nd4j.getEnvironment().setMaxMasterThreads(1);
                Nd4j.factory().blas().setMaxThreads(1);
            }
            label = mode + " (" + Nd4j.getEnvironment().maxMasterThreads() + " libnd4j / " + Nd4j.factory().blas().getMaxThreads() + " BLAS threads)";
            for (int e = 0; e < epochs; e++) {
                long t0 = System.nanoTime(), c0 = cpuNanos();
                net.fit(new ExistingDataSetIterator(batches));
                seconds[e] = (System.nanoTime() - t0) / 1e9;
                // Scored as SparkTrainer scores each epoch (train set, val set), so the CPU times compare.
                SparkTrainer.meanLoss(net, batches);
                double valLoss = SparkTrainer.meanLoss(net, SparkData.batchesInOrder(cache, val, 64));
                System.out.printf("%s epoch %d: %.1f s, %.1f CPU s with scoring (val loss %.3f)%n", label, e + 1, seconds[e],
                        (cpuNanos() - c0) / 1e9, valLoss);
            }
        } else {
            label = mode + " averaging every " + averaging;
            try (JavaSparkContext sc = SparkContexts.open(mode, "bench")) {
                long[] cpu = {cpuNanos()};
                SparkTrainer.Result r = new SparkTrainer(sc, new SparkTrainer.Settings(batch, averaging, epochs, seed, null), null)
                        .onEpoch(x -> {
                            // CPU time here includes the epoch's scoring (train set on the workers, val on the driver).
                            System.out.printf("%s epoch %d: %.1f s, %.1f CPU s with scoring (val loss %.3f)%n", label, x.epoch(),
                                    x.seconds(), (cpuNanos() - cpu[0]) / 1e9, x.valLoss());
                            cpu[0] = cpuNanos();
                        })
                        .train(net, SparkData.parallelize(sc, batches), cache, val);
                for (int e = 0; e < epochs; e++) seconds[e] = r.history().get(e).seconds();
            }
        }
        System.out.printf("machine load %s%n", java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
        double[] warm = Arrays.copyOfRange(seconds, Math.min(1, epochs - 1), epochs);
        Arrays.sort(warm);
        System.out.printf("RESULT %s: %d training images at %d px, batch %d: first epoch %.1f s, median of the rest %.1f s%n",
                label, train.size(), size, batch, seconds[0], warm[warm.length / 2]);
    }
}
