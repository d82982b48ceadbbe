package agecnn.spark;

import agecnn.interpret.Metrics;
import agecnn.scrub.TensorCache;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.util.ExportSupport;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * Trains a network on Spark with DL4J's parameter averaging ({@link ParameterAveragingTrainingMaster}):
 * each worker fits {@code averagingFrequency} mini-batches of {@code batchSizePerWorker} from the
 * current parameters, then the driver averages the workers' parameters and updater state and
 * sends them out again. Epoch by epoch it records the losses, scores the validation part on the
 * driver and writes a checkpoint. The caller builds the network (any MultiLayerNetwork or
 * ComputationGraph) and the data ({@link SparkData}); nothing here knows which model it is.
 */
public final class SparkTrainer {

    /**
     * @param batchSizePerWorker examples in each mini-batch a worker fits (the batches' size in the RDD)
     * @param averagingFrequency mini-batches each worker fits between two parameter averagings
     * @param exportDir          where dl4j-spark exports an RDD of DataSets before training on it; null
     *                           for its default, {@code hadoop.tmp.dir}/dl4j on the default file system
     *                           (on a cluster that must be a shared one, such as HDFS, or the batches
     *                           go to the workers directly, each epoch)
     */
    public record Settings(int batchSizePerWorker, int averagingFrequency, int epochs, long seed, String exportDir) {
        public Settings {
            if (batchSizePerWorker <= 0 || averagingFrequency <= 0 || epochs <= 0) {
                throw new IllegalArgumentException("batch size per worker, averaging frequency and epochs must be positive; got "
                        + batchSizePerWorker + ", " + averagingFrequency + ", " + epochs);
            }
        }
    }

    /**
     * One epoch. {@code trainLoss}: mean loss over the whole training set with the parameters at the
     * end of the epoch (scored by the executors); {@code valLoss}, {@code valAccuracy}: the same
     * for the validation part, on the driver; {@code seconds}: the epoch's training, without scoring.
     */
    public record EpochRecord(int epoch, double trainLoss, double valLoss, double valAccuracy, double seconds) {}

    /** The trained network (the driver's copy, with the averaged parameters) and its history. */
    public record Result(Model net, List<EpochRecord> history) {}

    private final JavaSparkContext sc;
    private final Settings settings;
    private final Path checkpointDir;
    private Consumer<EpochRecord> onEpoch = r -> {};

    /** @param checkpointDir where {@code epoch-NN.zip} (ModelSerializer, with updater) goes after each epoch; null for none */
    public SparkTrainer(JavaSparkContext sc, Settings settings, Path checkpointDir) {
        this.sc = sc;
        this.settings = settings;
        this.checkpointDir = checkpointDir;
    }

    /** Called after each epoch (e.g. to print it). */
    public SparkTrainer onEpoch(Consumer<EpochRecord> listener) {
        this.onEpoch = listener;
        return this;
    }

    /** Trains on an RDD of mini-batches of {@code batchSizePerWorker} ({@link SparkData#parallelize}). */
    public Result train(Model net, JavaRDD<DataSet> train, TensorCache cache, SplitPart val) {
        Distributed d = distributed(net);
        return run(d, () -> d.fit(train), train, cache, val);
    }

    /** Trains on files of mini-batches of {@code batchSizePerWorker} ({@link SparkData#exportBatches}); executors read them. */
    public Result trainPaths(Model net, JavaRDD<String> trainPaths, TensorCache cache, SplitPart val) {
        Distributed d = distributed(net);
        return run(d, () -> d.fitPaths(trainPaths), SparkData.load(trainPaths), cache, val);
    }

    private Result run(Distributed d, Runnable fitOneEpoch, JavaRDD<DataSet> forScoring, TensorCache cache, SplitPart val) {
        List<DataSet> valBatches = SparkData.batchesInOrder(cache, val, settings.batchSizePerWorker());
        List<EpochRecord> history = new ArrayList<>();
        try (NativeThreads ignored = NativeThreads.perWorker(sc)) {
            for (int epoch = 1; epoch <= settings.epochs(); epoch++) {
                long start = System.nanoTime();
                fitOneEpoch.run();
                double seconds = (System.nanoTime() - start) / 1e9;
                double trainLoss = d.score(forScoring);
                Model net = d.network();
                double valLoss = meanLoss(net, valBatches);
                double valAccuracy = new Metrics(val.bins(), val.ages(), probabilities(net, valBatches),
                        Metrics.binAges(val.ages())).accuracy(); // only the accuracy is read: bin ages do not matter
                EpochRecord r = new EpochRecord(epoch, trainLoss, valLoss, valAccuracy, seconds);
                history.add(r);
                checkpoint(net, epoch);
                onEpoch.accept(r);
            }
        } finally {
            d.master().deleteTempFiles(sc);
        }
        return new Result(d.network(), Collections.unmodifiableList(history));
    }

