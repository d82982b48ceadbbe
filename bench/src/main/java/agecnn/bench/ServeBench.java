package agecnn.bench;

import agecnn.data.ImageDecoder;
import agecnn.notebook.SyntheticScene;
import agecnn.predict.ModelChoice;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The load benchmark of {@code ./agecnn serve} ({@code ./agecnn serve-bench}): starts the server
 * as its own process on a free loopback port, as the launcher starts it, then N clients post the
 * same photo to {@code /api/predict} for T seconds, each sending its next request as soon as its
 * last is answered. Prints requests per second, latency percentiles, errors by status and the
 * server process's peak resident memory (VmHWM), then stops the server with SIGTERM, as Ctrl-C
 * does. Exit 1 when a request failed although the clients were no more than the workers plus the
 * queue (the server must then answer every one).
 */
public final class ServeBench {

    @Command(name = "./agecnn serve-bench", separator = " ", sortOptions = false, usageHelpWidth = 100,
            synopsisHeading = "usage: ", customSynopsis = "./agecnn serve-bench [options]",
            description = "N clients post one photo to the server's /api/predict for T seconds on loopback; prints "
                    + "requests/s, latency p50/p95/p99, errors and the server's peak resident memory.",
            optionListHeading = "options:%n", exitCodeListHeading = "exit status:%n",
            exitCodeList = {"0:measured", "1:errors below the queue limit, or the server failed", "2:bad usage"})
    static final class Options {
        @Option(names = "--clients", paramLabel = "N", defaultValue = "4", description = "concurrent clients (default ${DEFAULT-VALUE})")
        int clients;

        @Option(names = "--seconds", paramLabel = "T", defaultValue = "30", description = "measured seconds (default ${DEFAULT-VALUE})")
        int seconds;

        @Option(names = "--warmup", paramLabel = "S", defaultValue = "5", description = "seconds of load before measuring (default ${DEFAULT-VALUE})")
        int warmup;

        @Option(names = "--model", paramLabel = "FILE", description = "the saved model (default: as ./agecnn predict chooses)")
        Path model;

        @Option(names = "--image", paramLabel = "FILE", description = "the photo to send (default: a 960x640 scene of three "
                + "UTKFace faces, composed now)")
        Path image;

        @Option(names = "--workers", paramLabel = "N", defaultValue = "2", description = "the server's workers (default ${DEFAULT-VALUE})")
        int workers;

        @Option(names = "--queue", paramLabel = "N", defaultValue = "8", description = "the server's queue (default ${DEFAULT-VALUE})")
        int queue;

        @Option(names = "--no-detect", description = "the server takes each image as a face crop")
        boolean noDetect;

        @Option(names = "--server-jvm", paramLabel = "OPTS", defaultValue = "-Xmx2g -Dorg.bytedeco.javacpp.maxbytes=4G",
                description = "the server's JVM options (default: ${DEFAULT-VALUE}, as ./agecnn serve)")
        String serverJvm;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
        boolean help;
    }

    /**
     * What the clients saw.
     *
     * @param latenciesMs of the answered requests (HTTP 200) only
     */
    record Result(int requests, double seconds, double[] latenciesMs, Map<Integer, Integer> byStatus, int failures) {
        int answered() {
            return byStatus.getOrDefault(200, 0);
        }

        int errors() {
            int e = failures;
            for (Map.Entry<Integer, Integer> s : byStatus.entrySet()) if (s.getKey() != 200) e += s.getValue();
            return e;
        }
    }

    private static final Pattern ADDRESS = Pattern.compile("Serving on (http://\\S+)");

