package agecnn.run;

import agecnn.eval.Metrics;
import agecnn.train.EpochStats;
import agecnn.train.History;

/**
 * One trained model's row of the scores table: its training (best epoch's train and
 * validation scores, time) and its test scores.
 *
 * @param name        the model
 * @param title       its backbone, for people
 * @param imageSize   input side, px
 * @param history     its epochs
 * @param test        scores on the test set
 * @param testLoss    cross-entropy on the test set
 * @param seconds     training time (for transfer models including the backbone's pass over the data)
 * @param stopReason  why training ended
 */
public record ModelScore(String name, String title, int imageSize, History history, Metrics test, double testLoss, double seconds,
                         String stopReason) {

    /** Training examples per second, averaged over the epochs. */
    public double imagesPerSecond() {
        return history.epochs().stream().mapToDouble(EpochStats::imagesPerSecond).average().orElse(Double.NaN);
    }
}
