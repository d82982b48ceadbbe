package agecnn.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;

/**
 * The speed benchmark's settings, from {@code --key value} arguments. Unset model settings
 * (cache, workspace) keep {@link BenchCnn}'s defaults, so the bench measures what the
 * project runs.
 */
final class BenchOptions {

    List<Integer> sizes = List.of(64, 128);
    int size = 64;
    int batch = 32;
    int threads = 2;
    int classes = 12;
    int warmup = 3;
    double seconds = 5;
    int minIters = 5;
    long seed = 42;
    int repeats = 3;
    boolean plain;
    boolean profile;
    boolean worker;
    boolean skipTorch;
    CacheMode cache;
    WorkspaceMode workspace;
    CNN2DFormat format;
    String python = "/usr/bin/python3";
    String script = "bench/torch_cnn.py";

    static BenchOptions parse(String[] args) {
        BenchOptions o = new BenchOptions();
        for (int i = 0; i < args.length; i++) {
            String key = args[i];
            switch (key) {
                case "--worker" -> o.worker = true;
                case "--plain" -> o.plain = true;
                case "--profile" -> o.profile = true;
                case "--skip-torch" -> o.skipTorch = true;
                default -> {
                    if (i + 1 >= args.length) throw new IllegalArgumentException(key + " needs a value");
                    o.set(key, args[++i]);
                }
            }
        }
        return o;
    }

    private void set(String key, String v) {
        switch (key) {
            case "--sizes" -> sizes = Arrays.stream(v.split(",")).map(s -> Integer.parseInt(s.trim())).toList();
            case "--size" -> size = Integer.parseInt(v);
            case "--batch" -> batch = Integer.parseInt(v);
            case "--threads" -> threads = Integer.parseInt(v);
            case "--classes" -> classes = Integer.parseInt(v);
            case "--warmup" -> warmup = Integer.parseInt(v);
            case "--seconds" -> seconds = Double.parseDouble(v);
            case "--min-iters" -> minIters = Integer.parseInt(v);
            case "--seed" -> seed = Long.parseLong(v);
            case "--repeats" -> repeats = Integer.parseInt(v);
            case "--cache" -> cache = CacheMode.valueOf(v.toUpperCase(Locale.ROOT));
            case "--workspace" -> workspace = WorkspaceMode.valueOf(v.toUpperCase(Locale.ROOT));
            case "--format" -> format = CNN2DFormat.valueOf(v.toUpperCase(Locale.ROOT));
            case "--python" -> python = v;
            case "--script" -> script = v;
            default -> throw new IllegalArgumentException("unknown option " + key);
        }
    }

    /** The network configuration of one run: the project's, with any overrides asked for. */
    MultiLayerConfiguration config() {
        MultiLayerConfiguration conf = format == null ? BenchCnn.config(size, classes, seed)
                : BenchCnn.config(size, classes, seed, BenchCnn.DEFAULT_FILTERS, BenchCnn.DEFAULT_DENSE, format);
        if (workspace != null) {
            conf.setTrainingWorkspaceMode(workspace);
            conf.setInferenceWorkspaceMode(workspace);
        }
        if (cache != null) {
            conf.setCacheMode(cache);
            for (NeuralNetConfiguration layer : conf.getConfs()) layer.setCacheMode(cache);
        }
        return conf;
    }

    /** The arguments that make a worker run this configuration at one size. */
    List<String> workerArgs(int atSize) {
        List<String> a = new ArrayList<>(List.of("--worker", "--size", "" + atSize, "--batch", "" + batch,
                "--threads", "" + threads, "--classes", "" + classes, "--warmup", "" + warmup,
                "--seconds", "" + seconds, "--min-iters", "" + minIters, "--seed", "" + seed));
        if (plain) a.add("--plain");
        if (profile) a.add("--profile");
        if (cache != null) a.addAll(List.of("--cache", cache.name()));
        if (workspace != null) a.addAll(List.of("--workspace", workspace.name()));
        if (format != null) a.addAll(List.of("--format", format.name()));
        return a;
    }

    /** The same run for bench/torch_cnn.py. */
    List<String> torchArgs(int atSize) {
        List<String> a = new ArrayList<>(List.of(python, script, "--size", "" + atSize, "--batch", "" + batch,
                "--threads", "" + threads, "--classes", "" + classes, "--warmup", "" + warmup,
                "--seconds", "" + seconds, "--min-iters", "" + minIters, "--seed", "" + seed));
        if (profile) a.add("--profile");
        return a;
    }

    BenchOptions withSeconds(double s) {
        BenchOptions o = copy();
        o.seconds = s;
        return o;
    }

    private BenchOptions copy() {
        BenchOptions o = parse(workerArgs(size).toArray(new String[0]));
        o.sizes = sizes;
        o.repeats = repeats;
        o.python = python;
        o.script = script;
        o.skipTorch = skipTorch;
        return o;
    }
}
