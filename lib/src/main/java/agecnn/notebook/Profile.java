package agecnn.notebook;

/**
 * How much work a run does. Each profile only sets defaults; every value can still be
 * overridden one by one through its own environment variable (see {@link Params}).
 */
public enum Profile {
    /** A tiny real subset, for CI: minutes in all. */
    SMOKE(32, 12, 8, 2, 2),
    /** The whole data set at a size a 2-core laptop finishes in about an hour. */
    DEFAULT(64, 0, 800, 100, 100),
    /** The original study's settings: 224x224, the work of a GPU. */
    FULL(224, 0, 800, 100, 100);

    /** Side of the square images fed to the models, in pixels. */
    public final int imageSize;
    /** Images kept per age bin when indexing; 0 keeps every image. */
    public final int maxPerBin;
    /** Images per bin in the balanced protocol's train, validation and test splits. */
    public final int balancedTrain, balancedVal, balancedTest;

    Profile(int imageSize, int maxPerBin, int balancedTrain, int balancedVal, int balancedTest) {
        this.imageSize = imageSize;
        this.maxPerBin = maxPerBin;
        this.balancedTrain = balancedTrain;
        this.balancedVal = balancedVal;
        this.balancedTest = balancedTest;
    }

    public static Profile parse(String name) {
        for (Profile p : values()) {
            if (p.name().equalsIgnoreCase(name.trim())) return p;
        }
        throw new IllegalArgumentException("PROFILE must be one of smoke, default, full; got '" + name + "'");
    }
}
