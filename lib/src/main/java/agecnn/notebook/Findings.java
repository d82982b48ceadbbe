package agecnn.notebook;

import agecnn.data.AgeBins;
import agecnn.data.CleanData;
import agecnn.data.Duplicates;
import agecnn.data.FileNameParser;
import agecnn.data.ImageIndex;
import agecnn.data.Split;
import agecnn.eval.Evaluation;
import agecnn.eval.Metrics;
import agecnn.explore.Summaries;
import agecnn.predict.FacePrediction;
import agecnn.predict.ImagePrediction;
import agecnn.run.ModelEvaluations;
import agecnn.run.PeerTargets;
import agecnn.run.RunMetrics;
import agecnn.tensors.PreparedData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import tech.tablesaw.api.Table;

/**
 * The "What we found" of each notebook: a few sentences made from the run's own results, so
 * that every number in them is the run's. One method per stage; each notebook prints its own.
 */
public final class Findings {

    /** A placed face counts as found and framed when its crop overlaps it by more than this (intersection over union). */
    static final double FRAMED_IOU = 0.5;

    private Findings() {}

    // ---- 01_obtain

    /** Files seen and indexed, and the problems found in names and images. */
    public static String obtain(ImageIndex index, int maxPerBin) {
        return obtain(index.filesSeen(), index.images().rowCount(), index.problems(), maxPerBin);
    }

    /** @param problems file, field, problem, action: one row per problem ({@link ImageIndex#problems()}) */
    static String obtain(int filesSeen, int indexed, Table problems, int maxPerBin) {
        StringBuilder sb = new StringBuilder(f("%,d image files seen; %,d indexed", filesSeen, indexed));
        sb.append(maxPerBin > 0 ? f(", a random subset of at most %,d per age bin.", maxPerBin) : ".");
        if (problems.rowCount() == 0) return sb.append("\nNo file name or image had a problem.").toString();
        // files per action, and the fields at fault under each
        Map<String, List<String>> files = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> fields = new LinkedHashMap<>();
        for (int r = 0; r < problems.rowCount(); r++) {
            String action = problems.getString(r, "action"), file = problems.getString(r, "file");
            List<String> fs = files.computeIfAbsent(action, a -> new ArrayList<>());
            if (!fs.contains(file)) fs.add(file);
            fields.computeIfAbsent(action, a -> new TreeMap<>()).merge(problems.getString(r, "field"), 1, Integer::sum);
        }
        int all = files.values().stream().mapToInt(List::size).sum();
        List<String> parts = new ArrayList<>();
        files.forEach((action, fs) -> parts.add(f("%,d %s (%s)", fs.size(), action, counts(fields.get(action)))));
        return sb.append(f("%nProblems in %,d file%s: %s.", all, all == 1 ? "" : "s", String.join("; ", parts))).toString();
    }

    // ---- 02_scrub

    /** Duplicates, ages out of range, and the split's sizes and class weights. */
    public static String scrub(PreparedData data) {
        return scrub(data.index().images().rowCount(), data.clean(), data.split());
    }

    static String scrub(int indexed, CleanData clean, Split split) {
        Duplicates d = clean.duplicates();
        StringBuilder sb = new StringBuilder();
        if (d.groupCount() == 0) {
            sb.append(f("No two of the %,d indexed images have the same content.", indexed));
        } else {
            sb.append(f("The %,d indexed images hold %,d group%s of byte-identical files (%,d extra cop%s); ", indexed,
                    d.groupCount(), d.groupCount() == 1 ? "" : "s", d.extraCopies(), d.extraCopies() == 1 ? "y" : "ies"));
            sb.append(f("%,d carr%s different ages, %,d of them in different bins (%,d files dropped).", d.groupsWithDifferentAges(),
                    d.groupsWithDifferentAges() == 1 ? "ies" : "y", d.groupsWithDifferentBins(), d.droppedForConflict()));
        }
        int outside = clean.outOfRange().rowCount();
        sb.append(outside == 0 ? f("%nEvery age lies in %d-%d.", AgeBins.MIN_AGE, AgeBins.MAX_AGE)
                : f("%n%,d image%s with an age outside %d-%d left out.", outside, outside == 1 ? "" : "s", AgeBins.MIN_AGE, AgeBins.MAX_AGE));
        Table counts = split.counts();
        int[] train = counts.intColumn(Split.TRAIN).asIntArray(), val = counts.intColumn(Split.VAL).asIntArray(),
                test = counts.intColumn(Split.TEST).asIntArray();
        sb.append(f("%n%,d images remain: %,d for training, %,d for validation (%s per bin), %,d for testing (%s per bin).",
                clean.table().rowCount(), sum(train), sum(val), range(val), sum(test), range(test)));
        int fewest = argMin(train), most = argMax(train);
        double[] w = split.classWeights();
        if (train[fewest] == train[most]) {
            return sb.append(f("%nEvery bin has %,d training images, so every class weight is %.2f.", train[most], w[most])).toString();
        }
        sb.append(f("%nTraining images per bin run from %,d in %s to %,d in %s, so the class weights run from %.2f to %.2f.",
                train[fewest], AgeBins.label(fewest), train[most], AgeBins.label(most), w[most], w[fewest]));
        return sb.toString();
    }

