package agecnn.serve;

import agecnn.io.Fetcher;
import agecnn.predict.ModelChoice;
import agecnn.predict.PredictCommand;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code ./agecnn serve [options]}: the predictor as a web page and a JSON API
 * ({@link PredictServer}), on 127.0.0.1:8080 unless told otherwise, with the model that
 * {@code ./agecnn predict} would take. Prints the address on stdout, one line per request on
 * stderr, and stops cleanly on Ctrl-C (the requests under way are answered first). Exit 2: bad
 * usage, no model, or the address cannot be listened on.
 */
public final class ServeCommand {

    @Command(name = "./agecnn serve", separator = " ", sortOptions = false, usageHelpWidth = 100,
            synopsisHeading = "usage: ", customSynopsis = "./agecnn serve [options]",
            description = {"Serves the predictor: a web page at / (choose, drop or paste a photo; a webcam snapshot) and a "
                    + "JSON API (POST /api/predict, GET /api/model, GET /api/health). See docs/serve.md."},
            optionListHeading = "options:%n", exitCodeListHeading = "exit status:%n",
            exitCodeList = {"130:stopped by Ctrl-C (143: by SIGTERM), after answering the requests under way",
                    "2:bad usage, no model, or the address cannot be listened on"})
    static final class Arguments {

        @Option(names = "--port", paramLabel = "P", defaultValue = "8080", description = "the port (default ${DEFAULT-VALUE}; 0: any free one)")
        int port;

        @Option(names = "--host", paramLabel = "H", defaultValue = ServeOptions.LOOPBACK,
                description = "the address to listen on (default ${DEFAULT-VALUE}, this machine only; 0.0.0.0: every "
                        + "network, with a warning)")
        String host;

        @Option(names = "--model", paramLabel = "FILE", description = "the saved model (default: $MODEL, else the newest "
                + "reports/*/models/best.zip)")
        Path model;

        @Option(names = "--no-detect", description = "take each image as a face crop (as UTKFace's), no face detection")
        boolean noDetect;

        @Option(names = "--workers", paramLabel = "N", defaultValue = "2",
                description = "predictions at once, each with its own copy of the model (default ${DEFAULT-VALUE})")
        int workers;

        @Option(names = "--queue", paramLabel = "N", defaultValue = "8",
                description = "requests waiting for a worker; more are answered 503 (default ${DEFAULT-VALUE})")
        int queue;

        @Option(names = "--max-mb", paramLabel = "MB", defaultValue = "10",
                description = "the largest upload or downloaded image, in MB (default ${DEFAULT-VALUE})")
        int maxMb;

        @Option(names = "--max-megapixels", paramLabel = "MP", defaultValue = "40",
                description = "the largest image, width times height (default ${DEFAULT-VALUE})")
        int maxMegapixels;

        @Option(names = "--time-limit", paramLabel = "S", defaultValue = "30",
                description = "seconds from a request to its answer, else 503 (default ${DEFAULT-VALUE})")
        int timeLimit;

        @Option(names = "--allow-private-urls", description = "fetch URLs that resolve to loopback, private, link-local or "
                + "metadata addresses even when listening beyond loopback (a lab network)")
        boolean allowPrivateUrls;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
        boolean help;
    }

    /** The checked command line. */
    record Options(ServeOptions serve, Path model) {}

    /** A server started, or the exit status when none was (0 after --help, 2 on an error). */
    record Started(PredictServer server, int exit) {}

    private ServeCommand() {}

