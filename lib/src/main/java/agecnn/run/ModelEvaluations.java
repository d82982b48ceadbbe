package agecnn.run;

import agecnn.config.RunRecord;
import agecnn.eval.Evaluation;
import agecnn.eval.ModelComparison;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The models of a run scored on the same images ({@link RunModels#evaluate}), and the two that
 * 05_interpret looks at closely: the <em>best</em>, the model saved as {@code best.zip}, and the
 * <em>baseline</em>, the first whose name contains "baseline". Where a run has no such model,
 * the first model stands in for it.
 */
public final class ModelEvaluations {

    private final List<Evaluation> all;
    private final String bestName;
    private final Evaluation best;
    private final Evaluation baseline;

    /**
     * @param bestName     the model saved as best.zip, or null (then the first is shown as best, unmarked)
     * @param baselineName the baseline's name, or null (then the first)
     */
    public ModelEvaluations(List<Evaluation> evaluations, String bestName, String baselineName) {
        if (evaluations.isEmpty()) throw new IllegalArgumentException("no model was scored");
        this.all = List.copyOf(evaluations);
        this.bestName = bestName;
        this.best = named(bestName);
        this.baseline = named(baselineName);
    }

    private Evaluation named(String name) {
        if (name == null) return all.get(0);
        return all.stream().filter(e -> e.model().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no model named '" + name + "' was scored"));
    }

    /** Every model, in the order scored. */
    public List<Evaluation> all() { return all; }

    /** The model saved as best.zip (else the first). */
    public Evaluation best() { return best; }

    /** The baseline (else the first). */
    public Evaluation baseline() { return baseline; }

    /** The models side by side, the one saved as best.zip marked ({@link ModelComparison#table}). */
    public Table comparison() {
        return ModelComparison.table(all, bestName);
    }

    /**
     * Facts for run.json: each model's scores under {@code interpret}, and under
     * {@code interpret_figures} the heat maps' file names, the best model and the baseline.
     */
    public void record(RunRecord record, Path... heatmaps) {
        for (Evaluation ev : all) record.put("interpret", ev.model(), ev.metrics().summary());
        record.put("interpret_figures", "heatmaps", Arrays.stream(heatmaps).map(p -> p.getFileName().toString()).toList());
        record.put("interpret_figures", "best", best.model());
        record.put("interpret_figures", "baseline", baseline.model());
    }

    /** One line per model, then which is the best and which the baseline. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Evaluation ev : all) sb.append(ev).append('\n');
        return sb.append("best: ").append(best.model()).append(", baseline: ").append(baseline.model()).toString();
    }
}
