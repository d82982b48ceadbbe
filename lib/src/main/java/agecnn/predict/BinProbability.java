package agecnn.predict;

/** One age bin and the probability a model gave it. */
public record BinProbability(int bin, String label, double probability) {

    @Override
    public String toString() {
        return String.format("%s %.0f%%", label, 100 * probability);
    }
}
