package agecnn.testing;

import agecnn.data.AgeBins;
import agecnn.eval.Evaluation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntBinaryOperator;
import java.util.function.IntUnaryOperator;

/** Evaluations made from bare probabilities, for tests of what is said and kept about scored models. */
public final class Evaluations {

    private Evaluations() {}

    /**
     * {@code perBin} test images of each bin (aged the bin's lower edge, named {@code b<bin>_<i>.jpg}), each given
     * all its probability in the bin {@code predicted} maps its true bin to.
     */
    public static Evaluation predicting(String model, int perBin, IntUnaryOperator predicted) {
        return predicting(model, perBin, (bin, i) -> predicted.applyAsInt(bin));
    }

    /** The same, the predicted bin chosen per image: {@code predicted(true bin, i)} for the i-th image of the bin. */
    public static Evaluation predicting(String model, int perBin, IntBinaryOperator predicted) {
        List<String> files = new ArrayList<>();
        int[] ages = new int[perBin * AgeBins.COUNT];
        float[][] probs = new float[ages.length][AgeBins.COUNT];
        for (int b = 0, k = 0; b < AgeBins.COUNT; b++) {
            for (int i = 0; i < perBin; i++, k++) {
                files.add("b" + b + "_" + i + ".jpg");
                ages[k] = AgeBins.lower(b);
                probs[k][predicted.applyAsInt(b, i)] = 1;
            }
        }
        return new Evaluation(model, null, files, ages, probs, Nets.BIN_AGES, "the bins of the tests");
    }
}
