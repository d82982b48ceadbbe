package agecnn.predict;

import agecnn.data.AgeBins;
import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the model says about one face: the probability of each age bin and the expected age.
 *
 * @param face        the detector's box, in the photo's pixels; null when the whole image was the face
 * @param crop        the square that was cut out and given to the model (may reach past the edges)
 * @param expectedAge the mean of the bins' ages weighted by their probabilities (see Metrics.expectedAge), or for a
 *                    model with a years head its mean over years (see agecnn.nets.AgeHead)
 */
public record FacePrediction(FaceBox face, Rectangle crop, float[] probabilities, double expectedAge) {

    /** The {@code k} most probable bins, most probable first. */
    public List<BinProbability> top(int k) {
        List<BinProbability> all = new ArrayList<>();
        for (int b = 0; b < probabilities.length; b++) all.add(new BinProbability(b, AgeBins.label(b), probabilities[b]));
        all.sort(Comparator.comparingDouble(BinProbability::probability).reversed());
        return all.subList(0, Math.min(k, all.size()));
    }

    public BinProbability best() {
        return top(1).get(0);
    }

    @Override
    public String toString() {
        return String.format("%s, expected age %.1f%s", top(3), expectedAge,
                face == null ? "" : String.format(" (face at %d,%d %dx%d)", face.rounded().x, face.rounded().y,
                        face.rounded().width, face.rounded().height));
    }
}
