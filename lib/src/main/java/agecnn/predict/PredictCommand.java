package agecnn.predict;

import agecnn.config.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code ./agecnn predict [options] <url-or-file>...}: one JSON line per input on stdout, in
 * input order; an input that cannot be handled gets a line {@code {"input": ..., "error": ...}}
 * and the command goes on with the rest, then exits with 1. Whatever goes wrong with one input
 * stays with it, running out of memory included (said in one line, as a last resort: the
 * limits of docs/predict.md keep each input's memory bounded). Inputs are read and their faces
 * cut out one by one, then predicted in groups of up to {@link Predictor#BATCH} faces, each
 * group's lines printed, in input order, when it is done. Exit 2: bad usage or no model, with
 * the message and the usage on stderr. {@code --help}: the usage on stdout, exit 0.
 *
 * <p>The command line is read by picocli ({@link Arguments}). As before it, options and inputs
 * may come in any order, a repeated option takes its last value, an argument that starts with
 * {@code --} and is no option is an error, and any other argument ({@code -x.jpg} too) is an input.
 */
public final class PredictCommand {

    /** The command line as given; {@link #resolve} checks it and finds the model. */
    @Command(name = "./agecnn predict", separator = " ", sortOptions = false, sortSynopsis = false,
            synopsisHeading = "usage: ", customSynopsis = "./agecnn predict [options] <url-or-file>...",
            description = {"Predicts the age bin of each face in each photo (JPEG or PNG; a file path or an "
                    + "http/https URL) and prints one JSON line per input."},
            parameterListHeading = "arguments:%n", optionListHeading = "options:%n",
            exitCodeListHeading = "exit status:%n",
            exitCodeList = {"0:all inputs handled", "1:some input failed", "2:bad usage or no model"})
    static final class Arguments {

        @Option(names = "--model", paramLabel = "FILE", description = "the saved model (default: $MODEL, which is "
                + "${env:MODEL:-not set}; else the newest reports/*/models/best.zip)")
        Path model;

        @Option(names = "--table", description = "a readable table instead of JSON lines")
        boolean table;

        @Option(names = "--no-detect", description = "take each image as a face crop (as UTKFace's), no face detection")
        boolean noDetect;

        @Option(names = "--keep", paramLabel = "DIR",
                description = "keep downloaded images in DIR (named after the URL; never overwritten)")
        Path keep;

        @Option(names = "--overwrite", description = "with --keep: replace existing files")
        boolean overwrite;

        @Option(names = "--top", paramLabel = "K", defaultValue = "3", converter = TopConverter.class,
                description = "bins listed per face, 1 to 12 (default ${DEFAULT-VALUE})")
        int top;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
        boolean help;

        @Parameters(paramLabel = "<url-or-file>", arity = "0..*",
                description = "photos: files or http/https URLs, handled in the order given")
        List<String> inputs = new ArrayList<>();

        /**
         * The checked options: no unknown option, at least one input, and the model: --model, else
         * $MODEL (from {@code env}), else the newest reports/*&#47;models/best.zip under {@code projectDir}.
         */
        Options resolve(CommandLine cli, Map<String, String> env, Path projectDir) {
            String unknown = inputs.stream().filter(a -> a.startsWith("--")).findFirst().orElse(null);
            if (unknown != null) throw new UnmatchedArgumentException(cli, "Unknown option: '" + unknown + "'" + nearest(cli, unknown));
            if (inputs.isEmpty()) throw new ParameterException(cli, "no input: give one or more image files or URLs");
            Path file;
            try {
                file = ModelChoice.choose(model, env, projectDir);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cli, e.getMessage());
            }
            return new Options(file, table, !noDetect, keep, overwrite, top, List.copyOf(inputs));
        }

        /** " (did you mean --x?)" for an option that starts as {@code unknown} does after its "--" (as picocli suggests), else "". */
        private static String nearest(CommandLine cli, String unknown) {
            String stem = unknown.substring(2, Math.min(4, unknown.length()));
            if (stem.isEmpty()) return "";
            return cli.getCommandSpec().options().stream().flatMap(o -> Arrays.stream(o.names()))
                    .filter(n -> n.startsWith("--" + stem)).findFirst().map(n -> " (did you mean " + n + "?)").orElse("");
        }
    }

    /** --top: a whole number from 1 to 12. */
    static final class TopConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String v) {
            try {
                int k = Integer.parseInt(v);
                if (k >= 1 && k <= 12) return k;
            } catch (NumberFormatException e) {
                // said below
            }
            throw new TypeConversionException("a number from 1 to 12, got '" + v + "'");
        }
    }

    record Options(Path model, boolean table, boolean detect, Path keep, boolean overwrite, int top, List<String> inputs) {}

    private PredictCommand() {}

    /** The project folder (for reports/ and the detector's weights) is PROJECT_DIR, set by the launcher, else the working folder. */
    public static void main(String[] args) {
        String project = System.getenv("PROJECT_DIR");
        Path projectDir = project == null || project.isBlank() ? Path.of("").toAbsolutePath() : Path.of(project);
        System.exit(run(args, System.out, System.err, System.getenv(), projectDir));
    }

    /** The parser of {@link Arguments}: a repeated option takes its last value; other arguments are inputs unless they start with --. */
    static CommandLine commandLine(Arguments a) {
        return new CommandLine(a).setOverwrittenOptionsAllowed(true).setUnmatchedOptionsArePositionalParams(true);
    }

    /** The command, with its streams, environment and project folder given (for tests). */
    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Path projectDir) {
        Arguments a = new Arguments();
        CommandLine cli = commandLine(a);
        Options o;
        try {
            cli.parseArgs(args);
            if (cli.isUsageHelpRequested()) {
                cli.usage(out, Help.Ansi.OFF);
                return 0;
            }
            o = a.resolve(cli, env, projectDir);
        } catch (ParameterException e) {
            err.println(e.getMessage());
            cli.usage(err, Help.Ansi.OFF);
            return 2;
        }
        Settings settings;
        try {
            settings = settings(env, projectDir);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        Predictor predictor;
        try {
            predictor = Predictor.load(o.model(), settings, o.detect());
        } catch (IOException | RuntimeException e) {
            err.println("cannot load the model " + o.model() + ": " + e.getMessage());
            return 2;
        }
        Output output = new Output(o, out);
        try (predictor) {
            // Inputs are read, decoded and their faces cut out one by one, then predicted in groups:
            // up to Predictor.BATCH faces, or pictures holding GROUP_PIXELS, whichever comes first.
            List<Object> group = new ArrayList<>();   // Predictor.Prepared, or the error line of an input
            int faces = 0;
            long pixels = 0;
            for (String input : o.inputs()) {
                try {
                    Predictor.Prepared p = predictor.prepare(ImageInput.isUrl(input)
                            ? ImageInput.fromUrl(input, predictor.limits(), keepFile(o, input), o.overwrite())
                            : ImageInput.fromFile(Path.of(input)));
                    group.add(p);
                    faces += p.faceCount();
                    pixels += p.pixels();
                } catch (IOException | RuntimeException | OutOfMemoryError e) {
                    group.add(new Failed(input, message(e)));
                }
                if (faces >= Predictor.BATCH || pixels >= GROUP_PIXELS) {
                    output.group(predictor, group);
                    group.clear();
                    faces = 0;
                    pixels = 0;
                }
            }
            output.group(predictor, group);
        }
        if (o.table()) out.println(output.table.table().printAll());
        if (output.failed > 0) err.println(output.failed + " of " + o.inputs().size() + " inputs could not be handled");
        return output.failed > 0 ? 1 : 0;
    }

    /**
     * Pictures held while a group waits for the model: 2^25 pixels (128 MiB as RGB ints), so a
     * group of large photos is predicted before the next is read.
     */
    static final long GROUP_PIXELS = 1L << 25;

    /** An input that failed before the model, with its message. */
    private record Failed(String input, String message) {}

    /** Prints each group's lines in input order, counting the failures. */
    private static final class Output {
        final Options options;
        final PrintStream out;
        final PredictionTable table = new PredictionTable();
        int failed;

        Output(Options options, PrintStream out) {
            this.options = options;
            this.out = out;
        }

        void group(Predictor predictor, List<Object> group) {
            List<Predictor.Prepared> prepared = new ArrayList<>();
            for (Object g : group) if (g instanceof Predictor.Prepared p) prepared.add(p);
            List<ImagePrediction> predicted = null;
            String error = null;
            try {
                if (!prepared.isEmpty()) predicted = predictor.predict(prepared);
            } catch (RuntimeException | OutOfMemoryError e) {
                error = "the model failed on the group of " + prepared.size() + " inputs this one was in: " + message(e);
            }
            int k = 0;
            for (Object g : group) {
                if (g instanceof Failed f) fail(f.input(), f.message());
                else if (predicted == null) fail(((Predictor.Prepared) g).source(), error);
                else print(predicted.get(k++));
            }
            out.flush();
        }

        private void print(ImagePrediction p) {
            if (options.table()) table.add(p);
            else out.println(p.toJson(options.top()));
        }

        private void fail(String input, String message) {
            failed++;
            if (options.table()) table.addError(input, message);
            else out.println(ImagePrediction.errorJson(input, message));
        }
    }

    /** One line saying what went wrong; running out of memory is said as such (the input is too much for this heap). */
    static String message(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + e.getMessage() + ") while handling this input; the heap is "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /** The settings in force (WEIGHTS_DIR says where the face detector's model is), in the project folder. */
    public static Settings settings(Map<String, String> env, Path projectDir) {
        Map<String, String> values = new HashMap<>(env);
        values.put("PROJECT_DIR", projectDir.toString());
        return Settings.of(values);
    }

    /** The checked options of a command line (--help aside). @throws ParameterException on bad usage */
    static Options parse(String[] args, Map<String, String> env, Path projectDir) {
        Arguments a = new Arguments();
        CommandLine cli = commandLine(a);
        cli.parseArgs(args);
        return a.resolve(cli, env, projectDir);
    }

    /** Where --keep puts a URL's image: DIR/<last path segment>, or DIR/download.jpg. */
    private static Path keepFile(Options o, String url) {
        if (o.keep() == null) return null;
        String name = "";
        try {
            String path = URI.create(url.trim()).getPath();
            if (path != null) name = path.substring(path.lastIndexOf('/') + 1);
        } catch (IllegalArgumentException e) {
            // an invalid URL fails in the download with a clear message; the name does not matter
        }
        if (name.isBlank() || name.startsWith(".")) name = "download.jpg";
        return o.keep().resolve(name);
    }
}
