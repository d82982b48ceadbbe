package agecnn.train;

import agecnn.config.Settings;
import agecnn.data.AgeBins;
import agecnn.nets.AgeHead;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
 * @param epochImages    training images per epoch, a fresh random draw each epoch; 0: all of them.
 *                       Models trained on cached backbone outputs always take all of them
 *                       ({@link #onCachedFeatures}): their epochs cost little.
 * @param featureViews   when augmenting a model trained on cached backbone outputs, how many views
 *                       of each training image are cached: 1, the image; 2, and its mirror image;
 *                       each one more, a random crop (see {@link FeatureExamples}). Each costs one
 *                       more backbone pass and as much disk again
 * @param labelSpread    how far each training label spreads over the neighbouring bins: the target
 *                       of an image in bin t is proportional to exp(-(b - t)^2 / (2 s^2)) over the
 *                       bins b, with s this value in bins; 0 trains on one-hot labels. Ages in
 *                       neighbouring bins look alike, and a spread label makes a guess one bin
 *                       off cost less than one five bins off (Gao et al., "Deep label distribution
 *                       learning with label ambiguity", 2017).
 * @param mixup          mixup's alpha (Zhang et al., "mixup: beyond empirical risk minimization",
 *                       2018): each training batch is blended with itself in another order,
 *                       inputs and targets alike, by a weight drawn from Beta(alpha, alpha); 0
 *                       trains on the batches as they are. A model on cached backbone outputs
 *                       blends those outputs (manifold mixup, Verma et al. 2019).
 * @param ageHead        what the network's output is a softmax over ({@link AgeHead}): with
 *                       {@link AgeHead#YEARS} the targets are Gaussians over years and
 *                       {@code labelSpread} is not read
 * @param ageSigma       with {@link AgeHead#YEARS}: the Gaussian's width in years ({@link AgeHead#yearTarget})
 */
public record TrainingPlan(int epochs, int batchSize, int epochImages, double learningRate, double lrDecay, int patience,
                           boolean augment, int featureViews, double labelSpread, double mixup, long seed, AgeHead ageHead,
                           double ageSigma) {

    /** Images scored after each epoch to report the training loss and accuracy (a fixed sample of the training set). */
    public static final int TRAIN_SAMPLE = 1200;

    public TrainingPlan {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        if (epochImages < 0) throw new IllegalArgumentException("images per epoch must be 0 (all) or more, got " + epochImages);
        if (featureViews < 1) throw new IllegalArgumentException("feature views must be at least 1, got " + featureViews);
        if (!(labelSpread >= 0)) throw new IllegalArgumentException("label spread must be 0 or more, got " + labelSpread);
        if (!(mixup >= 0)) throw new IllegalArgumentException("mixup must be 0 or more, got " + mixup);
        java.util.Objects.requireNonNull(ageHead, "age head");
        if (!(ageSigma >= 0) || Double.isInfinite(ageSigma)) throw new IllegalArgumentException("age sigma must be 0 or more, got " + ageSigma);
    }

    /** A plan for the 12-bin head. */
    public TrainingPlan(int epochs, int batchSize, int epochImages, double learningRate, double lrDecay, int patience,
                        boolean augment, int featureViews, double labelSpread, double mixup, long seed) {
        this(epochs, batchSize, epochImages, learningRate, lrDecay, patience, augment, featureViews, labelSpread, mixup, seed,
                AgeHead.BINS, 3);
    }

    /** Every training image in every epoch; mirrored backbone outputs when augmenting. */
    public TrainingPlan(int epochs, int batchSize, double learningRate, double lrDecay, int patience, boolean augment, long seed) {
        this(epochs, batchSize, 0, learningRate, lrDecay, patience, augment, 2, 0, 0, seed);
    }

    public static TrainingPlan of(Settings p) {
        return new TrainingPlan(p.training().epochs(), p.training().batchSize(), p.training().epochImages(), p.training().learningRate(), p.training().lrDecay(), p.training().patience(), p.training().augment(),
                p.training().featureViews(), p.training().labelSpread(), p.training().mixup(), p.seed(),
                AgeHead.of(p.training().ageHead()), p.training().ageSigma());
    }

    /**
     * The plan for a model trained on cached backbone outputs: every training image in every
     * epoch. EPOCH_IMAGES exists to bound models that train on images (an epoch of the study's
     * CNN over the whole data costs minutes on a laptop); an epoch of a head on cached outputs
     * costs seconds, and dropping most of its data would only cost accuracy.
     */
    public TrainingPlan onCachedFeatures() {
        return new TrainingPlan(epochs, batchSize, 0, learningRate, lrDecay, patience, augment, featureViews, labelSpread, mixup, seed,
                ageHead, ageSigma);
    }

    /** The same plan with another head (a backbone's own, when AGE_HEAD is {@code auto}). */
    public TrainingPlan withAgeHead(AgeHead head) {
        if (head == ageHead) return this;
        return new TrainingPlan(epochs, batchSize, epochImages, learningRate, lrDecay, patience, augment, featureViews,
                labelSpread, mixup, seed, head, ageSigma);
    }

    /** The same plan with its initial learning rate divided by {@code divisor} (a backbone's, e.g. {@link Backbone#learningRateDivisor}). */
    public TrainingPlan withLearningRateDividedBy(double divisor) {
        if (divisor == 1) return this;
        return new TrainingPlan(epochs, batchSize, epochImages, learningRate / divisor, lrDecay, patience, augment, featureViews,
                labelSpread, mixup, seed, ageHead, ageSigma);
    }

    /**
     * The plan as the trainer's checkpoint fingerprint reads it: the record's text, less the head
     * for a bins plan, so that checkpoints written before there were heads still resume.
     */
    public String fingerprintText() {
        String s = toString();
        return ageHead == AgeHead.BINS ? s.replace(", ageHead=BINS, ageSigma=" + ageSigma, "") : s;
    }

    /**
     * Training targets of the examples at {@code positions}, whose bins are {@code bins} and true
     * ages {@code ages}: for the bins head [n, 12] (one-hot, or spread by {@code labelSpread}),
     * for the years head [n, 120] ({@link AgeHead#yearTargets}); each row sums to 1.
     */
    public INDArray targets(int[] bins, int[] ages, int[] positions) {
        if (ageHead == AgeHead.YEARS) return AgeHead.yearTargets(ages, positions, ageSigma);
        float[] y = new float[positions.length * AgeBins.COUNT];
        for (int k = 0; k < positions.length; k++) {
            int t = bins[positions[k]];
            if (labelSpread == 0) {
                y[k * AgeBins.COUNT + t] = 1;
                continue;
            }
            double sum = 0;
            double[] w = new double[AgeBins.COUNT];
            for (int b = 0; b < AgeBins.COUNT; b++) sum += w[b] = Math.exp(-(b - t) * (b - t) / (2 * labelSpread * labelSpread));
            for (int b = 0; b < AgeBins.COUNT; b++) y[k * AgeBins.COUNT + b] = (float) (w[b] / sum);
        }
        return Nd4j.create(y, new long[] {positions.length, AgeBins.COUNT}, 'c');
    }

    /** The same for a bins plan, which needs no ages. */
    public INDArray targets(int[] bins, int[] positions) {
        if (ageHead == AgeHead.YEARS) throw new IllegalStateException("a years plan's targets need the true ages");
        return targets(bins, null, positions);
    }

    /** Images trained on per epoch, out of {@code trainingImages}. */
    public int imagesPerEpoch(int trainingImages) {
        return epochImages == 0 ? trainingImages : Math.min(epochImages, trainingImages);
    }

    /** Views of each training image whose backbone outputs are cached: 1 when not augmenting. */
    public int cachedViews() {
        return augment ? featureViews : 1;
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
