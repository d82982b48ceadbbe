package agecnn.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

/**
 * How an epoch's mini-batches update a network: here, one batch after another
 * ({@link #local()}), or on a Spark cluster (the spark build's {@code agecnn.spark.SparkEpochFitter}).
 * The {@link Trainer} makes the batches (order, augmentation, one at a time, as the fitter asks
 * for them) and does everything else: scoring, checkpoints, early stopping. A fitter only turns
 * the batches into updated weights, and leaves them in the network it was given.
 */
public interface EpochFitter {

    /** The engine name of {@link #local()}. */
    String LOCAL = "this machine";

    /**
     * Fits {@code net} on the batches, in their order, leaving the updated weights (and updater
     * state) in that same object.
     *
     * @param examplesDone told once per batch fitted, with that batch's number of examples (progress)
     * @return the mean training loss of the epoch's examples
     */
    double fit(ComputationGraph net, Iterator<DataSet> batches, IntConsumer examplesDone);

    /**
     * Facts about the engine, kept with the saved model's training info: at least {@code engine}
     * (e.g. {@value #LOCAL} or {@code spark}), and for a cluster its master, workers, ...
     */
    Map<String, Object> describe();

    /** The engine's name: part of a checkpoint's fingerprint, so one engine never resumes another's run. */
    default String engine() {
        return String.valueOf(describe().get("engine"));
    }

    /** One line for people and for metrics.json: the engine, then its other facts. */
    default String summary() {
        Map<String, Object> d = new LinkedHashMap<>(describe());
        Object engine = d.remove("engine");
        if (d.isEmpty()) return String.valueOf(engine);
        return engine + " (" + d.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + ")";
    }

    /**
     * This machine: {@code net.fit} on each batch in turn, the loss of each batch weighted by its
     * size. What the trainer always did.
     */
    static EpochFitter local() {
        return Local.INSTANCE;
    }

    /** See {@link #local()}. */
    final class Local implements EpochFitter {
        static final Local INSTANCE = new Local();

        private Local() {}

        @Override
        public double fit(ComputationGraph net, Iterator<DataSet> batches, IntConsumer examplesDone) {
            double lossSum = 0;
            long n = 0;
            while (batches.hasNext()) {
                DataSet ds = batches.next();
                int k = ds.numExamples();
                net.fit(ds);
                lossSum += net.score() * k;
                n += k;
                examplesDone.accept(k);
            }
            return lossSum / n;
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("engine", LOCAL);
        }

        @Override
        public String toString() {
            return LOCAL;
        }
    }
}
