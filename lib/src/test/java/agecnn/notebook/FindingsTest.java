package agecnn.notebook;

import static agecnn.testing.ModelScores.score;
import static agecnn.testing.RunFolders.model;
import static agecnn.testing.RunFolders.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import agecnn.data.AgeBins;
import agecnn.data.CleanData;
import agecnn.data.IndexColumns;
import agecnn.data.Split;
import agecnn.eval.Evaluation;
import agecnn.eval.Metrics;
import agecnn.eval.Predictions;
import agecnn.run.ModelEvaluations;
import agecnn.run.ModelScore;
import agecnn.run.RunMetrics;
import agecnn.run.ScoreTable;
import agecnn.testing.Evaluations;
import agecnn.testing.IndexTables;
import agecnn.testing.Nets;
import agecnn.train.EpochFitter;
import agecnn.train.EpochStats;
import agecnn.train.History;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Each notebook's "What we found", from small inputs whose answers are known. */
class FindingsTest {

    @TempDir
    Path tmp;

    // ---- 01

    static Table problems(String[]... rows) {
        Table t = Table.create("problems", StringColumn.create("file"), StringColumn.create("field"), StringColumn.create("problem"),
                StringColumn.create("action"));
        for (String[] r : rows) for (int c = 0; c < 4; c++) t.stringColumn(c).append(r[c]);
        return t;
    }

    @Test
    void obtainCountsFilesAndProblemsByActionAndField() {
        Table p = problems(new String[] {"a.jpg", "timestamp", "16 digits", "kept"}, new String[] {"a.jpg", "race", "missing", "kept"},
                new String[] {"c.jpg", "race", "missing", "kept"}, new String[] {"b.jpg", "image", "not a JPEG", "left out: unreadable"});
        assertEquals("23,708 image files seen; 144 indexed, a random subset of at most 12 per age bin.\n"
                + "Problems in 3 files: 2 kept (race 2, timestamp 1); 1 left out: unreadable (image 1).",
                Findings.obtain(23_708, 144, p, 12));
        assertEquals("5 image files seen; 5 indexed.\nNo file name or image had a problem.", Findings.obtain(5, 5, problems(), 0));
        assertEquals("2 image files seen; 1 indexed.\nProblems in 1 file: 1 left out: no age (age 1).",
                Findings.obtain(2, 1, problems(new String[] {"x.jpg", "age", "not a number", "left out: no age"}), 0));
    }

    // ---- 02

    @Test
    void scrubSaysWhatWasDroppedAndHowTheRestWasSplit() {
        Table index = IndexTables.perBin(3);
        Table extra = IndexTables.of(new String[][] {
            {"z_copy.jpg", "1", "h0_0"},                          // a copy of b0_0, same age: kept once
            {"c1.jpg", "20", "hx"}, {"c2.jpg", "40", "hx"},       // one content, two bins: both dropped
            {"x1.jpg", "80", "hx1"}, {"x2.jpg", "90", "hx2"},     // two more in (74-120)
            {"zero.jpg", "0", "h-zero"}});                        // an age in no bin
        index.append(extra);
        CleanData clean = CleanData.scrub(index);
        Split split = Split.balancedEval(clean.table(), 1, 1, 7);
        assertEquals("The 42 indexed images hold 2 groups of byte-identical files (2 extra copies); 1 carries different ages, "
                + "1 of them in different bins (2 files dropped).\n"
                + "1 image with an age outside 1-120 left out.\n"
                + "38 images remain: 14 for training, 12 for validation (1 per bin), 12 for testing (1 per bin).\n"
                + "Training images per bin run from 1 in (1-3) to 3 in (74-120), so the class weights run from 0.39 to 1.17.",
                Findings.scrub(index.rowCount(), clean, split));

        CleanData plain = CleanData.scrub(IndexTables.perBin(3));
        String s = Findings.scrub(36, plain, Split.balanced(plain.table(), 1, 1, 1, 7));
        assertTrue(s.startsWith("No two of the 36 indexed images have the same content.\nEvery age lies in 1-120.\n"
                + "36 images remain: 12 for training, 12 for validation (1 per bin), 12 for testing (1 per bin).\n"), s);
        assertTrue(s.endsWith("\nEvery bin has 1 training images, so every class weight is 1.00."), s);
    }

    // ---- 03

    /** One image: age, gender (0 male, 1 female), race (0 White, 1 Black, 2 Asian). */
    static void add(Table t, int age, int gender, int race) {
        t.intColumn(IndexColumns.AGE).append(age);
        t.intColumn(IndexColumns.GENDER).append(gender);
        t.intColumn(IndexColumns.RACE).append(race);
        t.intColumn(CleanData.BIN).append(AgeBins.binOf(age));
    }

