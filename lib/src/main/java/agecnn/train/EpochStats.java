package agecnn.train;

/**
 * What one epoch of training gave.
 *
 * @param epoch           1-based
 * @param fitLoss         mean loss of the training steps (class-weighted, with dropout, augmentation and the L1 penalty)
 * @param trainLoss       cross-entropy on a fixed sample of the training images, as they are, in inference mode
 * @param trainAccuracy   accuracy on that sample
 * @param valLoss         cross-entropy on the validation set
 * @param valAccuracy     accuracy on the validation set
 * @param learningRate    Adam's rate during the epoch
 * @param seconds         time of the epoch, training and scoring
 * @param imagesPerSecond training examples per second of training
 */
public record EpochStats(int epoch, double fitLoss, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
                         double learningRate, double seconds, double imagesPerSecond) {
}