    // ---- 03_explore

    /** The ages, the largest and smallest bins, where each gender outnumbers the other, and the largest race group per bin. */
    public static String explore(Table clean) {
        StringBuilder sb = new StringBuilder();
        Table summary = Summaries.ageSummary(clean);
        sb.append(f("%,d images, aged %d to %d (median %s).", summary.intColumn(Summaries.IMAGES).getInt(0),
                summary.intColumn("min").getInt(0), summary.intColumn("max").getInt(0), summary.getString(0, "median")));

        int[] n = Summaries.imagesPerBin(clean).intColumn(Summaries.IMAGES).asIntArray();
        int max = n[argMax(n)], min = n[argMin(n)];
        if (max == min) {
            sb.append(f("%nEvery bin holds %,d images.", max));
        } else {
            sb.append(f("%nLargest: %s with %,d images (%.1f%%); smallest: %s with %,d (%.1f%%).", bins(b -> n[b] == max), max,
                    100.0 * max / sum(n), bins(b -> n[b] == min), min, 100.0 * min / sum(n)));
        }

        Table g = Summaries.genderPerBin(clean);
        int[] men = g.intColumn(Summaries.GENDERS.get(0)).asIntArray(), women = g.intColumn(Summaries.GENDERS.get(1)).asIntArray();
        sb.append(f("%nWomen outnumber men in %s; men outnumber women in %s; they are as many in %s.",
                ages(b -> women[b] > men[b]), ages(b -> men[b] > women[b]), ages(b -> men[b] == women[b])));

        Table r = Summaries.racePerBin(clean);
        List<String> races = Summaries.RACES;
        int[][] byRace = new int[races.size()][];
        for (int i = 0; i < races.size(); i++) byRace[i] = r.intColumn(races.get(i)).asIntArray();
        int[] leader = new int[AgeBins.COUNT];   // the race with most images in the bin; -1 on a tie or an empty bin
        int[] leads = new int[races.size()];
        for (int b = 0; b < AgeBins.COUNT; b++) {
            int best = -1, top = 0;
            boolean tie = false;
            for (int i = 0; i < races.size(); i++) {
                if (byRace[i][b] > top) {
                    best = i;
                    top = byRace[i][b];
                    tie = false;
                } else if (byRace[i][b] == top && top > 0) {
                    tie = true;
                }
            }
            leader[b] = tie ? -1 : best;
            if (leader[b] >= 0) leads[leader[b]]++;
        }
        int main = argMax(leads);
        sb.append(f("%n%s faces are the largest group in %d of %d bins", races.get(main), leads[main], AgeBins.COUNT));
        List<String> others = new ArrayList<>();
        for (int b = 0; b < AgeBins.COUNT; b++) {
            if (leader[b] == main) continue;
            others.add(AgeBins.label(b) + ": " + (leader[b] >= 0 ? races.get(leader[b]) : n[b] == 0 ? "no image" : "a tie"));
        }
        sb.append(others.isEmpty() ? "." : "; elsewhere the largest is " + String.join(", ", others) + ".");
        return sb.toString();
    }

    // ---- 04_model

    /** Each model's test scores, the best, and how far each is from the best published figures. */
    public static String training(agecnn.run.TrainingSession session) {
        String best = session.best().name(), saved = session.bestName();
        String text = training(session.scores(), best, saved.equals(best));
        var e = session.ensembleScore();
        if (e.isEmpty()) return text;
        return text + "\n" + ensemble(e.get().members(), e.get().imageSize(), e.get().valAccuracy(), e.get().test().accuracy(),
                e.get().test().oneOffAccuracy(), e.get().test().maeYears(), saved.equals(e.get().name()), best);
    }