    @Test
    void exploreFindsTheBinsGendersAndRacesFromTheCounts() {
        Table t = Table.create("clean", IntColumn.create(IndexColumns.AGE), IntColumn.create(IndexColumns.GENDER),
                IntColumn.create(IndexColumns.RACE), IntColumn.create(CleanData.BIN));
        add(t, 2, 0, 2);
        add(t, 2, 0, 2);
        add(t, 2, 1, 0);   // (1-3): 2 men, 1 woman; Asian first
        add(t, 5, 1, 0);
        add(t, 5, 1, 0);   // (4-10): women
        add(t, 12, 0, 0);
        add(t, 12, 1, 1);  // (11-17): as many; White and Black tie
        add(t, 20, 1, 0);  // (18-22): a woman
        for (int b = 4; b < AgeBins.COUNT; b++) add(t, AgeBins.lower(b), 0, 0);   // a White man in each older bin
        assertEquals("16 images, aged 2 to 74 (median 21.50).\n"
                + "Largest: bin (1-3) with 3 images (18.8%); smallest: 9 bins with 1 (6.3%).\n"
                + "Women outnumber men in 4-10 and 18-22; men outnumber women in 1-3 and 23-120; they are as many in 11-17.\n"
                + "White faces are the largest group in 10 of 12 bins; elsewhere the largest is (1-3): Asian, (11-17): a tie.",
                Findings.explore(t));

        Table even = Table.create("clean", IntColumn.create(IndexColumns.AGE), IntColumn.create(IndexColumns.GENDER),
                IntColumn.create(IndexColumns.RACE), IntColumn.create(CleanData.BIN));
        for (int b = 0; b < AgeBins.COUNT; b++) add(even, AgeBins.lower(b), 1, 3);
        String s = Findings.explore(even);
        assertTrue(s.contains("\nEvery bin holds 1 images.\n"), s);
        assertTrue(s.contains("Women outnumber men in 1-120; men outnumber women in no bin; they are as many in no bin."), s);
        assertTrue(s.endsWith("Indian faces are the largest group in 12 of 12 bins."), s);
    }

    @Test
    void agesJoinConsecutiveBins() {
        assertEquals("1-10, 18-22 and 74-120", Findings.ages(b -> b <= 1 || b == 3 || b == 11));
        assertEquals("no bin", Findings.ages(b -> false));
    }

    // ---- 04


    @Test
    void trainingGivesEachModelsScoresAgainstTheBestTargetsAndTheBest() {
        Table scores = ScoreTable.table(List.of(score("a", 0.2, 0.4, 0.3), score("b", 0.5)));
        double mae = scores.doubleColumn("test_mae_years").getDouble(0);
        String s = Findings.training(scores, "b");
        assertEquals(String.format(java.util.Locale.ROOT, "The targets to beat: accuracy 46.0%% (face-api.js age net), "
                        + "one-off 85.0%% (face-api.js age net), MAE 5.30 years (face-api.js age net).\n"
                        + "a: test accuracy 33.3%%, one-off 66.7%%, MAE %.2f years, after 3 epochs (best 2); "
                        + "against the targets -12.7 points of accuracy, -18.3 of one-off, %+.2f years of MAE.\n"
                        + "b: test accuracy 33.3%%, one-off 66.7%%, MAE %.2f years, after 1 epoch (best 1); "
                        + "against the targets -12.7 points of accuracy, -18.3 of one-off, %+.2f years of MAE.\n"
                        + "Best by validation accuracy (saved as best.zip): b, 50.0%% on the validation images and 33.3%% on the test images.",
                mae, Math.round((mae - 5.3) * 100) / 100.0, mae, Math.round((mae - 5.3) * 100) / 100.0), s);
    }

    // ---- 05