    /** Bin probabilities of each example of the batches, in order, [n][12]. */
    public static float[][] probabilities(Model net, List<DataSet> batches) {
        List<float[]> rows = new ArrayList<>();
        for (DataSet ds : batches) {
            INDArray out = output(net, ds.getFeatures());
            for (int i = 0; i < out.rows(); i++) rows.add(out.getRow(i).toFloatVector());
        }
        return rows.toArray(new float[0][]);
    }

    /** Mean loss per example over the batches (each batch weighted by its size). */
    public static double meanLoss(Model net, List<DataSet> batches) {
        double sum = 0;
        long n = 0;
        for (DataSet ds : batches) {
            double s = net instanceof MultiLayerNetwork m ? m.score(ds, false) : ((ComputationGraph) net).score(ds, false);
            sum += s * ds.numExamples();
            n += ds.numExamples();
        }
        return sum / n;
    }

    private static INDArray output(Model net, INDArray features) {
        return net instanceof MultiLayerNetwork m ? m.output(features, false) : ((ComputationGraph) net).outputSingle(false, features);
    }

    private void checkpoint(Model net, int epoch) {
        if (checkpointDir == null) return;
        try {
            Files.createDirectories(checkpointDir);
            ModelSerializer.writeModel(net, checkpointDir.resolve(String.format("epoch-%02d.zip", epoch)).toFile(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint of epoch " + epoch + " to " + checkpointDir, e);
        }
    }

    private ParameterAveragingTrainingMaster master() {
        // null workers: the context's default parallelism (local[N]: N; a cluster: its cores).
        ParameterAveragingTrainingMaster.Builder b = new ParameterAveragingTrainingMaster.Builder(null, settings.batchSizePerWorker())
                .batchSizePerWorker(settings.batchSizePerWorker())
                .averagingFrequency(settings.averagingFrequency())
                .workerPrefetchNumBatches(2)
                .rngSeed(settings.seed());
        if (settings.exportDir() != null) b.exportDirectory(settings.exportDir());
        // dl4j-spark's default (Export: write the RDD once to the default file system, train every epoch
        // from those files) needs that file system shared on a cluster; without one (no HDFS) the batches
        // travel to the workers through Spark each epoch instead (Direct).
        if (!ExportSupport.exportSupported(sc)) b.rddTrainingApproach(RDDTrainingApproach.Direct);
        return b.build();
    }

    /** The two network kinds behind one face: SparkDl4jMultiLayer and SparkComputationGraph share no interface for this. */
    private interface Distributed {
        void fit(JavaRDD<DataSet> data);

        void fitPaths(JavaRDD<String> paths);

        double score(JavaRDD<DataSet> data);

        Model network();

        ParameterAveragingTrainingMaster master();
    }

    private Distributed distributed(Model net) {
        ParameterAveragingTrainingMaster tm = master();
        if (net instanceof MultiLayerNetwork m) {
            SparkDl4jMultiLayer s = new SparkDl4jMultiLayer(sc, m, tm);
            return new Distributed() {
                public void fit(JavaRDD<DataSet> data) { s.fit(data); }
                public void fitPaths(JavaRDD<String> paths) { s.fitPaths(paths); }
                public double score(JavaRDD<DataSet> data) { return s.calculateScore(data, true); }
                public Model network() { return s.getNetwork(); }
                public ParameterAveragingTrainingMaster master() { return tm; }
            };
        }
        if (net instanceof ComputationGraph g) {
            SparkComputationGraph s = new SparkComputationGraph(sc, g, tm);
            return new Distributed() {
                public void fit(JavaRDD<DataSet> data) { s.fit(data); }
                public void fitPaths(JavaRDD<String> paths) { s.fitPaths(paths); }
                public double score(JavaRDD<DataSet> data) { return s.calculateScore(data, true); }
                public Model network() { return s.getNetwork(); }
                public ParameterAveragingTrainingMaster master() { return tm; }
            };
        }
        throw new IllegalArgumentException("Spark trains a MultiLayerNetwork or a ComputationGraph, not " + net.getClass().getName());
    }

    /**
     * In local[N] the N workers are threads of this JVM sharing one native library: left at its
     * default (every core) each worker's layers would ask for all cores at once, and OpenBLAS and
     * libnd4j threads that wait for a descheduled partner spin. So while training each worker gets
     * cores / N threads for libnd4j's loops (its "master threads": setMaxThreads cannot lower the
     * start-up value) and for OpenBLAS; the previous setting is restored afterwards.
     */
    private record NativeThreads(int before, int blasBefore) implements AutoCloseable {
        static NativeThreads perWorker(JavaSparkContext sc) {
            NativeThreads previous = new NativeThreads(Nd4j.getEnvironment().maxMasterThreads(), Nd4j.factory().blas().getMaxThreads());
            int workers = SparkContexts.localWorkers(sc.master());
            if (workers > 0) set(Math.max(1, Runtime.getRuntime().availableProcessors() / workers));
            return previous;
        }

        static void set(int threads) {
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            Nd4j.factory().blas().setMaxThreads(threads);
        }

        @Override
        public void close() {
            Nd4j.getEnvironment().setMaxMasterThreads(before);
            Nd4j.factory().blas().setMaxThreads(blasBefore);
        }
    }
}