    /** The ensemble's line: its members, its scores, and whether it or {@code bestTrained} is best.zip. */
    static String ensemble(List<String> members, int imageSize, double val, double test, double oneOff, double mae, boolean savedAsBest,
                           String bestTrained) {
        return f("The ensemble of %s (%d px): %s on the validation images, test accuracy %s, one-off %s, MAE %.2f years; %s.",
                String.join(" + ", members), imageSize, pct(val), pct(test), pct(oneOff), mae,
                savedAsBest ? "its validation accuracy is the highest, so it is saved as best.zip"
                        : "its validation accuracy is not above " + bestTrained + "'s, which stays best.zip");
    }

    /** @param scores the scores table ({@link agecnn.run.ScoreTable}) */
    static String training(Table scores, String best) {
        return training(scores, best, true);
    }

    /** @param savedAsBest whether {@code best} is the model saved as best.zip (not when an ensemble beats it) */
    static String training(Table scores, String best, boolean savedAsBest) {
        Table t = PeerTargets.compare(scores);
        int targets = t.rowCount() - scores.rowCount();
        int mae = argBest(t, targets, "test_mae_years", false);
        StringBuilder sb = new StringBuilder(f("The targets to beat: accuracy %s, one-off %s, MAE %.2f years (%s).%n",
                bestTarget(t, targets, "test_accuracy", true), bestTarget(t, targets, "test_one_off", true),
                t.doubleColumn("test_mae_years").getDouble(mae), t.getString(mae, "who")));
        for (int r = 0; r < scores.rowCount(); r++) {
            int x = targets + r;
            sb.append(f("%s: test accuracy %s, one-off %s, MAE %.2f years, after %d epoch%s (best %d); against the targets "
                            + "%+.1f points of accuracy, %+.1f of one-off, %+.2f years of MAE.%n",
                    scores.getString(r, "model"), pct(scores.doubleColumn("test_accuracy").getDouble(r)),
                    pct(scores.doubleColumn("test_one_off").getDouble(r)), scores.doubleColumn("test_mae_years").getDouble(r),
                    scores.intColumn("epochs").getInt(r), scores.intColumn("epochs").getInt(r) == 1 ? "" : "s", scores.intColumn("best_epoch").getInt(r),
                    t.doubleColumn("accuracy_vs_best_pp").getDouble(x), t.doubleColumn("one_off_vs_best_pp").getDouble(x),
                    t.doubleColumn("mae_vs_best_years").getDouble(x)));
        }
        int b = 0;
        while (b < scores.rowCount() && !scores.getString(b, "model").equals(best)) b++;
        if (b == scores.rowCount()) throw new IllegalArgumentException("the best model '" + best + "' is not in the scores");
        return sb.append(f("Best by validation accuracy%s: %s, %s on the validation images and %s on the test images.",
                savedAsBest ? " (saved as best.zip)" : " of the models trained", best, pct(scores.doubleColumn("val_accuracy").getDouble(b)), pct(scores.doubleColumn("test_accuracy").getDouble(b)))).toString();
    }

    private static String bestTarget(Table t, int targets, String column, boolean higher) {
        int r = argBest(t, targets, column, higher);
        return pct(t.doubleColumn(column).getDouble(r)) + " (" + t.getString(r, "who") + ")";
    }

    /** The target row with the highest (or lowest) value of the column, NaN passed over. */
    private static int argBest(Table t, int targets, String column, boolean higher) {
        int best = -1;
        for (int r = 0; r < targets; r++) {
            double v = t.doubleColumn(column).getDouble(r);
            if (Double.isNaN(v)) continue;
            if (best < 0 || (higher ? v > t.doubleColumn(column).getDouble(best) : v < t.doubleColumn(column).getDouble(best))) best = r;
        }
        return best;
    }

    // ---- 05_interpret

