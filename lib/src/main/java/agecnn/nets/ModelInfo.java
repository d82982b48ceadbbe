package agecnn.nets;

import agecnn.data.AgeBins;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a saved model needs to be used correctly, travelling inside its artifact: the input it
 * expects (size, channel order, scaling, layout), the bins its outputs mean, how it was built
 * and trained, and what it scored. The predictor reads this, never a guess.
 *
 * @param ageHead what the network's output is a softmax over, {@link AgeHead#id()}: {@code bins}
 *                or {@code years}; null (files saved before heads had names) is bins. Read it
 *                through {@link #head()}.
 */
public record ModelInfo(
        String name,
        String backbone,
        int imageSize,
        String channelOrder,
        double scale,
        String layout,
        List<String> bins,
        int[][] binEdges,
        double[] binAges,
        Map<String, Object> training,
        Map<String, Object> metrics,
        String ageHead) {

    public static final String RGB = "RGB";
    public static final String NCHW = "NCHW";

    /**
     * A model of this project: RGB, scaled by 1/255, NCHW, the 12 bins of {@link AgeBins}.
     *
     * @param binAges the age in years that stands for each bin (see {@code Metrics.binAges})
     */
    public static ModelInfo of(String name, String backbone, int imageSize, double[] binAges,
                               Map<String, Object> training, Map<String, Object> metrics) {
        int[][] edges = new int[AgeBins.COUNT][];
        for (int b = 0; b < AgeBins.COUNT; b++) edges[b] = new int[]{AgeBins.lower(b), AgeBins.upper(b)};
        return new ModelInfo(name, backbone, imageSize, RGB, 1.0 / 255, NCHW, AgeBins.labels(), edges, binAges.clone(),
                new LinkedHashMap<>(training), new LinkedHashMap<>(metrics), AgeHead.BINS.id());
    }

    /** The head the network's outputs come from; {@link AgeHead#BINS} when the info names none. */
    public AgeHead head() {
        return AgeHead.parse(ageHead);
    }

    /** The same with another head. */
    public ModelInfo withHead(AgeHead head) {
        return new ModelInfo(name, backbone, imageSize, channelOrder, scale, layout, bins, binEdges, binAges, training, metrics,
                head.id());
    }

    /** The same with other metrics (set once the test set has been scored). */
    public ModelInfo withMetrics(Map<String, Object> newMetrics) {
        return new ModelInfo(name, backbone, imageSize, channelOrder, scale, layout, bins, binEdges, binAges, training,
                new LinkedHashMap<>(newMetrics), ageHead);
    }
}
