package agecnn.eval;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/** The models of a run side by side, one row each, with the same scores on the same images. */
public final class ModelComparison {

    private ModelComparison() {}

    /**
     * model, backbone, input px, accuracy, one-off, MAE (years), each followed by its 95% interval
     * ({@link Metrics#intervals95()}: how far it could move on another test set drawn the same
     * way), macro precision, recall and F1, images; percentages and years rounded for reading.
     * {@code best} (may be null) names the model saved as best.zip, marked with a star.
     */
    public static Table table(List<Evaluation> evaluations, String best) {
        Table t = Table.create("models on the test images", StringColumn.create("model"), StringColumn.create("backbone"),
                IntColumn.create("input px"), DoubleColumn.create("accuracy %"), StringColumn.create("accuracy 95%"),
                DoubleColumn.create("one-off %"), StringColumn.create("one-off 95%"), DoubleColumn.create("MAE years"),
                StringColumn.create("MAE 95%"), DoubleColumn.create("macro precision"), DoubleColumn.create("macro recall"),
                DoubleColumn.create("macro F1"), IntColumn.create("images"));
        for (Evaluation e : evaluations) {
            Metrics m = e.metrics();
            t.stringColumn("model").append(e.model() + (e.model().equals(best) ? " *" : ""));
            t.stringColumn("backbone").append(e.info() == null || e.info().backbone() == null ? "" : e.info().backbone());
            if (e.info() == null) t.intColumn("input px").appendMissing();
            else t.intColumn("input px").append(e.info().imageSize());
            Metrics.Intervals ci = m.intervals95();
            t.doubleColumn("accuracy %").append(Metrics.round(100 * m.accuracy(), 1));
            t.stringColumn("accuracy 95%").append(ci.accuracy().format(100, 1));
            t.doubleColumn("one-off %").append(Metrics.round(100 * m.oneOffAccuracy(), 1));
            t.stringColumn("one-off 95%").append(ci.oneOff().format(100, 1));
            t.doubleColumn("MAE years").append(Metrics.round(m.maeYears(), 2));
            t.stringColumn("MAE 95%").append(ci.maeYears().format(1, 2));
            t.doubleColumn("macro precision").append(Metrics.round(m.macroPrecision(), 3));
            t.doubleColumn("macro recall").append(Metrics.round(m.macroRecall(), 3));
            t.doubleColumn("macro F1").append(Metrics.round(m.macroF1(), 3));
            t.intColumn("images").append(m.count());
        }
        return t;
    }

}
