package agecnn.testing;

import agecnn.eval.Metrics;
import agecnn.eval.Predictions;
import agecnn.run.ModelScore;
import agecnn.train.EpochStats;
import agecnn.train.History;

import java.util.ArrayList;
import java.util.List;

/** A model's scores made up for tests of score tables and findings. */
public final class ModelScores {

    private ModelScores() {}

    /**
     * A model with one epoch per validation accuracy given, scored on three test images of
     * bins 0, 5 and 11, predicted right, one off and wrong.
     */
    public static ModelScore score(String name, double... valAccuracies) {
        List<EpochStats> epochs = new ArrayList<>();
        for (int i = 0; i < valAccuracies.length; i++) {
            epochs.add(new EpochStats(i + 1, 2.0 - i * 0.1, 1.9 - i * 0.1, 0.3 + 0.05 * i, 2.1 - i * 0.05, valAccuracies[i], 1e-3, 10, 100));
        }
        float[][] p = new float[3][12];
        p[0][0] = 1;
        p[1][6] = 1;
        p[2][2] = 1;
        Metrics m = new Metrics(new int[] {0, 5, 11}, new int[] {2, 30, 80}, p, Nets.BIN_AGES);
        return new ModelScore(name, name + " backbone", 64, new History(name, epochs), m, Predictions.loss(p, new int[] {0, 5, 11}), 42, "all");
    }
}
