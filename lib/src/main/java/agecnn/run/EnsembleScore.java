package agecnn.run;

import agecnn.eval.Metrics;

import java.util.List;

/**
 * The ensemble 04_model makes of its best models ({@link TrainingSession#ensemble()}): its members
 * and its scores, measured as each trained model's are.
 *
 * @param name        the ensemble's model name ({@code ensemble})
 * @param members     its members, best validation accuracy first
 * @param imageSize   its input side, px (the largest member's)
 * @param valAccuracy accuracy on the validation set of the mean of the members' outputs, without
 *                    mirror images (as the trainer measures each model's)
 * @param valLoss     cross-entropy of the same
 * @param test        scores on the test set (mirror images averaged, as every saved model is scored)
 * @param testLoss    cross-entropy on the test set
 * @param seconds     time to score it on the validation and test sets
 */
public record EnsembleScore(String name, List<String> members, int imageSize, double valAccuracy, double valLoss, Metrics test,
                            double testLoss, double seconds) {

    public EnsembleScore {
        members = List.copyOf(members);
    }
}