    private ServeBench() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) throws Exception {
        Options o = new Options();
        CommandLine cli = new CommandLine(o).setOverwrittenOptionsAllowed(true);
        Path project = projectDir(env);
        Path model;
        byte[] image;
        String imageSays;
        try {
            cli.parseArgs(args);
            if (cli.isUsageHelpRequested()) {
                cli.usage(out, Help.Ansi.OFF);
                return 0;
            }
            if (o.clients < 1 || o.clients > 256) throw new ParameterException(cli, "--clients must be 1 to 256");
            if (o.seconds < 1 || o.warmup < 0) throw new ParameterException(cli, "--seconds must be at least 1, --warmup 0 or more");
            try {
                model = ModelChoice.choose(o.model, env, project);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cli, e.getMessage());
            }
            if (o.image != null) {
                image = Files.readAllBytes(o.image);
                imageSays = o.image + " (" + image.length / 1024 + " kB)";
            } else {
                Path data = dataDir(env, project);
                if (!Files.isDirectory(data)) {
                    throw new ParameterException(cli, "no UTKFace images at " + data + " to compose the photo: set UTKFACE_DIR or give --image");
                }
                image = scene(data);
                imageSays = "a 960x640 scene of 3 UTKFace faces (" + image.length / 1024 + " kB)";
            }
        } catch (ParameterException e) {
            err.println(e.getMessage());
            cli.usage(err, Help.Ansi.OFF);
            return 2;
        }

        String loadBefore = loadAverage();
        Path log = Files.createTempFile("serve-bench", ".log");
        Process server = startServer(o, model, project, log);
        try {
            URI base = awaitAddress(server, log);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest post = HttpRequest.newBuilder(base.resolve("/api/predict")).timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "image/jpeg").POST(HttpRequest.BodyPublishers.ofByteArray(image)).build();
            HttpResponse<String> first = http.send(post, HttpResponse.BodyHandlers.ofString());
            if (first.statusCode() != 200) {
                err.println("the server answered the photo with HTTP " + first.statusCode() + ": " + first.body());
                return 1;
            }
            int faces = first.body().split("\"expected_age\"", -1).length - 1;
            if (o.warmup > 0) load(http, post, o.clients, o.warmup);
            Result r = load(http, post, o.clients, o.seconds);
            double rss = peakRssMb(server.pid());
            boolean clean = stop(server);
            out.print(report(o, r, model, imageSays, faces, rss, clean));
            out.println("load avg   : " + loadBefore + " before, " + loadAverage() + " after (1 min; the whole machine's, "
                    + "other processes too)");
            boolean withinQueue = o.clients <= o.workers + o.queue;
            if (r.errors() > 0 && withinQueue) {
                err.println(r.errors() + " requests failed with " + o.clients + " clients, within the " + (o.workers + o.queue)
                        + " the server takes (workers + queue); its log: " + log);
                return 1;
            }
            return clean ? 0 : 1;
        } finally {
            if (server.isAlive()) server.destroyForcibly();
        }
    }

    static Path projectDir(Map<String, String> env) {
        String p = env.get("PROJECT_DIR");
        return p == null || p.isBlank() ? Path.of("").toAbsolutePath() : Path.of(p);
    }

    static Path dataDir(Map<String, String> env, Path project) {
        String d = env.get("UTKFACE_DIR");
        return d != null && !d.isBlank() ? Path.of(d) : project.resolve("../shared/data/utkface").normalize();
    }

    /** Three UTKFace faces of different ages on a busy background, as a JPEG. */
    static byte[] scene(Path data) throws IOException {
        String[] faces = {"26_0_1_20170103210459306.jpg.chip.jpg", "42_0_0_20170104183950934.jpg.chip.jpg",
                "72_0_0_20170111222541402.jpg.chip.jpg"};
        SyntheticScene s = new SyntheticScene(960, 640, 5)
                .place("26", ImageDecoder.readRgb(data.resolve(faces[0])), 220, 300, 210, 0)
                .place("42", ImageDecoder.readRgb(data.resolve(faces[1])), 540, 250, 170, 8)
                .place("72", ImageDecoder.readRgb(data.resolve(faces[2])), 800, 450, 150, -6);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(s.image(), "jpg", bytes);
        return bytes.toByteArray();
    }

    /** {@code ./agecnn serve} as its own JVM (this class path), on a free loopback port; its stdout is read for the address. */
    static Process startServer(Options o, Path model, Path project, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(o.serverJvm.trim().split("\\s+")));
        cmd.add("-Djava.awt.headless=true");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "agecnn.serve.ServeCommand", "--port", "0",
                "--model", model.toString(), "--workers", Integer.toString(o.workers), "--queue", Integer.toString(o.queue)));
        if (o.noDetect) cmd.add("--no-detect");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(log.toFile());
        pb.environment().put("PROJECT_DIR", project.toString());
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        return pb.start();
    }

    /** The address the server prints once it listens (at most 3 minutes: it loads a model per worker). */
    static URI awaitAddress(Process server, Path log) throws IOException, InterruptedException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        ConcurrentLinkedQueue<String> found = new ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> {
            try {
                for (String l; (l = lines.readLine()) != null; ) {
                    Matcher m = ADDRESS.matcher(l);
                    if (m.find()) found.add(m.group(1));
                }
            } catch (IOException e) {
                // the server ended
            }
        }, "serve-bench-stdout");
        reader.setDaemon(true);
        reader.start();
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (found.isEmpty()) {
            if (!server.isAlive()) throw new IllegalStateException("the server stopped (exit " + server.exitValue() + "): "
                    + Files.readString(log));
            if (System.nanoTime() > end) throw new IllegalStateException("the server did not start in 3 minutes: " + Files.readString(log));
            Thread.sleep(100);
        }
        return URI.create(found.peek());
    }

    /**
     * {@code clients} threads, each posting as soon as its last answer came, for {@code seconds};
     * after a 503 a client waits as long as its Retry-After says (at most until the end), as a
     * polite client does.
     */
    static Result load(HttpClient http, HttpRequest post, int clients, int seconds) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<Void> r = http.send(post, HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() == 200) latencies.add((System.nanoTime() - t0) / 1e6);
                        statuses.add(r.statusCode());
                        if (r.statusCode() == 503) {
                            long wait = TimeUnit.SECONDS.toNanos(r.headers().firstValueAsLong("Retry-After").orElse(1));
                            long sleep = Math.min(wait, end - System.nanoTime());
                            if (sleep > 0) TimeUnit.NANOSECONDS.sleep(sleep);
                        }
                    } catch (IOException e) {
                        failures.add(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "client-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join();
        double took = (System.nanoTime() - start) / 1e9;
        Map<Integer, Integer> by = new TreeMap<>();
        for (int s : statuses) by.merge(s, 1, Integer::sum);
        double[] ms = latencies.stream().mapToDouble(Double::doubleValue).toArray();
        return new Result(statuses.size() + failures.size(), took, ms, by, failures.size());
    }

    /** The nearest-rank percentile {@code p} (0 to 100) of {@code values}; NaN when there are none. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) return Double.NaN;
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    /** The peak resident memory (VmHWM) of process {@code pid}, in MiB; -1 where /proc does not say. */
    static double peakRssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process ended
        }
        return -1;
    }

    /** SIGTERM, as Ctrl-C; true when the server then ended by itself within 30 s. */
    static boolean stop(Process server) throws InterruptedException {
        server.destroy();
        return server.waitFor(30, TimeUnit.SECONDS);
    }

    /** The 1-minute load average of the machine, or "?". */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** This machine's CPU, as lscpu's "Model name" says it. */
    static String cpu() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).trim();
            }
        } catch (IOException e) {
            // not Linux
        }
        return "unknown CPU";
    }

    static String report(Options o, Result r, Path model, String image, int faces, double rssMb, boolean clean) {
        double[] ms = r.latenciesMs();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "serve-bench: %d clients for %d s on loopback (after %d s of warm-up), %s, %d cores%n",
                o.clients, o.seconds, o.warmup, cpu(), Runtime.getRuntime().availableProcessors()));
        sb.append(String.format(Locale.ROOT, "server     : %s, %d workers, queue %d, faces %s; photo: %s, %d faces found%n",
                model, o.workers, o.queue, o.noDetect ? "not detected" : "detected", image, faces));
        sb.append(String.format(Locale.ROOT, "requests   : %d answered in %.1f s = %.2f/s (%d sent)%n", r.answered(), r.seconds(),
                r.answered() / r.seconds(), r.requests()));
        sb.append(String.format(Locale.ROOT, "latency ms : p50 %.0f  p95 %.0f  p99 %.0f  max %.0f (of the answered)%n", percentile(ms, 50),
                percentile(ms, 95), percentile(ms, 99), percentile(ms, 100)));
        StringBuilder by = new StringBuilder();
        r.byStatus().forEach((s, n) -> {
            if (s != 200) by.append(by.length() == 0 ? "" : ", ").append("HTTP ").append(s).append(": ").append(n);
        });
        if (r.failures() > 0) by.append(by.length() == 0 ? "" : ", ").append("no answer: ").append(r.failures());
        sb.append(String.format(Locale.ROOT, "errors     : %d%s%n", r.errors(), by.length() == 0 ? "" : " (" + by + ")"));
        sb.append(String.format(Locale.ROOT, "peak RSS   : %.0f MiB (the server process, VmHWM)%n", rssMb));
        sb.append("stopped    : ").append(clean ? "cleanly on SIGTERM" : "NOT within 30 s of SIGTERM").append('\n');
        return sb.toString();
    }
}
