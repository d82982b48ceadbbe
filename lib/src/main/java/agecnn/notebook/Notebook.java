package agecnn.notebook;

import agecnn.config.Settings;
import agecnn.config.RunRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What the first code cell of every notebook calls: reads the parameters, prints them,
 * records them for run.json and prepares the run's folders. One line in each notebook:
 * {@code var settings = Notebook.start("01_obtain");}
 */
public final class Notebook {

    private Notebook() {}

    public static Settings start(String name) {
        System.setProperty("java.awt.headless", "true");
        agecnn.nets.FastPath.enable();   // OneDNN conv/pool helpers for every model built in the notebook
        Settings settings = Settings.fromEnvironment();
        try {
            Files.createDirectories(settings.paths().runDir());
            Files.createDirectories(settings.workDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run's folders under " + settings.paths().runDir(), e);
        }
        RunRecord record = new RunRecord(settings.paths().runDir());
        settings.asMap().forEach((k, v) -> record.put("parameters", k, v));
        record.put("notebooks", name, "started");
        System.out.println(name + "\n" + settings);
        return settings;
    }

    /** The run record of these parameters' run folder. */
    public static RunRecord record(Settings settings) {
        return new RunRecord(settings.paths().runDir());
    }

    /**
     * Records the file names of figures a notebook saved (the paths {@link Show#chart} and
     * {@link Show#image} return) as {@code section.key} in run.json, in the order given.
     */
    public static void recordFigures(Settings settings, String section, String key, Path... figures) {
        record(settings).put(section, key, Arrays.stream(figures).map(f -> f.getFileName().toString()).toList());
    }
}
