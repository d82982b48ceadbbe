package agecnn.spark;

import agecnn.interpret.Metrics;
import agecnn.model.SavedModel;
import agecnn.notebook.Params;
import agecnn.obtain.ImageIndex;
import agecnn.scrub.CleanData;
import agecnn.scrub.Scrubbed;
import agecnn.scrub.Split;
import agecnn.scrub.TensorCache;
import agecnn.testing.TestImages;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The baseline trained on a real UTKFace subset in local[2] (two workers, DL4J parameter
 * averaging) and, with the same images, epochs and seed, by a plain {@code net.fit} on one
 * machine: both learn, and they end up alike.
 *
 * <p>Same data, same work per step: one machine fits batches of {@link #GLOBAL_BATCH}; each of the
 * two Spark workers fits half of that and the parameters (and Adam's state) are averaged after
 * every batch, which is, up to Adam's non-linearity, one step on a batch of {@link #GLOBAL_BATCH}.
 */
class SparkTrainerTest {

    static final int PER_BIN = 50, SIZE = 32, GLOBAL_BATCH = 32, WORKERS = 2, EPOCHS = 5;
    static final long SEED = 42;
    /**
     * Held-out accuracy (val + test, 192 images), Spark vs one machine, absolute. 192 images alone put a
     * binomial standard error of about 2.5 points on each accuracy; Adam's per-worker steps add a little.
     */
    static final double ACCURACY_TOLERANCE = 0.08;
    /** Mean held-out cross-entropy, Spark vs one machine (it starts near 3.2 and falls to about 2.45). */
    static final double LOSS_TOLERANCE = 0.10;

    @TempDir
    static Path tmp;
    static TensorCache cache;
    static SplitPart train, val, test, heldOut;
    static JavaSparkContext sc;

    @BeforeAll
    static void data() throws Exception {
        Path dir = TestImages.realDataDir();
        Assumptions.assumeTrue(Files.isDirectory(dir), "no UTKFace data at " + dir);
        ImageIndex index = ImageIndex.build(dir, PER_BIN, SEED);
        CleanData clean = CleanData.scrub(index.images());
        Split split = Split.balanced(clean.table(), 34, 8, 8, SEED);
        Params params = Params.of(Map.of("PROJECT_DIR", tmp.toString(), "IMAGE_SIZE", Integer.toString(SIZE)));
        Scrubbed data = new Scrubbed(params, index, clean, split);
        cache = data.cache();
        train = SplitPart.of(data, Split.TRAIN);
        val = SplitPart.of(data, Split.VAL);
        test = SplitPart.of(data, Split.TEST);
        heldOut = join(val, test);
        sc = SparkContexts.open("local[" + WORKERS + "]", "SparkTrainerTest");
    }

    @AfterAll
    static void stop() {
        if (sc != null) sc.stop();
    }

    @Test
    void trainsInLocal2LikeOneMachineAndLeavesTheSameFiles() throws Exception {
        double[] binAges = Metrics.binAges(train.ages());

        // One machine: plain net.fit, batches of GLOBAL_BATCH.
        List<DataSet> localBatches = SparkData.batches(cache, train, GLOBAL_BATCH, SEED);
        MultiLayerNetwork local = SparkBaseline.network(SIZE, SEED);
        for (int e = 0; e < EPOCHS; e++) local.fit(new ExistingDataSetIterator(localBatches));

        // Spark local[2]: the same network, images and epochs; averaged after every batch.
        MultiLayerNetwork net = SparkBaseline.network(SIZE, SEED);
        List<DataSet> sparkBatches = SparkData.batches(cache, train, GLOBAL_BATCH / WORKERS, SEED);
        Path out = tmp.resolve("model");
        SparkTrainer.Settings settings = new SparkTrainer.Settings(GLOBAL_BATCH / WORKERS, 1, EPOCHS, SEED, tmp.resolve("export").toString());
        SparkTrainer.Result result = new SparkTrainer(sc, settings, out.resolve(TrainingOutputs.CHECKPOINTS))
                .onEpoch(r -> System.out.println("  spark " + r))
                .train(net, SparkData.parallelize(sc, sparkBatches), cache, val);

        List<DataSet> heldOutBatches = SparkData.batchesInOrder(cache, heldOut, 64);
        double loss0 = SparkTrainer.meanLoss(SparkBaseline.network(SIZE, SEED), heldOutBatches);
        double localLoss = SparkTrainer.meanLoss(local, heldOutBatches), sparkLoss = SparkTrainer.meanLoss(result.net(), heldOutBatches);
        double localAcc = new Metrics(heldOut.bins(), heldOut.ages(), SparkTrainer.probabilities(local, heldOutBatches), binAges).accuracy();
        double sparkAcc = TrainingOutputs.score(result, cache, heldOut, binAges).accuracy();
        System.out.printf("held-out (%d images): untrained loss %.3f; one machine loss %.3f, accuracy %.3f; local[2] loss %.3f, accuracy %.3f%n",
                heldOut.size(), loss0, localLoss, localAcc, sparkLoss, sparkAcc);

        assertTrue(localLoss < loss0 - 0.3, "one machine learns: held-out loss " + loss0 + " -> " + localLoss);
        assertTrue(sparkLoss < loss0 - 0.3, "Spark learns: held-out loss " + loss0 + " -> " + sparkLoss);
        List<SparkTrainer.EpochRecord> h = result.history();
        assertEquals(EPOCHS, h.size());
        assertTrue(h.get(EPOCHS - 1).trainLoss() < h.get(0).trainLoss(), "train loss falls over the epochs: " + h);
        assertEquals(localLoss, sparkLoss, LOSS_TOLERANCE, "held-out loss, Spark local[2] vs one machine");
        assertEquals(localAcc, sparkAcc, ACCURACY_TOLERANCE, "held-out accuracy, Spark local[2] vs one machine");

        // The files of a local run; the saved model loads and gives the same outputs.
        SavedModel saved = TrainingOutputs.write(out, result, SparkBaseline.NAME, "none", cache, train, val, test,
                Map.of("engine", "spark", "master", sc.master()));
        for (String f : List.of(TrainingOutputs.MODEL_FILE, TrainingOutputs.HISTORY_FILE, TrainingOutputs.METRICS_FILE)) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " written");
        }
        try (Stream<Path> checkpoints = Files.list(out.resolve(TrainingOutputs.CHECKPOINTS))) {
            assertEquals(EPOCHS, checkpoints.count(), "one checkpoint per epoch");
        }
        assertEquals(EPOCHS + 1, Files.readAllLines(out.resolve(TrainingOutputs.HISTORY_FILE)).size(), "history: a header and a line per epoch");
        SavedModel loaded = SavedModel.load(out.resolve(TrainingOutputs.MODEL_FILE));
        INDArray x = cache.batch(Arrays.copyOf(test.rows(), 5));
        assertEquals(saved.predict(x), loaded.predict(x));
        assertEquals(SparkBaseline.NAME, loaded.info().name());
        assertEquals(SIZE, loaded.info().imageSize());
        assertEquals(sc.master(), loaded.info().training().get("master"));
    }

    @Test
    void trainsFromBatchFilesThatTheWorkersRead() throws Exception {
        List<String> files = SparkData.exportBatches(cache, train, 16, SEED, tmp.resolve("batches").toString());
        assertEquals((train.size() + 15) / 16, files.size());
        assertEquals(train.size(), SparkData.load(SparkData.paths(sc, files)).map(DataSet::numExamples).reduce(Integer::sum));

        SparkTrainer.Settings settings = new SparkTrainer.Settings(16, 2, 1, SEED, null);
        SparkTrainer.Result result = new SparkTrainer(sc, settings, null)
                .trainPaths(SparkBaseline.network(SIZE, SEED), SparkData.paths(sc, files), cache, val);
        assertEquals(1, result.history().size());
        assertTrue(Double.isFinite(result.history().get(0).trainLoss()), "scored from the files: " + result.history());
    }

    private static SplitPart join(SplitPart a, SplitPart b) {
        return new SplitPart(a.name() + "+" + b.name(), concat(a.rows(), b.rows()), concat(a.bins(), b.bins()), concat(a.ages(), b.ages()));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
