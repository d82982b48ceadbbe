package agecnn.spark;

import agecnn.nets.FastPath;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens the Spark context a training runs in: a master URL ({@code local[2]}, {@code local[*]},
 * {@code spark://host:7077}, {@code yarn}, ...) and this project's defaults, each of which a
 * {@code -Dspark.*} system property overrides ({@link SparkConf} reads them).
 *
 * <p>Java 17: Spark 3.1 needs parts of java.base opened ({@code spark/java17.args}, a java argument
 * file: {@code java @spark/java17.args ...}). In {@code local[N]} the workers are threads of this
 * JVM, so the flags this JVM was started with are all they get; on a cluster the same flags are
 * forwarded to the executors' JVMs ({@code spark.executor.extraJavaOptions}).
 *
 * <p>The OneDNN fast path ({@link FastPath}): in {@code local[N]} the workers share this JVM, so
 * the switch {@link FastPath#enable()} set holds for them too. An executor of a cluster is a JVM
 * of its own, where no project code runs before the workers build their copies of the network,
 * so it gets the switch as a system property in the same extraJavaOptions; the other half of the
 * work-around, a shim class, comes with the application jar the executors are given
 * (spark-submit's, {@code target/spark/app/agecnn-spark-app.jar}). {@code FAST_PATH=false} on the
 * driver leaves it out. These are defaults ({@code setIfMissing}): {@code ./agecnn train} passes
 * the same options to spark-submit as {@code --conf}, which win (docs/spark.md).
 */
public final class SparkContexts {

    /** The java argument file with the flags, relative to the project root. */
    public static final String JAVA17_ARGS = "spark/java17.args";

    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?])?");

    private SparkContexts() {}

    /** A context for {@code master}, named {@code appName}; fails with the fix when java.base is not opened. */
    public static JavaSparkContext open(String master, String appName) {
        requireOpenedJavaBase();
        SparkConf conf = new SparkConf().setMaster(master).setAppName(appName);
        conf.setIfMissing("spark.ui.enabled", "false");
        if (isLocal(master)) {
            // One machine: bind to loopback, so a host name that does not resolve cannot stop it.
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        } else {
            conf.setIfMissing("spark.executor.extraJavaOptions", String.join(" ", executorJavaOptions()));
            // Each task trains its own copy of the network; with one task per core, one native thread each.
            conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1");
        }
        // Parameter averaging returns the summed parameters and updater state to the driver: for a big
        // network on images (VGG: 138 M parameters, 1.6 GB with Adam's state) more than the 1 GB default.
        conf.setIfMissing("spark.driver.maxResultSize", "0");
        return new JavaSparkContext(conf);
    }

    /** True for local, local[N], local[*] and local[N,F]. */
    public static boolean isLocal(String master) {
        return LOCAL.matcher(master.trim()).matches();
    }

    /**
     * Workers (task threads) of a local master: local is 1, local[N] is N, local[*] is every
     * processor; 0 for a cluster master, whose size only the cluster knows.
     */
    public static int localWorkers(String master) {
        Matcher m = LOCAL.matcher(master.trim());
        if (!m.matches()) return 0;
        if (m.group(1) == null) return 1;
        return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
    }

    /** Spark's reflection into java.base (DirectByteBuffer, Netty's cleaner, ...) fails obscurely without the flags. */
    static void requireOpenedJavaBase() {
        Module java = Object.class.getModule();
        Module us = SparkContexts.class.getModule();
        for (String pkg : List.of("java.nio", "sun.nio.ch", "java.lang.invoke", "java.util")) {
            if (!java.isOpen(pkg, us)) {
                throw new IllegalStateException("Spark on Java " + Runtime.version().feature() + " needs java.base/" + pkg
                        + " (and more) opened to it; start java with the flags in " + JAVA17_ARGS
                        + " (java @" + JAVA17_ARGS + " ...; ./agecnn train and the spark module's tests do this)");
            }
        }
    }

    /** What an executor's JVM needs: this JVM's java.base openings and, unless opted out, the fast path's switch. */
    static List<String> executorJavaOptions() {
        List<String> opts = new ArrayList<>(opensOfThisJvm());
        if (!FastPath.optedOut()) opts.add("-D" + FastPath.HELPERS_DISABLE + "=false");
        return opts;
    }

    /** This JVM's {@code --add-opens} flags (what spark/java17.args gave it). */
    static List<String> opensOfThisJvm() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens")).toList();
    }
}