    public static void main(String[] args) {
        String project = System.getenv("PROJECT_DIR");
        Path projectDir = project == null || project.isBlank() ? Path.of("").toAbsolutePath() : Path.of(project);
        Started started = start(args, System.out, System.err, System.getenv(), projectDir);
        if (started.server() == null) System.exit(started.exit());
        PredictServer server = started.server();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("stopping (answering the requests under way) ...");
            server.close();
            System.err.println("stopped");
        }, "serve-shutdown"));
        try {
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Parses, checks and starts; no server after --help (usage printed) or on an error (said on {@code err}). */
    static Started start(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Path projectDir) {
        Arguments a = new Arguments();
        CommandLine cli = new CommandLine(a).setOverwrittenOptionsAllowed(true);
        Options o;
        try {
            cli.parseArgs(args);
            if (cli.isUsageHelpRequested()) {
                cli.usage(out, Help.Ansi.OFF);
                return new Started(null, 0);
            }
            o = resolve(cli, a, env, projectDir);
        } catch (ParameterException e) {
            err.println(e.getMessage());
            cli.usage(err, Help.Ansi.OFF);
            return new Started(null, 2);
        }
        ServeOptions s = o.serve();
        for (String w : warnings(s)) err.println(w);
        PredictServer server;
        try {
            server = PredictServer.start(s, o.model(), PredictCommand.settings(env, projectDir), line -> {
                err.println(line);
                err.flush();
            });
        } catch (IOException | RuntimeException e) {
            err.println("cannot serve " + o.model() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return new Started(null, 2);
        }
        out.println("Model " + server.model().name() + " (" + o.model() + "), faces: "
                + (s.detect() ? "detected" : "not detected (--no-detect)") + ", " + s.workers() + " workers, queue " + s.queue());
        out.println("Serving on " + server.uri() + "  (the page; API: POST /api/predict, GET /api/model, GET /api/health). "
                + "Ctrl-C stops.");
        for (String other : otherAddresses(s.host(), server.port())) out.println("  and on " + other);
        out.flush();
        return new Started(server, 0);
    }

    /** The checked options: numbers in range, and the model as {@code ./agecnn predict} chooses it. */
    static Options resolve(CommandLine cli, Arguments a, Map<String, String> env, Path projectDir) {
        Path model;
        ServeOptions s;
        try {
            if (a.maxMb < 1 || a.maxMb > 200) throw new IllegalArgumentException("--max-mb must be 1 to 200, got " + a.maxMb);
            if (a.maxMegapixels < 1 || a.maxMegapixels > 130) {
                throw new IllegalArgumentException("--max-megapixels must be 1 to 130, got " + a.maxMegapixels);
            }
            if (a.timeLimit < 1 || a.timeLimit > 600) throw new IllegalArgumentException("--time-limit must be 1 to 600 s, got " + a.timeLimit);
            s = ServeOptions.defaults().withHost(a.host.trim()).withPort(a.port).withDetect(!a.noDetect)
                    .withWorkers(a.workers, a.queue).withMaxBytes((long) a.maxMb << 20).withMaxPixels(a.maxMegapixels * 1_000_000L)
                    .withTimeLimit(Duration.ofSeconds(a.timeLimit))
                    .withUrls(a.allowPrivateUrls ? ServeOptions.UrlPolicy.ANY : ServeOptions.UrlPolicy.AUTO);
            s = s.withUrlLimits(urlLimitsWithin(s.urlLimits(), s.timeLimit()));
            model = ModelChoice.choose(a.model, env, projectDir);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cli, e.getMessage());
        }
        return new Options(s, model);
    }

    /**
     * The download limits shortened, where needed, to two thirds of the request's time limit, so
     * that a slow URL fails as such (502) before the request's time is up (503).
     */
    static Fetcher.Limits urlLimitsWithin(Fetcher.Limits l, Duration timeLimit) {
        Duration most = timeLimit.multipliedBy(2).dividedBy(3);
        if (l.total().compareTo(most) <= 0) return l;
        return new Fetcher.Limits(min(l.connect(), most), min(l.read(), most), most, l.maxBytes(), l.maxRedirects());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** For a server on every interface (0.0.0.0, ::), its address on each network of this machine: what to give the room. */
    static List<String> otherAddresses(String host, int port) {
        if (!host.equals("0.0.0.0") && !host.equals("::") && !host.equals("[::]")) return List.of();
        List<String> out = new ArrayList<>();
        try {
            for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!n.isUp() || n.isLoopback()) continue;
                for (InetAddress a : Collections.list(n.getInetAddresses())) {
                    if (a instanceof Inet4Address) out.add("http://" + a.getHostAddress() + ":" + port + "/  (" + n.getName() + ")");
                }
            }
        } catch (SocketException e) {
            // no list: the address printed above is enough
        }
        return out;
    }

    /** What to say before listening beyond loopback. */
    static List<String> warnings(ServeOptions s) {
        if (s.loopbackOnly()) return List.of();
        String who = "WARNING: listening on " + s.host() + ": every machine that can reach this one can use the model.";
        return List.of(who, s.publicUrlsOnly()
                ? "URLs that resolve to loopback, private, link-local or metadata addresses are refused (--allow-private-urls "
                + "allows them on a lab network)."
                : "WARNING: --allow-private-urls: anyone who can reach this server can make it fetch from this machine "
                + "and its network.");
    }
}