    /** The best model's scores with their intervals, against the baseline's; its hardest bins and its most common mistake. */
    public static String interpret(ModelEvaluations scored) {
        Evaluation best = scored.best(), baseline = scored.baseline();
        StringBuilder sb = new StringBuilder(f("Best model: %s, %s.", best.model(), withIntervals(best.metrics())));
        if (baseline != best) {
            sb.append(f("%nBaseline: %s, %s.", baseline.model(), withIntervals(baseline.metrics())));
            Metrics.Interval a = best.metrics().intervals95().accuracy(), z = baseline.metrics().intervals95().accuracy();
            sb.append(a.low() > z.high() ? "\nThe best model's accuracy interval lies above the baseline's: the gain is more than chance."
                    : a.high() < z.low() ? "\nThe best model's accuracy interval lies below the baseline's."
                    : "\nThe two accuracy intervals overlap: on these test images the difference could be chance.");
        }
        Metrics m = best.metrics();
        List<Integer> bins = new ArrayList<>();
        for (int b = 0; b < AgeBins.COUNT; b++) if (!Double.isNaN(m.recall(b))) bins.add(b);
        bins.sort((x, y) -> Double.compare(m.recall(x), m.recall(y)));   // stable: bin order among equals
        List<String> hardest = new ArrayList<>();
        for (int b : bins.subList(0, Math.min(3, bins.size()))) hardest.add(AgeBins.label(b) + " " + pct(m.recall(b)));
        int easiest = bins.get(bins.size() - 1);
        sb.append(f("%nHardest bins for %s (lowest recall): %s; easiest: %s %s.", best.model(), String.join(", ", hardest),
                AgeBins.label(easiest), pct(m.recall(easiest))));
        int[][] c = m.confusion();
        int ft = -1, fp = -1;
        for (int t = 0; t < AgeBins.COUNT; t++) {
            for (int p = 0; p < AgeBins.COUNT; p++) if (t != p && (ft < 0 || c[t][p] > c[ft][fp])) { ft = t; fp = p; }
        }
        if (c[ft][fp] > 0) {
            int support = sum(c[ft]);
            sb.append(f("%nIts most common mistake: %s taken for %s, %d of %d images.", AgeBins.label(ft), AgeBins.label(fp), c[ft][fp], support));
        }
        return sb.toString();
    }

    private static String withIntervals(Metrics m) {
        Metrics.Intervals ci = m.intervals95();
        return f("accuracy %s (95%% interval %s), one-off %s (%s), MAE %.2f years (%s), on %,d test images", pct(m.accuracy()),
                ci.accuracy().format(100, 1), pct(m.oneOffAccuracy()), ci.oneOff().format(100, 1), m.maeYears(),
                ci.maeYears().format(1, 2), m.count());
    }

    // ---- 06_predict

    /** What the predictor said of the array, the file, the scene and the URL. */
    public static String predict(PredictionExamples e) {
        Integer age = FileNameParser.parse(e.testFile()).age();
        String truth = age == null ? "" : f(" (true age %d, %s)", age, AgeBins.label(AgeBins.binOf(age)));
        StringBuilder sb = new StringBuilder(f("Model %s, face detector %s.", e.model(), e.detector()));
        sb.append(f("%nThe test image %s%s as an array: %s.", e.testFile(), truth, faces(e.fromArray())));
        sb.append(f("%nThe same image as a file: %s.", faces(e.fromFile())));
        double[] iou = e.sceneCheck().doubleColumn("IoU").asDoubleArray();
        int framed = 0;
        for (double v : iou) if (v > FRAMED_IOU) framed++;
        sb.append(f("%nThe scene: %d faces placed, %d found, %d framed as placed (IoU above %.1f).", e.scene().placements().size(),
                e.fromScene().faces().size(), framed, FRAMED_IOU));
        sb.append(f("%nThe scene from a URL: %s.", same(e.fromScene(), e.fromUrl()) ? "the same faces and predictions as from the file"
                : faces(e.fromUrl())));
        return sb.toString();
    }

    /** Each face's most probable bin with its probability and the expected age. */
    private static String faces(ImagePrediction p) {
        List<String> out = new ArrayList<>();
        for (FacePrediction face : p.faces()) {
            out.add(f("%s with %s, expected age %.1f", face.best().label(), pct(face.best().probability()), face.expectedAge()));
        }
        return out.isEmpty() ? "no face" : String.join("; ", out);
    }

    /** The same faces, most probable bins and expected ages (to a tenth of a year). */
    static boolean same(ImagePrediction a, ImagePrediction b) {
        if (a.faces().size() != b.faces().size()) return false;
        for (int i = 0; i < a.faces().size(); i++) {
            FacePrediction x = a.faces().get(i), y = b.faces().get(i);
            if (x.best().bin() != y.best().bin() || Math.abs(x.expectedAge() - y.expectedAge()) >= 0.05) return false;
        }
        return true;
    }

