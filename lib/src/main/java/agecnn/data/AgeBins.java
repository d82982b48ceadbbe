package agecnn.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The 12 age bins of the original study: the one place where their edges live.
 * Bins are closed intervals of whole years; ages outside [1, 120] belong to no bin.
 */
public final class AgeBins {

    /** Inclusive lower and upper edge of each bin, in years. */
    private static final int[][] EDGES = {
        {1, 3}, {4, 10}, {11, 17}, {18, 22}, {23, 26}, {27, 32},
        {33, 37}, {38, 45}, {46, 53}, {54, 62}, {63, 73}, {74, 120}
    };

    public static final int COUNT = EDGES.length;
    public static final int MIN_AGE = EDGES[0][0];
    public static final int MAX_AGE = EDGES[COUNT - 1][1];

    private AgeBins() {}

    /** The bin of an age, or -1 when the age lies outside every bin. */
    public static int binOf(int age) {
        for (int b = 0; b < COUNT; b++) {
            if (age >= EDGES[b][0] && age <= EDGES[b][1]) return b;
        }
        return -1;
    }

    public static boolean inRange(int age) {
        return binOf(age) >= 0;
    }

    public static int lower(int bin) {
        return EDGES[check(bin)][0];
    }

    public static int upper(int bin) {
        return EDGES[check(bin)][1];
    }

    /** The label the original study used, e.g. {@code (27-32)}. */
    public static String label(int bin) {
        return "(" + lower(bin) + "-" + upper(bin) + ")";
    }

    public static List<String> labels() {
        List<String> out = new ArrayList<>();
        for (int b = 0; b < COUNT; b++) out.add(label(b));
        return Collections.unmodifiableList(out);
    }

    /** The bin whose label is given, e.g. {@code (27-32)} gives 5. */
    public static int ofLabel(String label) {
        for (int b = 0; b < COUNT; b++) {
            if (label(b).equals(label.trim())) return b;
        }
        throw new IllegalArgumentException("unknown age bin label '" + label + "'; expected one of " + labels());
    }

    private static int check(int bin) {
        if (bin < 0 || bin >= COUNT) {
            throw new IllegalArgumentException("age bin must be in 0.." + (COUNT - 1) + ", got " + bin);
        }
        return bin;
    }
}
