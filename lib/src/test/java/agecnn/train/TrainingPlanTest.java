package agecnn.train;

import agecnn.data.AgeBins;
import agecnn.nets.AgeHead;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingPlanTest {

    private static TrainingPlan plan(int epochImages, double spread) {
        return new TrainingPlan(3, 8, epochImages, 1e-3, 0.9, 2, true, 2, spread, 0, 5);
    }

    @Test
    void withoutSpreadTheTargetsAreOneHot() {
        INDArray y = plan(0, 0).targets(new int[] {4, 0, 11}, new int[] {2, 0});
        assertEquals(2, y.rows());
        assertEquals(AgeBins.COUNT, y.columns());
        for (int b = 0; b < AgeBins.COUNT; b++) {
            assertEquals(b == 11 ? 1f : 0f, y.getFloat(0, b), "row of position 2 (bin 11), bin " + b);
            assertEquals(b == 4 ? 1f : 0f, y.getFloat(1, b), "row of position 0 (bin 4), bin " + b);
        }
    }

    @Test
    void aSpreadLabelPeaksAtItsBinFallsOffEvenlyAndSumsToOne() {
        double s = 0.7;
        INDArray y = plan(0, s).targets(new int[] {5}, new int[] {0});
        double sum = 0;
        for (int b = 0; b < AgeBins.COUNT; b++) sum += y.getFloat(0, b);
        assertEquals(1, sum, 1e-5);
        assertEquals(y.getFloat(0, 4), y.getFloat(0, 6), 1e-7, "symmetric around the true bin");
        assertTrue(y.getFloat(0, 5) > y.getFloat(0, 6) && y.getFloat(0, 6) > y.getFloat(0, 7) && y.getFloat(0, 7) > y.getFloat(0, 8),
                "falls off with the distance in bins: " + y);
        // neighbour / true bin = exp(-1 / (2 s^2))
        assertEquals(Math.exp(-1 / (2 * s * s)), y.getFloat(0, 6) / y.getFloat(0, 5), 1e-5);
    }

    @Test
    void atTheEdgeTheSpreadIsRenormalisedOverTheBinsThatExist() {
        INDArray y = plan(0, 1).targets(new int[] {0}, new int[] {0});
        double sum = 0;
        for (int b = 0; b < AgeBins.COUNT; b++) sum += y.getFloat(0, b);
        assertEquals(1, sum, 1e-5);
        assertTrue(y.getFloat(0, 0) > 0.4, "bin 0 keeps the most: " + y);
    }

    @Test
    void cachedFeatureModelsTakeEveryImageButKeepTheRestOfThePlan() {
        TrainingPlan p = plan(500, 0.5), f = p.onCachedFeatures();
        assertEquals(500, p.imagesPerEpoch(2000));
        assertEquals(2000, f.imagesPerEpoch(2000));
        assertEquals(new TrainingPlan(3, 8, 0, 1e-3, 0.9, 2, true, 2, 0.5, 0, 5), f);
    }

    @Test
    void aYearsPlansTargetsAreGaussiansOverYearsAroundTheTrueAges() {
        TrainingPlan p = new TrainingPlan(3, 8, 0, 1e-3, 0.9, 2, true, 2, 0, 0, 5, AgeHead.YEARS, 2.5);
        int[] bins = {AgeBins.binOf(5), AgeBins.binOf(62), AgeBins.binOf(116)}, ages = {5, 62, 116};
        INDArray y = p.targets(bins, ages, new int[] {1, 2, 0});
        assertArrayEquals(new long[] {3, 120}, y.shape());
        int[] expected = {62, 116, 5};
        for (int k = 0; k < 3; k++) {
            // 120 float32 terms of at most 1: the sum's rounding stays below 120 * 2^-24 < 1e-5
            assertEquals(1, y.getRow(k).sumNumber().doubleValue(), 1e-5, "row " + k);
            assertEquals(AgeHead.indexOf(expected[k]), y.getRow(k).argMax().getInt(0), "row " + k + " peaks at its age");
        }
        var e = assertThrows(IllegalStateException.class, () -> p.targets(bins, new int[] {0}));
        assertEquals("a years plan's targets need the true ages", e.getMessage());
    }

    @Test
    void aBinsPlansFingerprintIsTheRecordAsItWasBeforeHeads() {
        TrainingPlan bins = plan(0, 0.5);
        String old = "TrainingPlan[epochs=3, batchSize=8, epochImages=0, learningRate=0.001, lrDecay=0.9, patience=2, augment=true, "
                + "featureViews=2, labelSpread=0.5, mixup=0.0, seed=5]";
        assertEquals(old, bins.fingerprintText(), "checkpoints written before heads existed still resume");
        TrainingPlan years = new TrainingPlan(3, 8, 0, 1e-3, 0.9, 2, true, 2, 0.5, 0, 5, AgeHead.YEARS, 3);
        assertEquals(years.toString(), years.fingerprintText());
        assertTrue(years.fingerprintText().contains("ageHead=YEARS, ageSigma=3.0"), years.fingerprintText());
    }

    @Test
    void aNegativeSpreadIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plan(0, -1));
        assertTrue(e.getMessage().contains("label spread"), e.getMessage());
    }
}