    // ---- 07_spark

    /**
     * The models trained on Spark, each beside the same model of the newest run of the same
     * profile in the same folder that trained on this machine ({@link RunMetrics#newestLocalPeer}).
     */
    public static String spark(RunMetrics spark) throws IOException {
        return spark(spark, spark.newestLocalPeer());
    }

    static String spark(RunMetrics spark, Optional<RunMetrics> local) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, RunMetrics.Model> e : spark.models().entrySet()) {
            RunMetrics.Model s = e.getValue();
            sb.append(f("%s on %s: %s%n", e.getKey(), s.engine(), scores(s)));
        }
        if (local.isEmpty()) {
            return sb.append(f("No run of the %s profile with %,d test images trained on this machine beside this one (in %s): "
                    + "run notebook 04 (./agecnn run) for a comparison.", spark.profile(), spark.testImages(),
                    spark.runDir().toAbsolutePath().normalize().getParent())).toString();
        }
        RunMetrics l = local.get();
        sb.append(f("The newest run of the %s profile on this machine, %s:%n", l.profile(), l.runDir().getFileName()));
        for (Map.Entry<String, RunMetrics.Model> e : spark.models().entrySet()) {
            RunMetrics.Model s = e.getValue(), m = l.models().get(e.getKey());
            if (m == null) {
                sb.append(f("%s: not trained there%n", e.getKey()));
                continue;
            }
            sb.append(f("%s: %s; Spark %+.1f points of accuracy, %+.2f years of MAE, %.1f times the training time.%n", e.getKey(),
                    scores(m), 100 * (s.testAccuracy() - m.testAccuracy()), s.testMaeYears() - m.testMaeYears(),
                    s.trainSeconds() / m.trainSeconds()));
        }
        return sb.toString().stripTrailing();
    }

    private static String scores(RunMetrics.Model m) {
        return f("test accuracy %s, one-off %s, MAE %.2f years after %d epoch%s, %.1f s of training (%.1f images/s)", pct(m.testAccuracy()),
                pct(m.testOneOff()), m.testMaeYears(), m.epochs(), m.epochs() == 1 ? "" : "s", m.trainSeconds(), m.imagesPerSecond());
    }

    // ---- helpers

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** A share as a percentage with one decimal. */
    static String pct(double share) {
        return f("%.1f%%", 100 * share);
    }

    private static String counts(Map<String, Integer> m) {
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + " " + v));
        return String.join(", ", parts);
    }

    private static int sum(int[] v) {
        int s = 0;
        for (int x : v) s += x;
        return s;
    }

    /** "n" when every value is n, else "min-max". */
    private static String range(int[] v) {
        int lo = v[argMin(v)], hi = v[argMax(v)];
        return lo == hi ? f("%,d", lo) : f("%,d-%,d", lo, hi);
    }

    /** The first index of the smallest value. */
    private static int argMin(int[] v) {
        int k = 0;
        for (int i = 1; i < v.length; i++) if (v[i] < v[k]) k = i;
        return k;
    }

    /** The first index of the largest value. */
    private static int argMax(int[] v) {
        int k = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[k]) k = i;
        return k;
    }

    /** The bins that pass: "(23-26)", "bins (23-26), (27-32)", or "7 bins" when more than three do. */
    private static String bins(IntPredicate bin) {
        List<String> out = new ArrayList<>();
        for (int b = 0; b < AgeBins.COUNT; b++) if (bin.test(b)) out.add(AgeBins.label(b));
        if (out.size() == 1) return "bin " + out.get(0);
        return out.size() > 3 ? out.size() + " bins" : "bins " + String.join(", ", out);
    }

    /** The ages of the bins that pass, consecutive bins joined: "4-26 and 63-73", or "no bin". */
    static String ages(IntPredicate bin) {
        List<String> runs = new ArrayList<>();
        for (int b = 0; b < AgeBins.COUNT; b++) {
            if (!bin.test(b)) continue;
            int end = b;
            while (end + 1 < AgeBins.COUNT && bin.test(end + 1)) end++;
            runs.add(AgeBins.lower(b) + "-" + AgeBins.upper(end));
            b = end;
        }
        if (runs.isEmpty()) return "no bin";
        if (runs.size() == 1) return runs.get(0);
        return String.join(", ", runs.subList(0, runs.size() - 1)) + " and " + runs.get(runs.size() - 1);
    }
}
