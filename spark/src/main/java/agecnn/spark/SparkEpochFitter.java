package agecnn.spark;

import agecnn.nets.FastPath;
import agecnn.train.EpochFitter;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDDLike;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * An {@link EpochFitter} that fits the epoch's batches on Spark, with DL4J's parameter averaging
 * ({@code dl4j-spark}'s {@link ParameterAveragingTrainingMaster}): the batches go out in rounds of
 * {@code workers x averaging} mini-batches, each worker fits {@code averaging} of them from the
 * current parameters, then the workers' parameters and updater (Adam) state are averaged back
 * into the network on the driver, and the next round starts from there.
 *
 * <p>The data: the {@link agecnn.train.Trainer} makes the batches one at a time, as for local
 * training (from the tensor cache, or from cached backbone outputs), and this class takes one
 * round of them at a time, {@code sc.parallelize(round, workers)}: an RDD of DataSets, one
 * partition of consecutive batches per worker, trained directly
 * ({@link RDDTrainingApproach#Direct}: nothing exported, no shared file system needed). Only one
 * round is in the driver's memory at a time.
 *
 * <p>What it keeps as a local run does: dl4j-spark averages into the very network object it is
 * given ({@code setParams}, {@code setStateViewArray}), so the trainer's checkpoints, scoring and
 * saved model need nothing Spark-specific. Two things dl4j-spark 1.0.0-M2 drops are put back:
 * the workers' copies of the configuration lose the network's iteration and epoch counts
 * ({@code ComputationGraphConfiguration.clone()} copies neither), which would restart Adam's bias
 * correction every round and freeze the learning-rate schedule at epoch 0, so a
 * {@link TrainingHook} sets them on each worker; and {@code SparkComputationGraph.fit} counts an
 * epoch per call (a round here), which is undone.
 *
 * <p>The loss it reports for an epoch is, per round, the mean over the workers of the loss of
 * each worker's last batch (what dl4j-spark returns), weighted by the round's examples: with
 * {@code averaging} 1 that is every batch's loss, as locally; with more, a sample of them.
 */
public final class SparkEpochFitter implements EpochFitter {

    public static final String ENGINE = "spark";
    public static final int DEFAULT_AVERAGING = 5;

    private final JavaSparkContext sc;
    private final int workers;
    private final int averaging;
    private final long seed;

    /** The network the current Spark wrapper trains, and its batch size; a new network gets a new wrapper. */
    private ComputationGraph net;
    private int batchSize;
    private SparkComputationGraph sparkNet;
    private RoundMaster master;
    private Counts counts;

    /**
     * @param workers   workers each round is spread over; 0 for N of {@code local[N]}, or on a
     *                  cluster the context's default parallelism (its cores)
     * @param averaging mini-batches each worker fits between two averagings
     * @param seed      dl4j-spark's own random choices
     */
    public SparkEpochFitter(JavaSparkContext sc, int workers, int averaging, long seed) {
        if (workers < 0) throw new IllegalArgumentException("workers must be 0 (all) or more, got " + workers);
        if (averaging < 1) throw new IllegalArgumentException("averaging frequency must be at least 1, got " + averaging);
        this.sc = sc;
        int local = SparkContexts.localWorkers(sc.master());
        this.workers = workers > 0 ? workers : local > 0 ? local : Math.max(1, sc.defaultParallelism());
        this.averaging = averaging;
        this.seed = seed;
    }

    /** Every worker of the master, averaging every {@link #DEFAULT_AVERAGING} batches. */
    public SparkEpochFitter(JavaSparkContext sc, long seed) {
        this(sc, 0, DEFAULT_AVERAGING, seed);
    }

    public int workers() { return workers; }

    public int averaging() { return averaging; }

    @Override
    public double fit(ComputationGraph net, Iterator<DataSet> batches, IntConsumer examplesDone) {
        int epoch = net.getConfiguration().getEpochCount();
        double lossSum = 0;
        long n = 0;
        try (NativeThreads ignored = NativeThreads.perWorker(sc, workers)) {
            while (batches.hasNext()) {
                List<DataSet> round = new ArrayList<>(workers * averaging);
                while (round.size() < workers * averaging && batches.hasNext()) round.add(batches.next());
                int examples = 0, largest = 0;
                for (DataSet ds : round) {
                    examples += ds.numExamples();
                    largest = Math.max(largest, ds.numExamples());
                }
                lossSum += fitRound(net, round, largest, epoch) * examples;
                n += examples;
                for (DataSet ds : round) examplesDone.accept(ds.numExamples());
            }
        }
        return lossSum / n;
    }

    /** One averaging round; returns dl4j-spark's score of it. */
    private double fitRound(ComputationGraph net, List<DataSet> round, int largestBatch, int epoch) {
        SparkComputationGraph s = sparkNet(net, largestBatch);
        ComputationGraphConfiguration conf = net.getConfiguration();
        int iteration = conf.getIterationCount();
        // one slice of consecutive batches per worker (fewer slices than workers only in a short last round)
        int slices = Math.min(workers, round.size());
        counts.iteration = iteration;
        counts.epoch = epoch;
        master.objects = round.size();
        s.fit(sc.parallelize(round, slices));
        // every worker made as many steps as it had batches: the averaged network stands after the most
        int steps = (round.size() + slices - 1) / slices;
        conf.setIterationCount(iteration + steps);
        conf.setEpochCount(epoch);   // SparkComputationGraph.fit counted an epoch; this was a round
        for (Layer l : net.getLayers()) {
            l.setIterationCount(iteration + steps);
            l.setEpochCount(epoch);
        }
        return s.getScore();
    }

    private SparkComputationGraph sparkNet(ComputationGraph net, int largestBatch) {
        // The workers re-batch their partition to batchSizePerWorker: it must be the batches' own size,
        // so that each DataSet is one step (a short last batch stays one step of its own).
        if (net != this.net || largestBatch > batchSize) {
            counts = new Counts(seed);
            master = new RoundMaster(new ParameterAveragingTrainingMaster.Builder(workers, largestBatch)
                    .batchSizePerWorker(largestBatch)
                    .averagingFrequency(averaging)
                    // average Adam's moments too, and carry them to the next round: the builder's default
                    // (false) restarts Adam from zero moments every round
                    .saveUpdater(true)
                    .rngSeed(seed)
                    // the partition's batches come with the task, already in the worker's memory
                    .workerPrefetchNumBatches(0)
                    // straight to the workers: no export to (shared) files
                    .rddTrainingApproach(RDDTrainingApproach.Direct)
                    // one partition per worker already, in the batches' order: no shuffle
                    .repartionData(Repartition.Never)
                    // each round's RDD is used once: not cached (the master would never unpersist it)
                    .storageLevel(null)
                    .trainingHooks(counts));
            sparkNet = new SparkComputationGraph(sc, net, master);
            this.net = net;
            this.batchSize = largestBatch;
        }
        return sparkNet;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", ENGINE);
        m.put("master", sc.master());
        m.put("workers", workers);
        m.put("averaging_frequency", averaging);
        return m;
    }

    @Override
    public String toString() {
        return summary();
    }

    /**
     * dl4j-spark's master, told how many DataSets each round holds: its Direct training would
     * otherwise run a Spark job per round just to count them (sending the round's data twice).
     */
    static final class RoundMaster extends ParameterAveragingTrainingMaster {
        int objects;

        RoundMaster(Builder b) {
            super(b);
        }

        @Override
        protected <T, Repr extends JavaRDDLike<T, Repr>> long getTotalDataSetObjectCount(JavaRDDLike<T, Repr> trainingData) {
            return objects > 0 ? objects : super.getTotalDataSetObjectCount(trainingData);
        }
    }

    /**
     * Gives each worker's copy of the network the driver's iteration and epoch counts before its
     * first step (Adam's bias correction and the learning-rate schedule read them), and seeds the
     * worker's random generator (dropout) from the seed, the iteration and its partition, so that
     * a run repeats. Sent with each round's task, with the values of that round.
     */
    static final class Counts implements TrainingHook {
        final long seed;
        int iteration, epoch;

        Counts(long seed) {
            this.seed = seed;
        }

        @Override
        public void preUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {
            set(model);
        }

        @Override
        public void preUpdate(org.nd4j.linalg.dataset.api.MultiDataSet minibatch, Model model) {
            set(model);
        }

        private void set(Model model) {
            if (!(model instanceof ComputationGraph g)) return;
            ComputationGraphConfiguration conf = g.getConfiguration();
            // a fresh copy starts at 0; after its first step it counts on by itself
            if (conf.getIterationCount() == 0) {
                conf.setIterationCount(iteration);
                TaskContext task = TaskContext.get();
                int partition = task == null ? 0 : task.partitionId();
                Nd4j.getRandom().setSeed(seed * 1_000_003L + iteration * 1_009L + partition);
                Helpers.report(g);
            }
            conf.setEpochCount(epoch);
        }

        @Override
        public void postUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, Model model) {}

        @Override
        public void postUpdate(org.nd4j.linalg.dataset.api.MultiDataSet minibatch, Model model) {}
    }

    /**
     * Says once per JVM and network (in an executor's log, its stderr) whether the worker's copy of
     * the network has its OneDNN helpers ({@link FastPath#helpersActive}): on a cluster the switch
     * reaches the executors only through {@code spark.executor.extraJavaOptions}, and this line is
     * where to see that it did. A network without conv layers (a head on cached backbone outputs)
     * has no helpers to take.
     */
    static final class Helpers {
        private static final Logger LOG = LoggerFactory.getLogger(Helpers.class);
        /** The line's start; the cluster tests look for it in the executors' logs. */
        static final String LINE = "agecnn worker network:";
        private static final java.util.Set<String> REPORTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

        private Helpers() {}

        static void report(ComputationGraph g) {
            String layers = java.util.Arrays.stream(g.getLayers()).map(l -> l.getClass().getSimpleName()).toList().toString();
            if (!REPORTED.add(layers)) return;
            String executor = org.apache.spark.SparkEnv.get() == null ? "?" : org.apache.spark.SparkEnv.get().executorId();
            LOG.info("{} executor {}, {} layers, OneDNN helpers {} ({}={})", LINE, executor, g.getLayers().length,
                    FastPath.helpersActive(g) ? "on" : "off", FastPath.HELPERS_DISABLE, System.getProperty(FastPath.HELPERS_DISABLE));
        }
    }

    /**
     * In local[N] the N workers are threads of this JVM sharing one native library: left at its
     * default (every core) each worker's layers would ask for all cores at once, and OpenBLAS and
     * libnd4j threads that wait for a descheduled partner spin. So while an epoch trains each
     * worker gets cores / N threads for libnd4j's loops (its "master threads") and for OpenBLAS;
     * the previous setting is restored afterwards. On a cluster the executors' own settings hold
     * (see {@link SparkContexts}).
     */
    private record NativeThreads(int before, int blasBefore) implements AutoCloseable {
        static NativeThreads perWorker(JavaSparkContext sc, int workers) {
            NativeThreads previous = new NativeThreads(Nd4j.getEnvironment().maxMasterThreads(), Nd4j.factory().blas().getMaxThreads());
            if (SparkContexts.isLocal(sc.master())) set(Math.max(1, Runtime.getRuntime().availableProcessors() / workers));
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
