package agecnn.nets;

import agecnn.config.Settings;
import agecnn.data.AgeBins;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The years head's bin sums and expected ages on distributions made by hand. The probabilities
 * are sums of powers of two, so float arithmetic gives the hand-worked values exactly.
 */
class AgeHeadTest {

    /** A years row [1, 120] with probability {@code p[k]} at age {@code ages[k]}. */
    private static INDArray years(int[] ages, float[] p) {
        float[] row = new float[AgeHead.YEARS.outputs()];
        for (int k = 0; k < ages.length; k++) row[AgeHead.indexOf(ages[k])] += p[k];
        return Nd4j.create(row, new long[] {1, row.length}, 'c');
    }

    @Test
    void theYearsAreOneToOneHundredTwenty() {
        assertEquals(120, AgeHead.YEARS.outputs());
        assertEquals(12, AgeHead.BINS.outputs());
        assertEquals(1, AgeHead.yearOf(0));
        assertEquals(120, AgeHead.yearOf(119));
        assertEquals(0, AgeHead.indexOf(1));
        assertEquals(119, AgeHead.indexOf(120));
        var e = assertThrows(IllegalArgumentException.class, () -> AgeHead.indexOf(121));
        assertEquals("age must be in 1..120, got 121", e.getMessage());
    }

    @Test
    void binProbabilitiesAreTheSumsOverEachBinsYears() {
        // half on 3 (bin 0), a quarter on 4 (bin 1, its first year), an eighth each on 10 (bin 1's last) and 120 (bin 11's last)
        INDArray y = years(new int[] {3, 4, 10, 120}, new float[] {0.5f, 0.25f, 0.125f, 0.125f});
        float[] bins = AgeHead.YEARS.toBins(y).toFloatVector();
        float[] expected = new float[AgeBins.COUNT];
        expected[0] = 0.5f;
        expected[1] = 0.375f;
        expected[11] = 0.125f;
        assertArrayEquals(expected, bins);
    }

    @Test
    void everyYearFallsInTheBinAgeBinsSays() {
        INDArray eye = Nd4j.eye(AgeHead.YEARS.outputs()).castTo(DataType.FLOAT);
        INDArray bins = AgeHead.YEARS.toBins(eye);
        assertArrayEquals(new long[] {120, 12}, bins.shape());
        for (int i = 0; i < 120; i++) {
            for (int b = 0; b < AgeBins.COUNT; b++) {
                assertEquals(b == AgeBins.binOf(i + 1) ? 1f : 0f, bins.getFloat(i, b), "age " + (i + 1) + ", bin " + b);
            }
        }
    }

    @Test
    void theExpectedAgeIsTheMeanOverYears() {
        INDArray rows = Nd4j.vstack(
                years(new int[] {3, 4, 10, 120}, new float[] {0.5f, 0.25f, 0.125f, 0.125f}),
                years(new int[] {23, 24, 25, 26}, new float[] {0.25f, 0.25f, 0.25f, 0.25f}),
                years(new int[] {37}, new float[] {1}));
        // 0.5*3 + 0.25*4 + 0.125*10 + 0.125*120 = 1.5 + 1 + 1.25 + 15
        assertArrayEquals(new double[] {18.75, 24.5, 37}, AgeHead.YEARS.expectedAges(rows, null));
        // the same rows as bins: one whole bin, (23-26), for the second
        assertEquals(1f, AgeHead.YEARS.toBins(rows).getFloat(1, 4));
    }

    @Test
    void theBinsHeadIsTheBinsAndItsExpectedAgeTheirAgesWeighted() {
        float[] p = new float[AgeBins.COUNT];
        p[0] = 0.5f;
        p[5] = 0.5f;
        INDArray row = Nd4j.create(p, new long[] {1, AgeBins.COUNT}, 'c');
        assertSame(row, AgeHead.BINS.toBins(row));
        double[] binAges = new double[AgeBins.COUNT];
        for (int b = 0; b < AgeBins.COUNT; b++) binAges[b] = 10 * b + 1;
        assertArrayEquals(new double[] {0.5 * 1 + 0.5 * 51}, AgeHead.BINS.expectedAges(row, binAges));
        var e = assertThrows(IllegalArgumentException.class, () -> AgeHead.BINS.expectedAges(row, null));
        assertEquals("need 12 bin ages for the expected age of a bins head, got none", e.getMessage());
    }

