package agecnn.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * A bin's age range in any of the usual forms: {@code (27-32)}, {@code [27, 32]}, {@code [04, 10]}, {@code {4, 10}},
     * {@code 27-32}, {@code 27–32} (an en dash); zero-padded or not, with or without spaces.
     */
    private static final Pattern RANGE = Pattern.compile("([\\[({]?)\\s*(\\d{1,3})\\s*[-\u2013,]\\s*(\\d{1,3})\\s*([\\])}]?)");

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

    /**
     * The bin a text names: its number, 0-11, or its age range in any usual form, e.g. the label
     * {@code (27-32)}, the study's folder name {@code [27, 32]} (or {@code [04, 10]}), or {@code 27-32}.
     *
     * @throws IllegalArgumentException saying what was expected, when the text names no bin
     */
    public static int parse(String text) {
        String s = text.strip();
        if (s.matches("\\d{1,3}")) {
            int b = Integer.parseInt(s);
            if (b < COUNT) return b;
            throw new IllegalArgumentException("bin number must be 0-" + (COUNT - 1) + ", found '" + text + "'");
        }
        Matcher m = RANGE.matcher(s);
        if (m.matches() && m.group(1).isEmpty() == m.group(4).isEmpty()) {
            int lower = Integer.parseInt(m.group(2)), upper = Integer.parseInt(m.group(3));
            for (int b = 0; b < COUNT; b++) {
                if (EDGES[b][0] == lower && EDGES[b][1] == upper) return b;
            }
            throw new IllegalArgumentException("ages " + lower + "-" + upper + " are not the range of any bin, found '" + text
                    + "'; the bins are " + String.join(" ", labels()));
        }
        throw new IllegalArgumentException("expected a bin number 0-" + (COUNT - 1)
                + " or an age range such as (27-32), [27, 32] or 27-32, found '" + text + "'");
    }

    private static int check(int bin) {
        if (bin < 0 || bin >= COUNT) {
            throw new IllegalArgumentException("age bin must be in 0.." + (COUNT - 1) + ", got " + bin);
        }
        return bin;
    }
}
