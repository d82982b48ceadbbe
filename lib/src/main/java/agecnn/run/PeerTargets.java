package agecnn.run;

import agecnn.eval.Metrics;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The scores to beat, all on balanced test sets of 100 images per bin: the original study's
 * baseline CNN (33.3%) and VGG16 at 224 px on a GPU (44.7%, one-off 77%), and the strongest
 * public face-age model measured on such a set, face-api.js's age net (46%, one-off 85%,
 * 5.3 years MAE). NaN where a source gives no figure.
 */
public final class PeerTargets {

    record Target(String who, double accuracy, double oneOff, double maeYears) {}

    static final Target[] TARGETS = {
        new Target("study: baseline CNN (GPU)", 0.333, Double.NaN, Double.NaN),
        new Target("study: VGG16 224 px (GPU)", 0.447, 0.77, Double.NaN),
        new Target("face-api.js age net", 0.46, 0.85, 5.3),
    };

    private PeerTargets() {}

    /**
     * The targets, then each model of the scores table with its difference from the best target
     * (percentage points of accuracy and one-off accuracy; years of MAE, negative is better).
     */
    public static Table compare(Table scores) {
        Table t = Table.create("against the targets", StringColumn.create("who"), DoubleColumn.create("test_accuracy"),
                DoubleColumn.create("test_one_off"), DoubleColumn.create("test_mae_years"), DoubleColumn.create("accuracy_vs_best_pp"),
                DoubleColumn.create("one_off_vs_best_pp"), DoubleColumn.create("mae_vs_best_years"));
        double bestAcc = 0, bestOneOff = 0, bestMae = Double.MAX_VALUE;
        for (Target x : TARGETS) {
            bestAcc = Math.max(bestAcc, x.accuracy());
            if (!Double.isNaN(x.oneOff())) bestOneOff = Math.max(bestOneOff, x.oneOff());
            if (!Double.isNaN(x.maeYears())) bestMae = Math.min(bestMae, x.maeYears());
            row(t, x.who(), x.accuracy(), x.oneOff(), x.maeYears(), Double.NaN, Double.NaN, Double.NaN);
        }
        for (int r = 0; r < scores.rowCount(); r++) {
            double acc = scores.doubleColumn("test_accuracy").getDouble(r), one = scores.doubleColumn("test_one_off").getDouble(r),
                    mae = scores.doubleColumn("test_mae_years").getDouble(r);
            row(t, "this run: " + scores.stringColumn("model").get(r), acc, one, mae, Metrics.round(100 * (acc - bestAcc), 1),
                    Metrics.round(100 * (one - bestOneOff), 1), Metrics.round(mae - bestMae, 2));
        }
        return t;
    }

    private static void row(Table t, String who, double acc, double one, double mae, double dAcc, double dOne, double dMae) {
        t.stringColumn("who").append(who);
        t.doubleColumn("test_accuracy").append(acc);
        t.doubleColumn("test_one_off").append(one);
        t.doubleColumn("test_mae_years").append(mae);
        t.doubleColumn("accuracy_vs_best_pp").append(dAcc);
        t.doubleColumn("one_off_vs_best_pp").append(dOne);
        t.doubleColumn("mae_vs_best_years").append(dMae);
    }
}