    @Test
    void outputsOfTheWrongWidthAreRefused() {
        INDArray twelve = Nd4j.zeros(DataType.FLOAT, 2, 12);
        var e = assertThrows(IllegalArgumentException.class, () -> AgeHead.YEARS.toBins(twelve));
        assertEquals("a years head gives [n, 120] outputs, got [2, 12]", e.getMessage());
    }

    @Test
    void eachYearWeighsWhatItsBinWeighs() {
        double[] binWeights = new double[AgeBins.COUNT];
        for (int b = 0; b < AgeBins.COUNT; b++) binWeights[b] = b + 0.5;
        double[] w = AgeHead.YEARS.classWeights(binWeights);
        assertEquals(120, w.length);
        for (int i = 0; i < 120; i++) assertEquals(AgeBins.binOf(i + 1) + 0.5, w[i], "age " + (i + 1));
        assertArrayEquals(binWeights, AgeHead.BINS.classWeights(binWeights));
    }

    @Test
    void aYearTargetPeaksAtTheAgeFallsOffAsAGaussianAndSumsToOne() {
        double sigma = 3;
        double[] y = AgeHead.yearTarget(30, sigma);
        double sum = 0;
        for (double v : y) sum += v;
        // 120 positive terms of at most 1 in double: rounding stays far below 1e-12
        assertEquals(1, sum, 1e-12);
        int peak = 0;
        for (int i = 1; i < y.length; i++) if (y[i] > y[peak]) peak = i;
        assertEquals(AgeHead.indexOf(30), peak);
        for (int d = 1; d <= 10; d++) {
            assertEquals(y[AgeHead.indexOf(30 - d)], y[AgeHead.indexOf(30 + d)], 0, "symmetric at " + d);
            // exp(-d^2 / (2 sigma^2)) of the peak, up to double rounding of the two exponentials
            assertEquals(Math.exp(-d * d / (2 * sigma * sigma)), y[AgeHead.indexOf(30 + d)] / y[AgeHead.indexOf(30)], 1e-12);
        }
    }

    @Test
    void atTheEdgesTheGaussianIsCutAndRenormalised() {
        double[] y = AgeHead.yearTarget(1, 3);
        double sum = 0;
        for (double v : y) sum += v;
        assertEquals(1, sum, 1e-12);
        // the half that would lie below age 1 is cut: the peak is worth more than for a middle age
        assertTrue(y[0] > AgeHead.yearTarget(30, 3)[AgeHead.indexOf(30)], "age 1 keeps more");
        double[] oneHot = AgeHead.yearTarget(7, 0);
        for (int i = 0; i < 120; i++) assertEquals(i == 6 ? 1 : 0, oneHot[i], "sigma 0, index " + i);
    }

    @Test
    void targetsOfSeveralExamplesAreTheirAgesRows() {
        int[] ages = {5, 80, 33};
        INDArray t = AgeHead.yearTargets(ages, new int[] {2, 0}, 2);
        assertArrayEquals(new long[] {2, 120}, t.shape());
        for (int i = 0; i < 120; i++) {
            assertEquals((float) AgeHead.yearTarget(33, 2)[i], t.getFloat(0, i));
            assertEquals((float) AgeHead.yearTarget(5, 2)[i], t.getFloat(1, i));
        }
    }

    @Test
    void namesAndSettings() {
        assertEquals(AgeHead.BINS, AgeHead.parse(null), "a file saved before heads had names");
        assertEquals(AgeHead.YEARS, AgeHead.parse("years"));
        assertEquals(AgeHead.BINS, AgeHead.parse("bins"));
        var e = assertThrows(IllegalArgumentException.class, () -> AgeHead.parse("decades"));
        assertEquals("age head must be 'bins' or 'years', got 'decades'", e.getMessage());
        assertEquals(AgeHead.YEARS, AgeHead.of(Settings.HeadKind.YEARS));
        assertEquals(AgeHead.BINS, AgeHead.of(Settings.HeadKind.BINS));
    }
}
