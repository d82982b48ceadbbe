package agecnn.notebook;

import agecnn.config.Params;
import agecnn.config.RunRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What the first code cell of every notebook calls: reads the parameters, prints them,
 * records them for run.json and prepares the run's folders. One line in each notebook:
 * {@code var params = Notebook.start("01_obtain");}
 */
public final class Notebook {

    private Notebook() {}

    public static Params start(String name) {
        System.setProperty("java.awt.headless", "true");
        agecnn.nets.FastPath.enable();   // OneDNN conv/pool helpers for every model built in the notebook
        Params params = Params.fromEnvironment();
        try {
            Files.createDirectories(params.runDir);
            Files.createDirectories(params.workDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run's folders under " + params.runDir, e);
        }
        RunRecord record = new RunRecord(params.runDir);
        params.asMap().forEach((k, v) -> record.put("parameters", k, v));
        record.put("notebooks", name, "started");
        System.out.println(name + "\n" + params);
        return params;
    }

    /** The run record of these parameters' run folder. */
    public static RunRecord record(Params params) {
        return new RunRecord(params.runDir);
    }

    /**
     * Records the file names of figures a notebook saved (the paths {@link Show#chart} and
     * {@link Show#image} return) as {@code section.key} in run.json, in the order given.
     */
    public static void recordFigures(Params params, String section, String key, Path... figures) {
        record(params).put(section, key, Arrays.stream(figures).map(f -> f.getFileName().toString()).toList());
    }
}