    @Test
    void interpretGivesTheBestWithIntervalsItsHardestBinsAndCommonestMistake() {
        // the best is right except in (18-22), which it takes for (23-26); the baseline always says (1-3)
        Evaluation best = Evaluations.predicting("mobilenet", 2, b -> b == 3 ? 4 : b);
        Evaluation baseline = Evaluations.predicting("baseline", 2, b -> 0);
        String s = Findings.interpret(new ModelEvaluations(List.of(baseline, best), "mobilenet", "baseline"));
        Metrics.Intervals ci = best.metrics().intervals95();
        assertTrue(s.startsWith("Best model: mobilenet, accuracy 91.7% (95% interval " + ci.accuracy().format(100, 1) + "), one-off 100.0% ("
                + ci.oneOff().format(100, 1) + "), MAE "), s);
        assertTrue(s.contains("on 24 test images.\nBaseline: baseline, accuracy 8.3% (95% interval 8.3-8.3)"), s);
        assertTrue(s.contains("\nThe best model's accuracy interval lies above the baseline's: the gain is more than chance.\n"), s);
        assertTrue(s.contains("\nHardest bins for mobilenet (lowest recall): (18-22) 0.0%, (1-3) 100.0%, (4-10) 100.0%; easiest: (74-120) 100.0%.\n"), s);
        assertTrue(s.endsWith("\nIts most common mistake: (18-22) taken for (23-26), 2 of 2 images."), s);

        // one model: best and baseline are the same, and said once; no mistake, none named
        String alone = Findings.interpret(new ModelEvaluations(List.of(Evaluations.predicting("m", 1, b -> b)), null, null));
        assertTrue(alone.startsWith("Best model: m, accuracy 100.0%"), alone);
        assertTrue(!alone.contains("Baseline") && !alone.contains("mistake"), alone);
        // overlapping intervals are said to overlap: one image of (18-22) and one of (27-32) wrong, so the accuracy varies around 91.7%
        Evaluation close = Evaluations.predicting("close", 2, (b, i) -> (b == 3 || b == 5) && i == 1 ? b + 1 : b);
        assertTrue(Findings.interpret(new ModelEvaluations(List.of(close, best), "mobilenet", "close"))
                .contains("The two accuracy intervals overlap"));
    }

    // ---- 06

    @Test
    void predictSaysWhatEachInputGave() {
        assertEquals("Model m, face detector detector d.\n"
                + "The test image 35_0_0_20170117120000000.jpg.chip.jpg (true age 35, (33-37)) as an array: (33-37) with 41.0%, expected age 34.2.\n"
                + "The same image as a file: (27-32) with 39.0%, expected age 31.0.\n"
                + "The scene: 2 faces placed, 2 found, 1 framed as placed (IoU above 0.5).\n"
                + "The scene from a URL: the same faces and predictions as from the file.", Findings.predict(PredictionExamplesTest.examples(null)));
        String other = Findings.predict(PredictionExamplesTest.examples(PredictionExamplesTest.image("http://x/scene.jpg", PredictionExamplesTest.face(5, 0.5, 30.2, null))));
        assertTrue(other.endsWith("The scene from a URL: (27-32) with 50.0%, expected age 30.2."), other);
    }

    // ---- 07

    @Test
    void sparkIsSetBesideTheNewestLocalRun() throws IOException {
        String engine = "spark (master local[2], workers 2, averaging_frequency 5)";
        Path spark = write(tmp.resolve("spark-1"), "smoke", 24, Map.of("baseline", model(0.25, 0.5, 12.5, 2, 30.0, 40.0, engine)), 9);
        RunMetrics s = RunMetrics.read(spark);
        String none = Findings.spark(s);
        assertEquals("baseline on " + engine + ": test accuracy 25.0%, one-off 50.0%, MAE 12.50 years after 2 epochs, "
                + "30.0 s of training (40.0 images/s)\n"
                + "No run of the smoke profile with 24 test images trained on this machine beside this one (in " + tmp.toAbsolutePath().normalize()
                + "): run notebook 04 (./agecnn run) for a comparison.", none);

        write(tmp.resolve("local-1"), "smoke", 24, Map.of("baseline", model(0.3, 0.6, 10.25, 2, 10.0, 120.0, EpochFitter.LOCAL)), 5);
        String both = Findings.spark(s);
        assertTrue(both.endsWith("The newest run of the smoke profile on this machine, local-1:\n"
                + "baseline: test accuracy 30.0%, one-off 60.0%, MAE 10.25 years after 2 epochs, 10.0 s of training (120.0 images/s); "
                + "Spark -5.0 points of accuracy, +2.25 years of MAE, 3.0 times the training time."), both);
        // a TreeMap: Map.of's order changes from one JVM to the next, and the models' order is the file's
        Path two = write(tmp.resolve("spark-2"), "smoke", 24, new java.util.TreeMap<>(Map.of("baseline", model(0.25, 0.5, 12.5, 2, 30.0, 40.0,
                engine), "mobilenet", model(0.25, 0.5, 12.5, 2, 30.0, 40.0, engine))), 9);
        assertTrue(Findings.spark(RunMetrics.read(two), Optional.of(RunMetrics.read(tmp.resolve("local-1")))).endsWith("mobilenet: not trained there"));
    }
}
