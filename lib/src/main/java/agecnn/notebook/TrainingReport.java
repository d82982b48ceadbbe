package agecnn.notebook;

import agecnn.config.Settings;
import agecnn.explore.ScoreCharts;
import agecnn.run.TrainingSession;
import agecnn.train.History;
import java.io.IOException;
import java.nio.file.Path;
import tech.tablesaw.api.Table;

/**
 * The steps notebooks 04 (this machine) and 07 (Spark) share around a {@link TrainingSession},
 * one call each: the plan, the scores, the training curves, and the files and facts kept.
 */
public final class TrainingReport {

    /** The scores chart's file name in the figures folder. */
    public static final String SCORES_PNG = "scores_plot.png";

    private TrainingReport() {}

    /** Prints the plan and shows the class weights it trains with. */
    public static void plan(TrainingSession session) {
        System.out.println(session.plan());
        Show.table(session.data().split().classWeightTable());
    }

    /** Shows the scores table of the models trained and draws it as {@value #SCORES_PNG} in {@code figures}. */
    public static void scores(TrainingSession session, Path figures) {
        Table scores = session.scores();
        Show.table(scores);
        Show.chart(ScoreCharts.scores(scores), figures.resolve(SCORES_PNG));
    }

    /** Each model's epochs as a table and as curves, {@code <model>_scores.png} in {@code figures}. */
    public static void curves(TrainingSession session, Path figures) {
        for (History h : session.histories()) {
            Show.table(h.table());
            Show.chart(ScoreCharts.curves(h), figures.resolve(h.model() + "_scores.png"));
        }
    }

    /**
     * Writes what the session keeps ({@link TrainingSession#save}: scores.csv, metrics.json,
     * models/best.zip), records its facts for run.json, and says where they are.
     */
    public static void save(TrainingSession session, Settings settings) throws IOException {
        Path metrics = session.save();
        session.record(Notebook.record(settings));
        System.out.println("best model: " + session.bestName() + ", saved as " + settings.paths().runDir().resolve("models/best.zip")
                + "; metrics in " + metrics);
    }
}
