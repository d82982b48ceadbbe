package agecnn.config;

import java.util.List;

/**
 * How much work a run does. Each profile only sets defaults; every value can still be
 * overridden one by one through its own environment variable (see {@link Settings}).
 */
public enum Profile {
    /** A tiny real subset, for CI: minutes in all. */
    SMOKE(32, 12, 8, 2, 2, new Training(2, 32, 0, 64, 2, 2, 1, List.of("baseline", "mobilenet"))),
    /** The whole data set at sizes a 2-core laptop finishes in about an hour. */
    DEFAULT(64, 0, 800, 100, 100, new Training(15, 64, 0, 128, 2, 4, 7, List.of("baseline", "mobilenet", "faceresnet"))),
    /** The original study's settings: 224x224, 50 epochs, every backbone; the work of a GPU. */
    FULL(224, 0, 800, 100, 100, new Training(50, 32, 0, 224, 2, 8, 1,
            List.of("baseline", "squeezenet", "mobilenet", "faceresnet", "hseface", "vgg16", "vgg19", "resnet50", "efficientnetb0")));

    /** Side of the square images fed to the models, in pixels. */
    public final int imageSize;
    /** Images kept per age bin when indexing; 0 keeps every image. */
    public final int maxPerBin;
    /** Images per bin in the balanced protocol's train, validation and test splits. */
    public final int balancedTrain, balancedVal, balancedTest;
    /** What 04_model trains, and for how long. */
    public final Training training;

    /**
     * Training defaults of a profile.
     *
     * @param epochs            most epochs per model (early stopping may end sooner)
     * @param batchSize         images per training step
     * @param epochImages       training images per epoch (a fresh draw each epoch); 0: all
     * @param transferImageSize input side of the pretrained backbones (they see little at 32-64 px)
     * @param featureViews      views of each training image whose backbone outputs are cached when
     *                          augmenting: the image, its mirror, then random crops (one pass each)
     * @param patience          epochs without a better validation accuracy before stopping; 0 never stops early
     * @param trainableBlocks   last blocks of a pretrained backbone trained with the head
     * @param models            which models 04_model trains, in order
     */
    public record Training(int epochs, int batchSize, int epochImages, int transferImageSize, int featureViews, int patience,
                           int trainableBlocks, List<String> models) {}

    Profile(int imageSize, int maxPerBin, int balancedTrain, int balancedVal, int balancedTest, Training training) {
        this.imageSize = imageSize;
        this.maxPerBin = maxPerBin;
        this.balancedTrain = balancedTrain;
        this.balancedVal = balancedVal;
        this.balancedTest = balancedTest;
        this.training = training;
    }

    public static Profile parse(String name) {
        for (Profile p : values()) {
            if (p.name().equalsIgnoreCase(name.trim())) return p;
        }
        throw new IllegalArgumentException("PROFILE must be one of smoke, default, full; got '" + name + "'");
    }
}
