package agecnn.model;

import agecnn.notebook.Params;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * How a model is trained: Adam whose learning rate shrinks by {@code lrDecay} each epoch, for at
 * most {@code epochs} epochs of {@code batchSize} images, stopping after {@code patience} epochs
 * without a better validation accuracy (0: never), with or without augmentation, every random
 * choice drawn from {@code seed}.
 *
 * @param epochImages    training images per epoch, a fresh random draw each epoch; 0: all of them
 * @param mirrorFeatures when augmenting a model trained on cached backbone outputs, also cache the
 *                       outputs of the mirrored images (doubles the backbone's pass)
 */
public record TrainingPlan(int epochs, int batchSize, int epochImages, double learningRate, double lrDecay, int patience,
                           boolean augment, boolean mirrorFeatures, long seed) {

    /** Images scored after each epoch to report the training loss and accuracy (a fixed sample of the training set). */
    public static final int TRAIN_SAMPLE = 1200;

    public TrainingPlan {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        if (epochImages < 0) throw new IllegalArgumentException("images per epoch must be 0 (all) or more, got " + epochImages);
    }

    /** Every training image in every epoch; mirrored backbone outputs when augmenting. */
    public TrainingPlan(int epochs, int batchSize, double learningRate, double lrDecay, int patience, boolean augment, long seed) {
        this(epochs, batchSize, 0, learningRate, lrDecay, patience, augment, augment, seed);
    }

    public static TrainingPlan of(Params p) {
        return new TrainingPlan(p.epochs, p.batchSize, p.epochImages, p.learningRate, p.lrDecay, p.patience, p.augment,
                p.augmentFeatures, p.seed);
    }

    /** Images trained on per epoch, out of {@code trainingImages}. */
    public int imagesPerEpoch(int trainingImages) {
        return epochImages == 0 ? trainingImages : Math.min(epochImages, trainingImages);
    }

    /** Whether the mirrored images' backbone outputs are cached too. */
    public boolean cachesMirrors() {
        return augment && mirrorFeatures;
    }

    /** Adam with the learning rate decaying by epoch (DL4J reads the epoch from the network's configuration). */
    public IUpdater updater() {
        return new Adam(new ExponentialSchedule(ScheduleType.EPOCH, learningRate, lrDecay));
    }

    /** The learning rate in epoch {@code epoch} (0-based). */
    public double learningRate(int epoch) {
        return learningRate * Math.pow(lrDecay, epoch);
    }
}
