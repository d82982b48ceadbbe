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
 */
public record TrainingPlan(int epochs, int batchSize, double learningRate, double lrDecay, int patience, boolean augment,
                           long seed) {

    /** Images scored after each epoch to report the training loss and accuracy (a fixed sample of the training set). */
    public static final int TRAIN_SAMPLE = 2400;

    public TrainingPlan {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }

    public static TrainingPlan of(Params p) {
        return new TrainingPlan(p.epochs, p.batchSize, p.learningRate, p.lrDecay, p.patience, p.augment, p.seed);
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
