package agecnn.run;

import static agecnn.testing.ModelScores.score;
import agecnn.eval.Metrics;
import agecnn.explore.ScoreCharts;
import agecnn.run.PeerTargets;
import agecnn.eval.Predictions;
import agecnn.testing.Nets;
import agecnn.train.EpochStats;
import agecnn.train.History;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The scores table, metrics.json's entries, the targets table and the figures, from known histories. */
class ScoreTableTest {


    @Test
    void oneRowPerModelWithTheBestEpochsTrainingAndValidationScores() {
        Table t = ScoreTable.table(List.of(score("a", 0.2, 0.4, 0.3), score("b", 0.5)));
        assertEquals(ScoreTable.COLUMNS, t.columnNames());
        assertEquals(2, t.rowCount());
        assertEquals("a", t.stringColumn("model").get(0));
        assertEquals(3, t.intColumn("epochs").getInt(0));
        assertEquals(2, t.intColumn("best_epoch").getInt(0));
        assertEquals(0.4, t.doubleColumn("val_accuracy").getDouble(0), 1e-9);
        assertEquals(0.35, t.doubleColumn("train_accuracy").getDouble(0), 1e-9);
        assertEquals(1.0 / 3, t.doubleColumn("test_accuracy").getDouble(0), 1e-4);
        assertEquals(2.0 / 3, t.doubleColumn("test_one_off").getDouble(0), 1e-4);
        assertEquals((0 + Math.abs(35 - 30) + Math.abs(14 - 80)) / 3.0, t.doubleColumn("test_mae_years").getDouble(0), 0.01);
        assertEquals(42, t.doubleColumn("train_seconds").getDouble(0), 1e-9);
        assertEquals(100, t.doubleColumn("images_per_s").getDouble(0), 1e-9);
    }

    @Test
    void metricsJsonEntryHasTheAgreedKeys() {
        Map<String, Object> m = RunFiles.metrics(score("a", 0.2, 0.4));
        for (String k : List.of("test_accuracy", "test_one_off", "test_mae_years", "test_loss", "train_seconds", "images_per_second",
                "val_accuracy", "epochs", "best_epoch")) assertTrue(m.containsKey(k), k);
        assertEquals(1.0 / 3, (double) m.get("test_accuracy"), 1e-9);
        assertEquals(2, m.get("epochs"));
        // each headline score with its 95% interval, as [low, high] around it
        for (String k : List.of("test_accuracy", "test_one_off", "test_mae_years")) {
            @SuppressWarnings("unchecked") List<Double> ci = (List<Double>) m.get(k + "_ci95");
            double v = (double) m.get(k);
            assertTrue(ci.size() == 2 && ci.get(0) <= v + 1e-4 && v - 1e-4 <= ci.get(1), k + " " + v + " " + ci);
        }
    }

    @Test
    void targetsTableComparesWithTheBestTarget() {
        Table t = PeerTargets.compare(ScoreTable.table(List.of(score("a", 0.3))));
        assertEquals(4, t.rowCount());
        assertEquals("this run: a", t.stringColumn("who").get(3));
        assertEquals(Math.round(1000 * (1.0 / 3 - 0.46)) / 10.0, t.doubleColumn("accuracy_vs_best_pp").getDouble(3), 0.11);
        assertEquals(Math.round(1000 * (2.0 / 3 - 0.85)) / 10.0, t.doubleColumn("one_off_vs_best_pp").getDouble(3), 0.11);
    }

    @Test
    void figuresRender(@TempDir Path dir) throws IOException {
        Table t = ScoreTable.table(List.of(score("a", 0.2, 0.4), score("b", 0.5)));
        BitmapEncoder.saveBitmap(ScoreCharts.scores(t), dir.resolve("scores").toString(), BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(ScoreCharts.curves(score("a", 0.2, 0.4).history()), dir.resolve("a").toString(), BitmapEncoder.BitmapFormat.PNG);
        assertTrue(Files.size(dir.resolve("scores.png")) > 1000);
        assertTrue(Files.size(dir.resolve("a.png")) > 1000);
    }
}
