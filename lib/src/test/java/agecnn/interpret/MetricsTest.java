package agecnn.interpret;

import agecnn.scrub.AgeBins;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Small examples worked by hand. */
class MetricsTest {

    private static float[] oneHot(int bin) {
        float[] p = new float[AgeBins.COUNT];
        p[bin] = 1;
        return p;
    }

    private static final double[] MIDS = new double[AgeBins.COUNT];
    static {
        for (int b = 0; b < AgeBins.COUNT; b++) MIDS[b] = (AgeBins.lower(b) + AgeBins.upper(b)) / 2.0;
    }

    // truth: bins 0, 0, 1, 2, 5; predictions: 0, 1, 1, 4, 5
    private final Metrics m = new Metrics(new int[]{0, 0, 1, 2, 5}, new int[]{2, 3, 7, 14, 30},
            new float[][]{oneHot(0), oneHot(1), oneHot(1), oneHot(4), oneHot(5)}, MIDS);

    @Test
    void exactAndOneOffAccuracy() {
        assertEquals(3 / 5.0, m.accuracy(), 1e-12);      // 0, 1, 5 right
        assertEquals(4 / 5.0, m.oneOffAccuracy(), 1e-12); // 0->1 counts as one off; 2->4 does not
    }

    @Test
    void maeUsesExpectedAgeOfTheBinAges() {
        // predicted ages (midpoints): 2, 7, 7, 24.5, 29.5 vs true 2, 3, 7, 14, 30
        double expected = (0 + 4 + 0 + 10.5 + 0.5) / 5;
        assertEquals(expected, m.maeYears(), 1e-9);
        // a half/half prediction between (1-3) and (4-10) is 0.5*2 + 0.5*7 = 4.5
        float[] half = new float[AgeBins.COUNT];
        half[0] = 0.5f;
        half[1] = 0.5f;
        assertEquals(4.5, Metrics.expectedAge(half, MIDS), 1e-9);
    }

    @Test
    void confusionAndPerBinScores() {
        int[][] c = m.confusion();
        assertEquals(1, c[0][0]);
        assertEquals(1, c[0][1]);
        assertEquals(1, c[1][1]);
        assertEquals(1, c[2][4]);
        // bin 0: precision 1/1, recall 1/2, F1 2/3; bin 1: precision 1/2, recall 1/1
        assertEquals(1.0, m.precision(0), 1e-12);
        assertEquals(0.5, m.recall(0), 1e-12);
        assertEquals(2 / 3.0, m.f1(0), 1e-12);
        assertEquals(0.5, m.precision(1), 1e-12);
        assertEquals(1.0, m.recall(1), 1e-12);
        // bin 2: never predicted right: recall 0, precision undefined (nothing predicted there)
        assertEquals(0.0, m.recall(2), 1e-12);
        assertTrue(Double.isNaN(m.precision(2)));
        // bin 4 was predicted but has no true image: left out of the macro averages
        assertTrue(Double.isNaN(m.recall(4)));
        // macro over bins 0, 1, 2, 5: recall (0.5 + 1 + 0 + 1) / 4
        assertEquals(2.5 / 4, m.macroRecall(), 1e-12);
        assertEquals((1 + 0.5 + 0 + 1) / 4, m.macroPrecision(), 1e-12);
        assertEquals(13, m.perBin().rowCount());
    }

    @Test
    void binAgesAreMeansOfTheGivenAgesOrTheMiddle() {
        double[] a = Metrics.binAges(new int[]{1, 3, 3, 80, 90, 0});
        assertEquals(7 / 3.0, a[0], 1e-12);
        assertEquals(85, a[11], 1e-12);
        assertEquals(7, a[1], 1e-12);   // (4+10)/2
    }

    @Test
    void rowNormalisedRowsAreSharesOfEachTrueBin() {
        double[][] r = m.rowNormalised();
        assertEquals(0.5, r[0][0], 1e-12);
        assertEquals(0.5, r[0][1], 1e-12);
        assertEquals(1.0, r[2][4], 1e-12);
        assertTrue(Double.isNaN(r[3][3]), "bin 3 has no true image");
        for (int t : new int[]{0, 1, 2, 5}) {
            double s = 0;
            for (double v : r[t]) s += v;
            assertEquals(1.0, s, 1e-12);
        }
    }

    @Test
    void expectedAgeOfSoftPredictions() {
        // 0.2 * 2 + 0.3 * 7 + 0.5 * 14 = 9.5; a row summing to 0.5 is read as its shares
        float[] p = new float[AgeBins.COUNT];
        p[0] = 0.2f;
        p[1] = 0.3f;
        p[2] = 0.5f;
        assertEquals(9.5, Metrics.expectedAge(p, MIDS), 1e-6);
        for (int b = 0; b < 3; b++) p[b] /= 2;
        assertEquals(9.5, Metrics.expectedAge(p, MIDS), 1e-6);
        // MAE of two images predicted softly: |9.5 - 10| and |9.5 - 4|
        Metrics soft = new Metrics(new int[]{1, 1}, new int[]{10, 4}, new float[][]{p, p}, MIDS);
        assertEquals((0.5 + 5.5) / 2, soft.maeYears(), 1e-6);
        assertEquals(0.0, soft.accuracy(), 1e-12);          // argmax is bin 2
        assertEquals(1.0, soft.oneOffAccuracy(), 1e-12);
    }

    @Test
    void binAgeTableSaysWhichAgeStandsForEachBin() {
        var t = Metrics.binAgeTable(MIDS, "middle of the bin");
        assertEquals(12, t.rowCount());
        assertEquals("(27-32)", t.stringColumn("bin").get(5));
        assertEquals(29.5, t.doubleColumn("age (years)").get(5), 1e-12);
        assertTrue(t.name().contains("middle of the bin"));
    }

    @Test
    void badProbabilitiesAndBinsAreRefusedNamingTheRow() {
        float[] nan = oneHot(0);
        nan[3] = Float.NaN;
        var e1 = assertThrows(IllegalArgumentException.class, () -> new Metrics(new int[]{0}, new int[]{1}, new float[][]{nan}, MIDS));
        assertTrue(e1.getMessage().contains("row 0") && e1.getMessage().contains("bin 3"), e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class,
                () -> new Metrics(new int[]{12}, new int[]{1}, new float[][]{oneHot(0)}, MIDS));
        assertTrue(e2.getMessage().contains("true bin"), e2.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new Metrics(new int[]{0}, new int[]{1}, new float[][]{new float[AgeBins.COUNT]}, MIDS));
    }

    @Test
    void mismatchedInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Metrics(new int[]{0}, new int[]{1, 2}, new float[][]{oneHot(0)}, MIDS));
        assertThrows(IllegalArgumentException.class, () -> new Metrics(new int[]{0}, new int[]{1}, new float[][]{new float[3]}, MIDS));
    }
}
