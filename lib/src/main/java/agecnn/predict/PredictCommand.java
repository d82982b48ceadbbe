package agecnn.predict;

import agecnn.config.Params;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./agecnn predict [options] <url-or-file>...}: one JSON line per input on stdout, in
 * input order; an input that cannot be handled gets a line {@code {"input": ..., "error": ...}}
 * and the command goes on with the rest, then exits with 1. Exit 2: bad usage or no model.
 */
public final class PredictCommand {

    static final String USAGE = """
            usage: ./agecnn predict [options] <url-or-file>...
              Predicts the age bin of each face in each photo (JPEG or PNG; a file path or an
              http/https URL) and prints one JSON line per input.
            options:
              --model FILE   the saved model (default: $MODEL, else the newest reports/*/models/best.zip)
              --table        a readable table instead of JSON lines
              --no-detect    take each image as a face crop (as UTKFace's), no face detection
              --keep DIR     keep downloaded images in DIR (named after the URL; never overwritten)
              --overwrite    with --keep: replace existing files
              --top K        bins listed per face (default 3)
            exit status: 0 all inputs handled, 1 some input failed, 2 bad usage or no model
            """;

    record Options(Path model, boolean table, boolean detect, Path keep, boolean overwrite, int top, List<String> inputs) {}

    private PredictCommand() {}

    /** The project folder (for reports/ and the detector's weights) is PROJECT_DIR, set by the launcher, else the working folder. */
    public static void main(String[] args) {
        String project = System.getenv("PROJECT_DIR");
        Path projectDir = project == null || project.isBlank() ? Path.of("").toAbsolutePath() : Path.of(project);
        System.exit(run(args, System.out, System.err, System.getenv(), projectDir));
    }

    /** The command, with its streams, environment and project folder given (for tests). */
    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Path projectDir) {
        Options o;
        try {
            o = parse(args, env, projectDir);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.print(USAGE);
            return 2;
        }
        Params params;
        try {
            params = settings(env, projectDir);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        Predictor predictor;
        try {
            predictor = Predictor.load(o.model(), params, o.detect());
        } catch (IOException | RuntimeException e) {
            err.println("cannot load the model " + o.model() + ": " + e.getMessage());
            return 2;
        }
        int failed = 0;
        PredictionTable table = new PredictionTable();
        try (predictor) {
            for (String input : o.inputs()) {
                try {
                    ImagePrediction p = ImageInput.isUrl(input)
                            ? predictor.predictUrl(input, keepFile(o, input), o.overwrite())
                            : predictor.predictFile(Path.of(input));
                    if (o.table()) table.add(p);
                    else out.println(p.toJson(o.top()));
                } catch (IOException | RuntimeException e) {
                    failed++;
                    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                    if (o.table()) table.addError(input, msg);
                    else out.println(ImagePrediction.errorJson(input, msg));
                }
                out.flush();
            }
        }
        if (o.table()) out.println(table.table().printAll());
        if (failed > 0) err.println(failed + " of " + o.inputs().size() + " inputs could not be handled");
        return failed > 0 ? 1 : 0;
    }

    /** The settings in force (WEIGHTS_DIR says where the face detector's model is), in the project folder. */
    static Params settings(Map<String, String> env, Path projectDir) {
        Map<String, String> values = new HashMap<>(env);
        values.put("PROJECT_DIR", projectDir.toString());
        return Params.of(values);
    }

    static Options parse(String[] args, Map<String, String> env, Path projectDir) {
        Path model = null, keep = null;
        boolean table = false, detect = true, overwrite = false;
        int top = 3;
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--model" -> model = Path.of(value(args, ++i, a));
                case "--table" -> table = true;
                case "--no-detect" -> detect = false;
                case "--keep" -> keep = Path.of(value(args, ++i, a));
                case "--overwrite" -> overwrite = true;
                case "--top" -> {
                    String v = value(args, ++i, a);
                    try {
                        top = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        top = 0;
                    }
                    if (top < 1 || top > 12) throw new IllegalArgumentException("--top takes a number from 1 to 12, got '" + v + "'");
                }
                case "-h", "--help" -> throw new IllegalArgumentException("");
                default -> {
                    if (a.startsWith("--")) throw new IllegalArgumentException("unknown option " + a);
                    inputs.add(a);
                }
            }
        }
        if (inputs.isEmpty()) throw new IllegalArgumentException("no input: give one or more image files or URLs");
        if (model == null && env.get("MODEL") != null && !env.get("MODEL").isBlank()) model = Path.of(env.get("MODEL"));
        if (model == null) model = newestBest(projectDir.resolve("reports"));
        if (!Files.isRegularFile(model)) throw new IllegalArgumentException("no model file at " + model);
        return new Options(model, table, detect, keep, overwrite, top, inputs);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    /** The most recently written reports/<run>/models/best.zip. */
    static Path newestBest(Path reports) {
        Path best = null;
        FileTime newest = null;
        if (Files.isDirectory(reports)) {
            try (DirectoryStream<Path> runs = Files.newDirectoryStream(reports)) {
                for (Path run : runs) {
                    Path f = run.resolve("models").resolve("best.zip");
                    if (!Files.isRegularFile(f)) continue;
                    FileTime t = Files.getLastModifiedTime(f);
                    if (newest == null || t.compareTo(newest) > 0) {
                        newest = t;
                        best = f;
                    }
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot list " + reports + ": " + e.getMessage());
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no model given and no " + reports + "/*/models/best.zip: run ./agecnn run "
                    + "first, or pass --model FILE");
        }
        return best;
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
