package agecnn.eval;

import agecnn.data.AgeBins;
import agecnn.nets.AgeHead;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
    void perBinOneOffAndMaeAreThoseOfEachTrueBinsImages() {
        Table t = m.perBin();
        // bin 0: ages 2 and 3 given 2 and 7 (both within one bin); bin 2: age 14 given 24.5 (two bins off)
        assertEquals(1.0, t.doubleColumn("one_off").getDouble(0), 0);
        assertEquals(2.0, t.doubleColumn("mae_years").getDouble(0), 0);
        assertEquals(0.0, t.doubleColumn("one_off").getDouble(2), 0);
        assertEquals(10.5, t.doubleColumn("mae_years").getDouble(2), 0);
        assertEquals(0.5, t.doubleColumn("mae_years").getDouble(5), 0);
        assertTrue(Double.isNaN(t.doubleColumn("mae_years").getDouble(3)), "no image of bin 3");
        // macro: the mean over bins 0, 1, 2, 5
        assertEquals(0.75, t.doubleColumn("one_off").getDouble(12), 0);
        assertEquals(3.25, t.doubleColumn("mae_years").getDouble(12), 0);
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
    void aYearsModelsMaeIsItsMeanOverYearsNotTheBinAges() {
        // two images whose years distributions were made by hand: all on 4; three quarters on 2, a quarter on 10
        float[] y1 = new float[AgeHead.YEARS.outputs()], y2 = new float[AgeHead.YEARS.outputs()];
        y1[AgeHead.indexOf(4)] = 1;
        y2[AgeHead.indexOf(2)] = 0.75f;
        y2[AgeHead.indexOf(10)] = 0.25f;
        INDArray years = Nd4j.create(new float[][]{y1, y2});
        float[][] bins = AgeHead.YEARS.toBins(years).toFloatMatrix();
        double[] ages = AgeHead.YEARS.expectedAges(years, null);
        assertArrayEquals(new double[]{4, 0.75 * 2 + 0.25 * 10}, ages);
        // true ages 7 (bin (4-10)) and 3 (bin (1-3)): errors |4 - 7| = 3 and |4 - 3| = 1
        Metrics m = Metrics.withExpectedAges(new int[]{1, 0}, new int[]{7, 3}, bins, ages);
        assertEquals(2.0, m.maeYears(), 0);
        assertEquals(1.0, m.accuracy(), 0);
        // the bin ages (middles 2 and 7) would have given |7 - 7| = 0 and |0.75 * 2 + 0.25 * 7 - 3| = 0.25
        assertEquals(0.125, new Metrics(new int[]{1, 0}, new int[]{7, 3}, bins, MIDS).maeYears(), 0);
        var e = assertThrows(IllegalArgumentException.class, () -> Metrics.withExpectedAges(new int[]{1}, new int[]{7}, new float[][]{bins[0]},
                new double[]{4, 6}));
        assertEquals("need one expected age per image; got 2 for 1", e.getMessage());
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

    /**
     * A balanced set of 100 images per bin where image i of each bin is right when i < rightPerBin[bin],
     * one bin off (upwards, or downwards in the last bin) otherwise, with an error of (i % 10) years.
     */
    private static Metrics balanced(int[] rightPerBin, int copies) {
        int n = AgeBins.COUNT * 100 * copies;
        int[] bins = new int[n], ages = new int[n];
        float[][] probs = new float[n][];
        int k = 0;
        for (int c = 0; c < copies; c++) {
            for (int b = 0; b < AgeBins.COUNT; b++) {
                for (int i = 0; i < 100; i++, k++) {
                    bins[k] = b;
                    int predicted = i < rightPerBin[b] ? b : b == AgeBins.COUNT - 1 ? b - 1 : b + 1;
                    probs[k] = oneHot(predicted);
                    ages[k] = (int) Math.round(MIDS[predicted]) + (i % 10);
                }
            }
        }
        return new Metrics(bins, ages, probs, roundedMids());
    }

    private static double[] roundedMids() {
        double[] a = new double[AgeBins.COUNT];
        for (int b = 0; b < AgeBins.COUNT; b++) a[b] = Math.round(MIDS[b]);
        return a;
    }

    @Test
    void intervalsHoldTheScoresAndHaveTheBinomialWidth() {
        int[] right = new int[AgeBins.COUNT];
        java.util.Arrays.fill(right, 46);   // 46% right in every bin
        Metrics b = balanced(right, 1);
        Metrics.Intervals ci = b.intervals95();
        assertEquals(0.46, b.accuracy(), 1e-12);
        assertTrue(ci.accuracy().contains(b.accuracy()) && ci.oneOff().contains(b.oneOffAccuracy())
                && ci.maeYears().contains(b.maeYears()), ci.toString());
        // 1.96 standard errors of a share of 0.46 on 1,200 images each side: 2.8 points
        double half = 1.96 * Math.sqrt(0.46 * 0.54 / 1200);
        assertEquals(2 * half, ci.accuracy().high() - ci.accuracy().low(), 0.006);
        // every prediction is within one bin: nothing to resample
        assertEquals(new Metrics.Interval(1, 1), ci.oneOff());
        assertTrue(ci.maeYears().low() < b.maeYears() && b.maeYears() < ci.maeYears().high());
        // four times the images: half the width
        Metrics.Intervals four = balanced(right, 4).intervals95();
        double ratio = (ci.accuracy().high() - ci.accuracy().low()) / (four.accuracy().high() - four.accuracy().low());
        assertEquals(2, ratio, 0.3);
        // the same scores, the same intervals
        assertEquals(ci, balanced(right, 1).intervals95());
    }

    @Test
    void intervalsResampleWithinEachBinAsTheTestSetWasDrawn() {
        // bins 0-5 all right, 6-11 all wrong: any resample within bins is 50% right; a resample of the
        // whole set would swing by about 3 points either way
        int[] right = {100, 100, 100, 100, 100, 100, 0, 0, 0, 0, 0, 0};
        Metrics b = balanced(right, 1);
        assertEquals(new Metrics.Interval(0.5, 0.5), b.intervals95().accuracy());
        assertEquals("50.0-50.0", b.intervals95().accuracy().format(100, 1));
    }
}
