package agecnn.spark;

import agecnn.nets.StudyCnn;
import agecnn.tensors.Examples;
import agecnn.train.EpochFitter;
import agecnn.train.Progress;
import agecnn.train.Trainer;
import agecnn.train.TrainingPlan;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark fitter's arithmetic, on random batches in {@code local[2]}: one worker retraces this
 * machine's training exactly, round after round and epoch after epoch (parameters, Adam's state,
 * its step count and the learning-rate schedule all carried through), and two workers give the
 * average of two copies each trained on its own batch.
 */
class SparkEpochFitterTest {

    static final int SIZE = 32, BATCH = 8;
    static final double[] EQUAL = equal();
    static JavaSparkContext sc;

    @BeforeAll
    static void open() {
        sc = SparkContexts.open("local[2]", "SparkEpochFitterTest");
    }

    @AfterAll
    static void stop() {
        if (sc != null) sc.stop();
    }

    static TrainingPlan plan(int epochs) {
        return new TrainingPlan(epochs, BATCH, 1e-3, 0.85, 0, false, 7);
    }

    static ComputationGraph net(TrainingPlan plan) {
        return StudyCnn.build(SIZE, EQUAL, plan.updater(), 7);
    }

    static List<DataSet> batches(int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        List<DataSet> out = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            INDArray y = Nd4j.zeros(DataType.FLOAT, BATCH, 12);
            for (int i = 0; i < BATCH; i++) y.putScalar(i, (b * BATCH + i) % 12, 1);
            out.add(new DataSet(Nd4j.rand(DataType.FLOAT, BATCH, 3, SIZE, SIZE), y));
        }
        return out;
    }

    @Test
    void oneWorkerGivesExactlyWhatThisMachineGives() {
        List<DataSet> batches = batches(6, 1);
        ComputationGraph local = net(plan(1));
        double localLoss = EpochFitter.local().fit(local, batches.iterator(), k -> {});
        for (int averaging : new int[] {6, 3, 1}) {
            ComputationGraph net = net(plan(1));
            List<Integer> told = new ArrayList<>();
            double loss = new SparkEpochFitter(sc, 1, averaging, 7).fit(net, batches.iterator(), told::add);
            assertEquals(0.0, local.params().sub(net.params()).amaxNumber().doubleValue(), "parameters, averaging every " + averaging);
            assertEquals(local.getUpdater().getStateViewArray(), net.getUpdater().getStateViewArray(), "Adam's state, averaging every " + averaging);
            assertEquals(6, net.getConfiguration().getIterationCount(), "steps counted on the driver's network");
            assertEquals(0, net.getConfiguration().getEpochCount(), "a round is not an epoch");
            assertEquals(List.of(BATCH, BATCH, BATCH, BATCH, BATCH, BATCH), told, "progress hears of every batch");
            if (averaging == 1) assertEquals(localLoss, loss, 1e-12, "with a round per batch, every batch's loss");
        }
    }

    @Test
    void oneWorkerRetracesAWholeTrainingRun() throws IOException {
        // two epochs through the trainer: the second at the decayed learning rate, Adam's count going on
        TrainingPlan plan = plan(2);
        Examples train = examples(40, 3), val = examples(12, 4);
        Trainer.Result local = new Trainer(plan, Progress.quiet()).fit("m", () -> net(plan), train, val, null);
        Trainer.Result spark = new Trainer(plan, Progress.quiet(), new SparkEpochFitter(sc, 1, 2, 7)).fit("m", () -> net(plan), train, val, null);
        assertEquals(0.0, local.net().params().sub(spark.net().params()).amaxNumber().doubleValue());
        for (int e = 0; e < 2; e++) {
            assertEquals(local.history().epochs().get(e).valLoss(), spark.history().epochs().get(e).valLoss(), 0.0, "epoch " + (e + 1));
        }
    }

    @Test
    void twoWorkersAverageTwoCopiesEachTrainedOnItsOwnBatch() {
        List<DataSet> batches = batches(2, 5);
        ComputationGraph net = net(plan(1));
        // a first round, so that the second starts from a trained state (Adam's moments, a step count)
        new SparkEpochFitter(sc, 2, 1, 7).fit(net, batches(2, 6).iterator(), k -> {});
        INDArray p0 = net.params().dup(), s0 = net.getUpdater().getStateViewArray().dup();
        int iteration = net.getConfiguration().getIterationCount();

        ComputationGraph a = copy(net, p0, s0, iteration), b = copy(net, p0, s0, iteration);
        a.fit(batches.get(0));
        b.fit(batches.get(1));
        SparkEpochFitter fitter = new SparkEpochFitter(sc, 2, 1, 7);
        double loss = fitter.fit(net, batches.iterator(), k -> {});

        INDArray settings = a.params().add(b.params()).divi(2), state = a.getUpdater().getStateViewArray().add(b.getUpdater().getStateViewArray()).divi(2);
        double worst = settings.sub(net.params()).amaxNumber().doubleValue();
        assertTrue(worst < 1e-6, "parameters: the average of the two workers' (off by up to " + worst + ")");
        assertTrue(state.sub(net.getUpdater().getStateViewArray()).amaxNumber().doubleValue() < 1e-6, "Adam's state: the average too");
        assertEquals((a.score() + b.score()) / 2, loss, 1e-5, "the round's loss: the mean of the workers'");
        assertEquals(iteration + 1, net.getConfiguration().getIterationCount(), "each worker made one step");
        assertEquals(Map.of("engine", "spark", "master", "local[2]", "workers", 2, "averaging_frequency", 1), fitter.describe());
    }

    /** A worker's copy of the network, as dl4j-spark makes it, at the driver's step count. */
    static ComputationGraph copy(ComputationGraph net, INDArray settings, INDArray updaterState, int iteration) {
        ComputationGraph c = new ComputationGraph(net.getConfiguration().clone());
        c.init(settings.dup(), false);
        c.setUpdater(new ComputationGraphUpdater(c, updaterState.dup()));
        c.getConfiguration().setIterationCount(iteration);
        c.getConfiguration().setEpochCount(net.getConfiguration().getEpochCount());
        return c;
    }

    /** Random images with bins 0-11 in turn, kept in memory. */
    static Examples examples(int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, 3, SIZE, SIZE);
        int[] bins = new int[n];
        for (int i = 0; i < n; i++) bins[i] = i % 12;
        return new Examples() {
            public int size() { return n; }

            public int[] bins() { return bins.clone(); }

            public int[] ages() { return new int[n]; }

            public INDArray inputs(int[] positions, Random augment) {
                INDArray out = Nd4j.create(DataType.FLOAT, positions.length, 3, SIZE, SIZE);
                for (int k = 0; k < positions.length; k++) out.putSlice(k, x.slice(positions[k]));
                return out;
            }
        };
    }

    private static double[] equal() {
        double[] w = new double[12];
        Arrays.fill(w, 1);
        return w;
    }
}
