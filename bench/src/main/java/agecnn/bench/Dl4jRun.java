package agecnn.bench;

import agecnn.nets.FastPath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One timed DL4J run of the baseline CNN on random data, in its own JVM (so that its peak RSS is
 * its own): training then inference images/s, printed as one JSON line like bench/torch_cnn.py's.
 */
final class Dl4jRun {

    private Dl4jRun() {}

    static String run(BenchOptions o) {
        Nd4j.getEnvironment().setMaxThreads(o.threads);
        Nd4j.getRandom().setSeed(o.seed);
        Supplier<MultiLayerNetwork> make = () -> o.oneDnnPooling ? FastPath.withoutOwnPooling(BenchCnn.build(o.config()))
                : o.ownPooling ? FastPath.withOwnPooling(BenchCnn.build(o.config())) : BenchCnn.build(o.config());
        MultiLayerNetwork net = o.plain ? FastPath.withHelpersDisabled(make) : make.get();

        INDArray x = Nd4j.rand(DataType.FLOAT, o.batch, 3, o.size, o.size);
        INDArray y = oneHot(o.batch, o.classes, o.seed);
        DataSet ds = new DataSet(x, y);

        double[] train = imagesPerSecond(() -> net.fit(ds), o);
        double[] infer = imagesPerSecond(() -> net.output(x, false), o.withSeconds(o.seconds / 2));
        if (o.profile) System.err.print(LayerTimes.measure(net, x, y, 10));

        return String.format(Locale.ROOT,
                "{\"engine\": \"dl4j %s\", \"size\": %d, \"batch\": %d, \"threads\": %d, "
                        + "\"helpers\": %b, \"train_ips\": %.2f, \"infer_ips\": %.2f, \"train_ips_best\": %.2f, "
                        + "\"infer_ips_best\": %.2f, \"peak_rss_mb\": %.1f}",
                o.plain ? "plain" : FastPath.pools2x2Fast(net) ? "onednn+own-pool" : "onednn", o.size, o.batch, o.threads, FastPath.helpersActive(net),
                train[0], infer[0], train[1], infer[1], PeakRss.ofThisProcessMb());
    }

    /**
     * Warm-up steps, then steps until both the minimum count and the minimum time are reached.
     * Images/s from the median step and from the fastest step: on a shared machine the median
     * resists bursts of load that a plain mean would take in, and the fastest shows the
     * undisturbed speed.
     */
    static double[] imagesPerSecond(Runnable step, BenchOptions o) {
        for (int i = 0; i < o.warmup; i++) step.run();
        List<Double> times = new ArrayList<>();
        long start = System.nanoTime();
        double elapsed;
        do {
            long t = System.nanoTime();
            step.run();
            times.add((System.nanoTime() - t) / 1e9);
            elapsed = (System.nanoTime() - start) / 1e9;
        } while (times.size() < o.minIters || elapsed < o.seconds);
        double[] v = times.stream().mapToDouble(Double::doubleValue).toArray();
        return new double[] {o.batch / SpeedBench.median(v), o.batch / Arrays.stream(v).min().orElseThrow()};
    }

    static INDArray oneHot(int rows, int classes, long seed) {
        java.util.Random r = new java.util.Random(seed);
        INDArray y = Nd4j.zeros(DataType.FLOAT, rows, classes);
        for (int i = 0; i < rows; i++) y.putScalar(i, r.nextInt(classes), 1f);
        return y;
    }
}
