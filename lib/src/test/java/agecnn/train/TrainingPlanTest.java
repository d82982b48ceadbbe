package agecnn.train;

import agecnn.data.AgeBins;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

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
    void aNegativeSpreadIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plan(0, -1));
        assertTrue(e.getMessage().contains("label spread"), e.getMessage());
    }
}
