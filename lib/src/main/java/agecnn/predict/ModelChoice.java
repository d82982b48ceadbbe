package agecnn.predict;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * Which saved model a command uses ({@code ./agecnn predict}, {@code ./agecnn serve}): the one
 * given on the command line, else {@code $MODEL}, else the newest {@code reports/*&#47;models/best.zip}.
 */
public final class ModelChoice {

    private ModelChoice() {}

    /**
     * The model: {@code given} (the --model option, may be null), else MODEL from {@code env},
     * else the newest reports/*&#47;models/best.zip under {@code projectDir}.
     *
     * @throws IllegalArgumentException when none is found, saying how to give one
     */
    public static Path choose(Path given, Map<String, String> env, Path projectDir) {
        Path file = given;
        if (file == null && env.get("MODEL") != null && !env.get("MODEL").isBlank()) file = Path.of(env.get("MODEL"));
        if (file == null) file = newestBest(projectDir.resolve("reports"));
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no model file at " + file);
        return file;
    }

    /** The most recently written reports/&lt;run&gt;/models/best.zip. */
    public static Path newestBest(Path reports) {
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
}
