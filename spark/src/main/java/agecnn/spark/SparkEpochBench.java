package agecnn.spark;

import agecnn.config.Settings;
import agecnn.data.CleanData;
import agecnn.data.ImageIndex;
import agecnn.data.Split;
import agecnn.nets.StudyCnn;
import agecnn.run.ModelScore;
import agecnn.run.TrainingSession;
import agecnn.tensors.PreparedData;
import agecnn.train.EpochFitter;
import agecnn.train.EpochStats;
import agecnn.train.Progress;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Seconds per training epoch of the study's baseline on a real subset, on this machine against
 * Spark {@code local[N]}: the same {@link TrainingSession} and trainer, only the
 * {@link EpochFitter} differs. One JVM per mode; the first epoch is warm-up. Prints each epoch
 * (fit seconds, the trainer's validation loss) and, per mode, the median of the later epochs.
 * <pre>
 * java @spark/java17.args -cp 'target/spark/classpath/*' agecnn.spark.SparkEpochBench \
 *     MODE PER_BIN SIZE BATCH EPOCHS [AVERAGING]
 *   MODE: local (this machine, DL4J's own native threads), local1 (this machine, one native
 *         thread), or a Spark master such as local[2] (cores / N native threads per worker)
 * </pre>
 * The images are UTKFACE_DIR's; the tensor cache goes under PROJECT_DIR/data/cache as for the
 * notebooks, and the run (checkpoints, model) to a temporary folder.
 */
public final class SparkEpochBench {

    private SparkEpochBench() {}

    /** CPU time of this process, all threads: what the work cost, whatever else ran on the machine. */
    static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /**
     * What Spark moved: jobs (one per averaging round), tasks, and the bytes of the tasks' results
     * (each worker's parameters and updater state, serialized) as Spark's task metrics count them.
     */
    static final class Traffic extends SparkListener {
        final LongAdder jobs = new LongAdder(), tasks = new LongAdder(), resultBytes = new LongAdder();

        @Override
        public void onJobStart(SparkListenerJobStart e) {
            jobs.increment();
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd e) {
            tasks.increment();
            if (e.taskMetrics() != null) resultBytes.add(e.taskMetrics().resultSize());
        }
    }

    public static void main(String[] a) throws Exception {
        String mode = a[0];
        int perBin = Integer.parseInt(a[1]), size = Integer.parseInt(a[2]), batch = Integer.parseInt(a[3]), epochs = Integer.parseInt(a[4]);
        int averaging = a.length > 5 ? Integer.parseInt(a[5]) : SparkEpochFitter.DEFAULT_AVERAGING;
        long seed = 42;
        Path runDir = Files.createTempDirectory("agecnn-bench");
        Settings settings = Settings.of(Map.of("PROJECT_DIR", Settings.fromEnvironment().paths().projectDir().toString(), "IMAGE_SIZE", Integer.toString(size),
                "RUN_DIR", runDir.toString(), "MODELS", StudyCnn.NAME, "EPOCHS", Integer.toString(epochs),
                "BATCH_SIZE", Integer.toString(batch), "EPOCH_IMAGES", "0", "PATIENCE", "0", "SEED", Long.toString(seed)));
        ImageIndex index = ImageIndex.build(Path.of(System.getenv("UTKFACE_DIR")), perBin, seed);
        CleanData clean = CleanData.scrub(index.images());
        Split split = Split.balanced(clean.table(), perBin * 8 / 10, perBin / 10, perBin / 10, seed);
        PreparedData data = new PreparedData(settings, index, clean, split);
        data.cache();
        Progress progress = new Progress("", System.out, null, Duration.ofSeconds(30));

        String label;
        ModelScore score;
        double cpu0 = cpuSeconds();
        if (mode.equals("local") || mode.equals("local1")) {
            if (mode.equals("local1")) {
                Nd4j.getEnvironment().setMaxMasterThreads(1);
                Nd4j.factory().blas().setMaxThreads(1);
            }
            label = "this machine (" + Nd4j.getEnvironment().maxMasterThreads() + " libnd4j / " + Nd4j.factory().blas().getMaxThreads()
                    + " BLAS threads)";
            score = TrainingSession.start(settings, data, progress).train(StudyCnn.NAME);
        } else {
            try (JavaSparkContext sc = SparkContexts.open(mode, "bench")) {
                SparkEpochFitter fitter = new SparkEpochFitter(sc, 0, averaging, seed);
                label = fitter.summary();
                Traffic traffic = new Traffic();
                double[] even = new double[12];
                Arrays.fill(even, 1);
                long params = StudyCnn.build(size, even, new Adam(1e-3), seed).numParams();
                sc.sc().addSparkListener(traffic);
                score = TrainingSession.start(settings, data, progress).trainingOn(fitter).train(StudyCnn.NAME);
                System.out.printf("Spark: %d jobs (averaging rounds), %d tasks; task results to the driver %d bytes in all, %.0f per round "
                        + "(%d parameters; parameters and Adam's state are %d bytes a worker)%n", traffic.jobs.sum(), traffic.tasks.sum(),
                        traffic.resultBytes.sum(), (double) traffic.resultBytes.sum() / Math.max(1, traffic.jobs.sum()), params, params * 3L * Float.BYTES);
            }
        }
        double cpu = cpuSeconds() - cpu0;
        int images = split.files(Split.TRAIN).size();
        List<EpochStats> h = score.history().epochs();
        double[] fit = new double[h.size()];
        for (int e = 0; e < h.size(); e++) {
            EpochStats s = h.get(e);
            fit[e] = images / s.imagesPerSecond();
            System.out.printf("%s epoch %d: fit %.1f s (with the trainer's scoring %.1f s), fit loss %.3f, val loss %.3f, val accuracy %.3f%n",
                    label, s.epoch(), fit[e], s.seconds(), s.fitLoss(), s.valLoss(), s.valAccuracy());
        }
        System.out.printf("machine load %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
        double[] warm = Arrays.copyOfRange(fit, Math.min(1, fit.length - 1), fit.length);
        Arrays.sort(warm);
        System.out.printf("RESULT %s: %d training images at %d px, batches of %d: first epoch %.1f s, median of the rest %.1f s; "
                        + "process CPU %.0f s in all (%.0f s per epoch, with scoring and the test set)%n",
                label, images, size, batch, fit[0], warm[warm.length / 2], cpu, cpu / h.size());
    }
}
