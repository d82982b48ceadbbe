package agecnn.eval;

import agecnn.data.AgeBins;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Per-image results kept by an evaluation, and the worst mistakes chosen from them, worked by hand. */
class EvaluationTest {

    private static float[] probs(int... binThenPercent) {
        float[] p = new float[AgeBins.COUNT];
        for (int i = 0; i < binThenPercent.length; i += 2) p[binThenPercent[i]] = binThenPercent[i + 1] / 100f;
        return p;
    }

    private static final double[] MIDS = Metrics.binAges(new int[0]);

    // a: right; b: one bin off with 60%; c: three bins off with 55%; d: three bins off with 90%; e: one off with 90%
    private final Evaluation e = new Evaluation("hand", null, List.of("a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg"),
            new int[]{2, 7, 25, 30, 50},
            new float[][]{probs(0, 100), probs(2, 60, 1, 40), probs(1, 55, 4, 45), probs(2, 90, 5, 10), probs(7, 90, 8, 10)},
            MIDS, "middle of the bin");

    @Test
    void metricsComeFromTheTrueAgesAndProbabilities() {
        Metrics m = e.metrics();
        assertEquals(5, m.count());
        assertEquals(1 / 5.0, m.accuracy(), 1e-12);
        assertEquals(3 / 5.0, m.oneOffAccuracy(), 1e-12);   // a, b (1->2), e (8->7)
        // expected ages: a 2; b 0.6*14+0.4*7=11.2; c 0.55*7+0.45*24.5=14.875; d 0.9*14+0.1*29.5=15.55; e 0.9*41.5+0.1*49.5=42.3
        double mae = (0 + Math.abs(11.2 - 7) + Math.abs(14.875 - 25) + Math.abs(15.55 - 30) + Math.abs(42.3 - 50)) / 5;
        assertEquals(mae, m.maeYears(), 1e-5);
    }

    @Test
    void worstMistakesAreFurthestFirstThenMostConfident() {
        List<Evaluation.Mistake> worst = e.worstMistakes(10);
        assertEquals(List.of("d.jpg", "c.jpg", "e.jpg", "b.jpg"), worst.stream().map(Evaluation.Mistake::file).toList());
        Evaluation.Mistake d = worst.get(0);
        assertEquals(5, d.trueBin());
        assertEquals(2, d.predictedBin());
        assertEquals(0.9, d.confidence(), 1e-6);
        assertEquals(3, d.binsOff());
        assertEquals(2, e.worstMistakes(2).size());
    }

    @Test
    void anAgeOutsideEveryBinIsRefusedNamingTheFile() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new Evaluation("x", null,
                List.of("old.jpg"), new int[]{130}, new float[][]{probs(0, 100)}, MIDS, "mid"));
        assertTrue(ex.getMessage().contains("old.jpg"), ex.getMessage());
    }

    @Test
    void comparisonTableHasOneRowPerModelAndMarksTheBest() {
        var t = ModelComparison.table(List.of(e, e), "hand");
        assertEquals(2, t.rowCount());
        assertEquals("hand *", t.stringColumn("model").get(0));
        assertEquals(20.0, t.doubleColumn("accuracy %").get(0), 1e-9);
        assertEquals(60.0, t.doubleColumn("one-off %").get(0), 1e-9);
        Metrics.Intervals ci = e.metrics().intervals95();
        assertEquals(ci.accuracy().format(100, 1), t.stringColumn("accuracy 95%").get(0));
        assertEquals(ci.maeYears().format(1, 2), t.stringColumn("MAE 95%").get(0));
        assertTrue(ci.accuracy().contains(0.2), ci.toString());
    }
}
