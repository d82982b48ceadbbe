package agecnn.run;

import agecnn.eval.Evaluation;
import agecnn.nets.SavedModel;
import agecnn.tensors.PreparedData;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models 04_model left in a run: {@code RUN_DIR/models/<name>.zip}, one per model, and
 * {@code best.zip}, a second copy of the best one (not scored twice: only its name is read).
 */
public final class RunModels {

    public static final String BEST_FILE = "best.zip";

    private final Map<String, Path> byName;
    private final String best;

    private RunModels(Map<String, Path> byName, String best) {
        this.byName = byName;
        this.best = best;
    }

    /** The models under {@code runDir/models}, by model name (as saved in each artifact), in file-name order. */
    public static RunModels in(Path runDir) throws IOException {
        Path dir = runDir.resolve("models");
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " does not exist: run 04_model first (it saves each trained model there)");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.zip")) {
            s.forEach(files::add);
        }
        files.sort(null);
        Map<String, Path> byName = new LinkedHashMap<>();
        String best = null;
        for (Path f : files) {
            String name = SavedModel.readInfo(f).name();
            if (f.getFileName().toString().equals(BEST_FILE)) {
                best = name;
            } else if (byName.putIfAbsent(name, f) != null) {
                throw new IOException(f + " and " + byName.get(name) + " both hold a model named '" + name + "'");
            }
        }
        if (byName.isEmpty() && best != null) byName.put(best, dir.resolve(BEST_FILE));
        if (byName.isEmpty()) throw new IOException(dir + " holds no model (*.zip): run 04_model first");
        if (best != null && !byName.containsKey(best)) byName.put(best, dir.resolve(BEST_FILE));
        return new RunModels(byName, best);
    }

    /** Model name to artifact, in file-name order. */
    public Map<String, Path> models() { return byName; }

    /** The name of the model saved as best.zip, or null when there is none. */
    public String best() { return best; }

    /**
     * Every model scored on the images of {@code split} (each at its own input size), in this
     * listing's order, with the best and the baseline chosen as {@link ModelEvaluations} says.
     */
    public ModelEvaluations evaluate(PreparedData data, String split) throws IOException {
        List<Evaluation> all = new ArrayList<>();
        for (Path f : byName.values()) all.add(Evaluation.of(SavedModel.load(f), data, split));
        return new ModelEvaluations(all, best, baseline());
    }

    /** The first model whose name contains "baseline", or null. */
    public String baseline() {
        return byName.keySet().stream().filter(n -> n.toLowerCase().contains("baseline")).findFirst().orElse(null);
    }

    @Override
    public String toString() {
        return byName.size() + " models " + byName.keySet() + (best == null ? ", no best.zip" : ", best: " + best);
    }
}
