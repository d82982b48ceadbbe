package agecnn.run;

import agecnn.eval.Metrics;
import agecnn.io.Csv;
import agecnn.train.EpochStats;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The scores table across the models trained in a run: one row per model, saved as {@code scores.csv}. */
public final class ScoreTable {

    public static final List<String> COLUMNS = List.of("model", "backbone", "input_px", "epochs", "best_epoch", "train_loss",
            "train_accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy", "test_one_off", "test_mae_years",
            "train_seconds", "images_per_s");

    private ScoreTable() {}

    public static Table table(List<ModelScore> scores) {
        Table t = Table.create("scores", StringColumn.create("model"), StringColumn.create("backbone"), IntColumn.create("input_px"),
                IntColumn.create("epochs"), IntColumn.create("best_epoch"), DoubleColumn.create("train_loss"),
                DoubleColumn.create("train_accuracy"), DoubleColumn.create("val_loss"), DoubleColumn.create("val_accuracy"),
                DoubleColumn.create("test_loss"), DoubleColumn.create("test_accuracy"), DoubleColumn.create("test_one_off"),
                DoubleColumn.create("test_mae_years"), DoubleColumn.create("train_seconds"), DoubleColumn.create("images_per_s"));
        for (ModelScore s : scores) {
            EpochStats best = s.history().best();
            t.stringColumn("model").append(s.name());
            t.stringColumn("backbone").append(s.title());
            t.intColumn("input_px").append(s.imageSize());
            t.intColumn("epochs").append(s.history().size());
            t.intColumn("best_epoch").append(best.epoch());
            t.doubleColumn("train_loss").append(Metrics.round(best.trainLoss(), 4));
            t.doubleColumn("train_accuracy").append(Metrics.round(best.trainAccuracy(), 4));
            t.doubleColumn("val_loss").append(Metrics.round(best.valLoss(), 4));
            t.doubleColumn("val_accuracy").append(Metrics.round(best.valAccuracy(), 4));
            t.doubleColumn("test_loss").append(Metrics.round(s.testLoss(), 4));
            t.doubleColumn("test_accuracy").append(Metrics.round(s.test().accuracy(), 4));
            t.doubleColumn("test_one_off").append(Metrics.round(s.test().oneOffAccuracy(), 4));
            t.doubleColumn("test_mae_years").append(Metrics.round(s.test().maeYears(), 2));
            t.doubleColumn("train_seconds").append(Metrics.round(s.seconds(), 1));
            t.doubleColumn("images_per_s").append(Metrics.round(s.imagesPerSecond(), 1));
        }
        return t;
    }

    public static void saveCsv(Table scores, Path csv) throws IOException {
        Csv.write(scores, csv);
    }
}
