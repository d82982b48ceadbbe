package agecnn.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training and inference speed of the baseline CNN in DL4J (as the project runs it) against the
 * same network in PyTorch (bench/torch_cnn.py through /usr/bin/python3), same data shape, batch
 * and thread count, side by side in one run. Each measurement is a fresh process, DL4J and
 * PyTorch alternating, so that each peak RSS is its own and drifts in machine load hit both.
 * Prints a table of medians [min-max] over the repeats; the last line is
 * {@code train ratio: X}, the lowest over the sizes of the median DL4J/PyTorch training ratio.
 *
 * <p>Run with bench/run (it builds the class path and sets the JVM's memory limits), e.g.
 * {@code bench/run --sizes 64,128 --repeats 3}. Options: {@code bench/run --help} (see {@link BenchOptions});
 * {@code --profile} adds per-layer (DL4J) and per-op (PyTorch) times, {@code --plain} measures
 * DL4J without the OneDNN helpers.
 */
public final class SpeedBench {

    private static final Pattern NUMBER = Pattern.compile("\"(\\w+)\": (-?[0-9.]+)");
    private static final Pattern TEXT = Pattern.compile("\"(\\w+)\": \"([^\"]*)\"");

    private SpeedBench() {}

    public static void main(String[] args) throws Exception {
        BenchOptions o = new BenchOptions();
        OptionalInt stop = o.read(args, System.out, System.err);
        if (stop.isPresent()) {
            System.exit(stop.getAsInt());
            return;
        }
        if (o.worker) {
            System.out.println(Dl4jRun.run(o));
            System.exit(0); // native threads may linger
        }
        String cpu = Cpu.here(o.isa).line();
        System.out.printf(Locale.ROOT, "Baseline CNN speed: batch %d, %d threads, %d repeats, >= %.0f s per figure%n%s%n",
                o.batch, o.threads, o.repeats, o.seconds, cpu);
        Map<Integer, List<Map<String, String>>> dl4j = new LinkedHashMap<>();
        Map<Integer, List<Map<String, String>>> torch = new LinkedHashMap<>();
        for (int r = 1; r <= o.repeats; r++) {
            for (int size : o.sizes) {
                Map<String, String> d = runChild(javaCommand(o, size), o);
                dl4j.computeIfAbsent(size, k -> new ArrayList<>()).add(d);
                System.out.println("  run " + r + " size " + size + " dl4j:    " + d);
                if (o.skipTorch) continue;
                Map<String, String> t = runChild(o.torchArgs(size), o);
                torch.computeIfAbsent(size, k -> new ArrayList<>()).add(t);
                System.out.println("  run " + r + " size " + size + " pytorch: " + t);
            }
        }
        System.out.print(dataFigures(o));
        System.out.println(cpu);
        System.out.print(table(o, dl4j, torch));
    }

    /** Decode+resize and cache-read speed on real images, where the data is found (UTKFACE_DIR or ../shared). */
    static String dataFigures(BenchOptions o) {
        String env = System.getenv("UTKFACE_DIR");
        java.nio.file.Path dir = env != null && !env.isBlank() ? java.nio.file.Paths.get(env)
                : java.nio.file.Paths.get("../shared/data/utkface");
        if (!java.nio.file.Files.isDirectory(dir)) return "data   (no UTKFace images at " + dir + ": set UTKFACE_DIR to measure decode and cache reads)\n";
        StringBuilder sb = new StringBuilder();
        for (int size : o.sizes) {
            try {
                sb.append(DataPipelineBench.measure(dir, 2000, size)).append('\n');
            } catch (java.io.IOException e) {
                sb.append("data   not measured at ").append(size).append(" px: ").append(e.getMessage()).append('\n');
            }
        }
        return sb.toString();
    }

    static String table(BenchOptions o, Map<Integer, List<Map<String, String>>> dl4j,
                        Map<Integer, List<Map<String, String>>> torch) {
        StringBuilder sb = new StringBuilder();
        sb.append("img/s from the median step (best: fastest step); each cell median [min-max] over the repeats\n");
        sb.append(String.format(Locale.ROOT, FORMAT, "size", "engine", "train img/s", "infer img/s",
                "train best", "infer best", "peak RSS MiB"));
        double worstTrainRatio = Double.POSITIVE_INFINITY;
        for (int size : o.sizes) {
            List<Map<String, String>> d = dl4j.get(size);
            sb.append(row(size, d.get(0).get("engine"), k -> values(d, k)));
            if (o.skipTorch) continue;
            List<Map<String, String>> t = torch.get(size);
            sb.append(row(size, t.get(0).get("engine"), k -> values(t, k)));
            sb.append(row(size, "ratio dl4j/pytorch", k -> ratios(d, t, k)));
            worstTrainRatio = Math.min(worstTrainRatio, median(ratios(d, t, "train_ips")));
        }
        if (!o.skipTorch) sb.append(String.format(Locale.ROOT, "train ratio: %.3f%n", worstTrainRatio));
        return sb.toString();
    }

    private static final String FORMAT = "%-5s %-19s %-23s %-23s %-23s %-23s %-17s%n";
    private static final String[] COLUMNS = {"train_ips", "infer_ips", "train_ips_best", "infer_ips_best", "peak_rss_mb"};

    private static String row(int size, String engine, java.util.function.Function<String, double[]> column) {
        boolean ratio = engine.startsWith("ratio");
        Object[] cells = new Object[COLUMNS.length + 2];
        cells[0] = size;
        cells[1] = engine;
        for (int c = 0; c < COLUMNS.length; c++) {
            boolean memory = COLUMNS[c].equals("peak_rss_mb");
            cells[c + 2] = spread(column.apply(COLUMNS[c]), ratio ? (memory ? 2 : 3) : (memory ? 0 : 1));
        }
        return String.format(Locale.ROOT, FORMAT, cells);
    }

    private static double[] values(List<Map<String, String>> runs, String key) {
        return runs.stream().mapToDouble(m -> Double.parseDouble(m.get(key))).toArray();
    }

    /** Pairwise per repeat: run i of DL4J over run i of PyTorch, which ran right after it. */
    private static double[] ratios(List<Map<String, String>> d, List<Map<String, String>> t, String key) {
        double[] a = values(d, key);
        double[] b = values(t, key);
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i] / b[i];
        return r;
    }

    /** Median and range, e.g. {@code 81.2 [79.0-83.1]}. */
    static String spread(double[] v, int decimals) {
        double[] s = v.clone();
        Arrays.sort(s);
        String f = "%." + decimals + "f";
        if (s.length == 1) return String.format(Locale.ROOT, f, s[0]);
        return String.format(Locale.ROOT, f + " [" + f + "-" + f + "]", median(s), s[0], s[s.length - 1]);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** This JVM again (same java, memory limits and class path) as a worker for one size. */
    private static List<String> javaCommand(BenchOptions o, int size) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent")) cmd.add(a);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SpeedBench.class.getName()));
        cmd.addAll(o.workerArgs(size));
        return cmd;
    }

    /** Runs one measuring process; returns the fields of the JSON line it prints last. */
    private static Map<String, String> runChild(List<String> cmd, BenchOptions o) throws IOException, InterruptedException {
        Path err = Files.createTempFile("speedbench", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
            pb.environment().put("OMP_NUM_THREADS", Integer.toString(o.threads));
            pb.environment().putAll(Cpu.ceiling(o.isa));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            String stderr = Files.readString(err);
            if (o.profile) System.out.print(profileLines(stderr));
            String json = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
            if (rc != 0 || json == null) {
                throw new IllegalStateException("benchmark process failed (exit " + rc + "): " + String.join(" ", cmd)
                        + "\n" + out + "\n" + stderr);
            }
            return parse(json);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** The profile tables, without the libraries' log lines. */
    private static String profileLines(String stderr) {
        StringBuilder sb = new StringBuilder();
        for (String l : stderr.split("\n")) {
            if (!l.startsWith("[main]") && !l.startsWith("WARNING") && !l.isBlank()) sb.append(l).append('\n');
        }
        return sb.toString();
    }

    static Map<String, String> parse(String json) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher t = TEXT.matcher(json);
        while (t.find()) m.put(t.group(1), t.group(2));
        Matcher n = NUMBER.matcher(json);
        while (n.find()) m.put(n.group(1), n.group(2));
        return m;
    }
}
