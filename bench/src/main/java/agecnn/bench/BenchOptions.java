package agecnn.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The speed benchmark's settings, from {@code --key value} arguments read by picocli (a repeated
 * option takes its last value; {@code --cache}, {@code --workspace} and {@code --format} in any
 * case). Unset model settings (cache, workspace, format) keep {@link BenchCnn}'s defaults, so the
 * bench measures what the project runs.
 */
@Command(name = "bench/run", separator = " ", sortOptions = false, usageHelpWidth = 100,
        synopsisHeading = "usage: ", customSynopsis = "bench/run [options]   (or ./agecnn bench [options])",
        description = "Training and inference speed of the baseline CNN in DL4J (as the project runs it) against the "
                + "same network in PyTorch, each figure from a fresh process; prints a table of medians [min-max] over the "
                + "repeats, the last line 'train ratio: X'.",
        optionListHeading = "options:%n",
        exitCodeListHeading = "exit status:%n",
        exitCodeList = {"0:measured", "1:a measurement failed (its output on stderr)", "2:bad usage"},
        footerHeading = "%n",
        footer = "Environment: UTKFACE_DIR (${env:UTKFACE_DIR:-not set, so ../shared/data/utkface}), the UTKFace "
                + "images for the decode and cache-read figures. Each measuring process runs with OMP_NUM_THREADS "
                + "set to --threads.")
final class BenchOptions {

    @Spec
    CommandSpec spec;

    List<Integer> sizes = List.of(64, 128);

    // order: listed first in the help (picocli lists the options of fields before those of methods)
    @Option(names = "--sizes", paramLabel = "N,N", defaultValue = "64,128", order = -2,
            description = "image sizes in px, each measured by both engines (default ${DEFAULT-VALUE})")
    void sizes(String list) {
        try {
            sizes = Arrays.stream(list.split(",")).map(s -> Integer.parseInt(s.trim())).toList();
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--sizes': '" + list + "' is not a list of whole numbers, as 64,128");
        }
    }

    @Option(names = "--repeats", paramLabel = "N",
            description = "rounds over the sizes; a table cell is the median [min-max] over them (default ${DEFAULT-VALUE})")
    int repeats = 3;

    @Option(names = "--batch", paramLabel = "N", description = "images per step (default ${DEFAULT-VALUE})")
    int batch = 32;

    @Option(names = "--threads", paramLabel = "N",
            description = "threads of each engine, also its OMP_NUM_THREADS (default ${DEFAULT-VALUE})")
    int threads = 2;

    @Option(names = "--classes", paramLabel = "N", description = "classes of the output layer (default ${DEFAULT-VALUE})")
    int classes = 12;

    @Option(names = "--warmup", paramLabel = "N", description = "untimed steps first (default ${DEFAULT-VALUE})")
    int warmup = 3;

    @Option(names = "--seconds", paramLabel = "S",
            description = "least seconds of timed training steps per figure; inference takes half (default ${DEFAULT-VALUE})")
    double seconds = 5;

    @Option(names = "--min-iters", paramLabel = "N", description = "least timed steps per figure (default ${DEFAULT-VALUE})")
    int minIters = 5;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the random data and weights (default ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--plain", description = "DL4J without the OneDNN helpers (im2col + gemm), for comparison")
    boolean plain;

    @Option(names = "--onednn-pooling", description = "DL4J's pooling layers on OneDNN's helper alone, never the project's "
            + "MaxPool2x2 (taken where OneDNN's is scalar: CPUs without AVX-512, or --isa avx2), for comparison")
    boolean oneDnnPooling;

    @Option(names = "--own-pooling", description = "DL4J's pooling layers on the project's MaxPool2x2 whatever the CPU, for comparison")
    boolean ownPooling;

    @Option(names = "--profile", description = "also per-layer (DL4J) and per-op (PyTorch) times")
    boolean profile;

    @Option(names = "--cache", paramLabel = "MODE",
            description = "DL4J's cache mode, one of ${COMPLETION-CANDIDATES} (default: BenchCnn's, DEVICE)")
    CacheMode cache;

    @Option(names = "--workspace", paramLabel = "MODE",
            description = "DL4J's workspace mode, one of ${COMPLETION-CANDIDATES} (default: BenchCnn's, ENABLED)")
    WorkspaceMode workspace;

    @Option(names = "--format", paramLabel = "LAYOUT",
            description = "the conv layers' layout, one of ${COMPLETION-CANDIDATES} (default: BenchCnn's, NCHW)")
    CNN2DFormat format;

    @Option(names = "--isa", paramLabel = "ISA", defaultValue = "native",
            description = "the instruction sets the measuring processes may use, one of ${COMPLETION-CANDIDATES}: avx2 holds "
                    + "OneDNN, PyTorch and OpenBLAS to the kernels they pick on an AVX2-only CPU (default ${DEFAULT-VALUE})")
    Cpu.Isa isa = Cpu.Isa.NATIVE;

    @Option(names = "--skip-torch", description = "DL4J only: no PyTorch runs, no ratios")
    boolean skipTorch;

    @Option(names = "--python", paramLabel = "FILE", description = "the Python that runs PyTorch (default ${DEFAULT-VALUE})")
    String python = "/usr/bin/python3";

    @Option(names = "--script", paramLabel = "FILE", description = "the PyTorch side (default ${DEFAULT-VALUE})")
    String script = "bench/torch_cnn.py";

    @Option(names = "--worker", description = "internal: measure one size (--size) in this process and print its JSON line")
    boolean worker;

    @Option(names = "--size", paramLabel = "N", description = "internal, with --worker: the size measured (default ${DEFAULT-VALUE})")
    int size = 64;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
    boolean help;

    /** The options of {@code args}. @throws ParameterException on bad usage */
    static BenchOptions parse(String[] args) {
        BenchOptions o = new BenchOptions();
        o.commandLine().parseArgs(args);
        return o;
    }

    /**
     * Reads {@code args} into these options. Empty: go on and measure. Otherwise the exit status: 0
     * after {@code --help} (the usage on {@code out}), 2 after bad usage (the message, then the
     * usage, on {@code err}).
     */
    OptionalInt read(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = commandLine();
        try {
            cli.parseArgs(args);
        } catch (ParameterException e) {
            err.println(message(e));
            cli.usage(err, Help.Ansi.OFF);
            return OptionalInt.of(2);
        }
        if (!cli.isUsageHelpRequested()) return OptionalInt.empty();
        cli.usage(out, Help.Ansi.OFF);
        return OptionalInt.of(0);
    }

    private CommandLine commandLine() {
        return new CommandLine(this).setOverwrittenOptionsAllowed(true).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** Picocli's message, but for an unknown option only that option (not the value after it), with the option it resembles. */
    static String message(ParameterException e) {
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty() && u.getUnmatched().get(0).startsWith("-")) {
            List<String> near = u.getSuggestions();
            return "Unknown option: '" + u.getUnmatched().get(0) + "'" + (near.isEmpty() ? "" : " (did you mean " + near.get(0) + "?)");
        }
        return e.getMessage();
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
        if (oneDnnPooling) a.add("--onednn-pooling");
        if (ownPooling) a.add("--own-pooling");
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
        o.isa = isa;
        return o;
    }
}
