package agecnn.data;

import agecnn.config.Settings;
import agecnn.io.Csv;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Which image goes to train, val or test: a table {@code file, split, bin}, saved as that CSV.
 * Both protocols are stratified by bin and deterministic for a seed: each bin is shuffled by
 * its own generator, so the split of one bin does not depend on the others.
 */
public final class Split {

    /** The names of the three splits: the one place where they are spelled. */
    public static final String TRAIN = "train", VAL = "val", TEST = "test";
    public static final List<String> NAMES = List.of(TRAIN, VAL, TEST);
    /** The column holding the split's name, here and in every table of images with their split. */
    public static final String COLUMN = "split";
    /** The columns of the split table and of its CSV file, in order. */
    public static final List<String> COLUMNS = List.of(IndexColumns.FILE, COLUMN, CleanData.BIN);

    private final Table table;

    private Split(Table table) {
        this.table = table;
    }

    /** A split from a table already shaped {@code file, split, bin} (not validated: see {@link #read}). */
    static Split of(Table table) {
        return new Split(table);
    }

    /**
     * The original study's protocol: {@code train/val/test} images per bin (800/100/100).
     * A bin with too few images still gets its full val and test quota when it can, and
     * train gets what is left; that shortfall is visible in {@link #counts()}.
     */
    public static Split balanced(Table clean, int train, int val, int test, long seed) {
        Table out = empty();
        for (Map.Entry<Integer, List<String>> e : filesPerBin(clean, seed).entrySet()) {
            List<String> files = e.getValue();
            int n = files.size();
            int nTest = Math.min(test, n);
            int nVal = Math.min(val, n - nTest);
            int nTrain = Math.min(train, n - nTest - nVal);   // train = MAX_VALUE: all the rest
            add(out, files.subList(0, nTest), TEST, e.getKey());
            add(out, files.subList(nTest, nTest + nVal), VAL, e.getKey());
            add(out, files.subList(nTest + nVal, nTest + nVal + nTrain), TRAIN, e.getKey());
        }
        return new Split(out);
    }

    /** Every image: valFraction and testFraction of each bin (at least one each), the rest to train. */
    public static Split all(Table clean, double valFraction, double testFraction, long seed) {
        Table out = empty();
        for (Map.Entry<Integer, List<String>> e : filesPerBin(clean, seed).entrySet()) {
            List<String> files = e.getValue();
            int n = files.size();
            int nTest = Math.min(n, Math.max(1, (int) Math.round(n * testFraction)));
            int nVal = Math.min(n - nTest, Math.max(1, (int) Math.round(n * valFraction)));
            add(out, files.subList(0, nTest), TEST, e.getKey());
            add(out, files.subList(nTest, nTest + nVal), VAL, e.getKey());
            add(out, files.subList(nTest + nVal, n), TRAIN, e.getKey());
        }
        return new Split(out);
    }

    /**
     * The study's balanced validation and test sets (their per-bin quota, taken first), and
     * every other image in train: more training data, while the scores stay comparable with
     * the study's balanced test set. Training uses {@link #classWeights()}.
     */
    public static Split balancedEval(Table clean, int val, int test, long seed) {
        return balanced(clean, Integer.MAX_VALUE, val, test, seed);
    }

    /**
     * The split a run's parameters ask for: {@code SPLIT_FILE} when set, else the
     * {@code SPLIT_PROTOCOL} (balanced_eval: the profile's val/test quota, the rest to train;
     * balanced: the profile's per-bin quota; all: 80/10/10 per bin).
     */
    public static Split make(Settings settings, Table clean) throws IOException {
        if (settings.split().file() != null) return read(settings.split().file(), clean);
        return switch (settings.split().protocol()) {
            case BALANCED_EVAL -> balancedEval(clean, settings.split().balancedVal(), settings.split().balancedTest(), settings.seed());
            case BALANCED -> balanced(clean, settings.split().balancedTrain(), settings.split().balancedVal(), settings.split().balancedTest(), settings.seed());
            case ALL -> all(clean, 0.1, 0.1, settings.seed());
        };
    }

    /** The files of each bin, sorted by name and then shuffled by the bin's own generator. */
    private static Map<Integer, List<String>> filesPerBin(Table clean, long seed) {
        Map<Integer, List<String>> perBin = new LinkedHashMap<>();
        for (int b = 0; b < AgeBins.COUNT; b++) perBin.put(b, new ArrayList<>());
        StringColumn file = clean.stringColumn(IndexColumns.FILE);
        IntColumn bin = clean.intColumn(CleanData.BIN);
        for (int r = 0; r < clean.rowCount(); r++) perBin.get(bin.getInt(r)).add(file.get(r));
        perBin.forEach((b, files) -> {
            Collections.sort(files);
            Collections.shuffle(files, new Random(seed * 1_000_003L + b));
        });
        return perBin;
    }

    public Table table() { return table; }

    /** Files of one split, in table order. */
    public List<String> files(String split) {
        return table.where(table.stringColumn(COLUMN).isEqualTo(split)).stringColumn(IndexColumns.FILE).asList();
    }

    /** Bins of one split, aligned with {@link #files(String)}. */
    public int[] bins(String split) {
        return table.where(table.stringColumn(COLUMN).isEqualTo(split)).intColumn(CleanData.BIN).asIntArray();
    }

    /** Images per bin and split: bin label, train, val, test, total. */
    public Table counts() {
        Table t = BinCounts.crossTab("images per bin and split", "bin", table.intColumn(CleanData.BIN),
                table.stringColumn(COLUMN), NAMES);
        IntColumn total = IntColumn.create("total", new int[AgeBins.COUNT]);
        for (String name : NAMES) {
            for (int b = 0; b < AgeBins.COUNT; b++) total.set(b, total.getInt(b) + t.intColumn(name).getInt(b));
        }
        return t.addColumns(total);
    }

    /**
     * Class weights for training on this split's train part: n / (k * n_b), so every bin
     * weighs as much in the loss as it would in a balanced set. A bin with no training image gets 0.
     */
    public double[] classWeights() {
        int[] n = new int[AgeBins.COUNT];
        int total = 0;
        for (int b : bins(TRAIN)) {
            n[b]++;
            total++;
        }
        int present = 0;
        for (int x : n) if (x > 0) present++;
        double[] w = new double[AgeBins.COUNT];
        for (int b = 0; b < AgeBins.COUNT; b++) w[b] = n[b] == 0 ? 0 : (double) total / (present * n[b]);
        return w;
    }

    /** {@link #classWeights()} as a table: bin label, train images, weight. */
    public Table classWeightTable() {
        double[] w = classWeights();
        Table counts = counts();
        Table t = Table.create("class weights", StringColumn.create("bin"), IntColumn.create("train images"),
                DoubleColumn.create("weight"));
        for (int b = 0; b < AgeBins.COUNT; b++) {
            t.stringColumn("bin").append(AgeBins.label(b));
            t.intColumn("train images").append(counts.intColumn(TRAIN).get(b));
            t.doubleColumn("weight").append(Math.round(w[b] * 1000) / 1000.0);
        }
        return t;
    }

    /**
     * Fails when one content (by SHA-256 in the index) appears in two splits, or a file is
     * listed twice: the guarantee that test images were never seen in training.
     */
    public void checkNoLeak(Table index) {
        Map<String, String> hashOf = new HashMap<>();
        for (int r = 0; r < index.rowCount(); r++) {
            hashOf.put(index.getString(r, IndexColumns.FILE), index.getString(r, IndexColumns.SHA256));
        }
        Map<String, String> splitOfHash = new HashMap<>();
        Map<String, String> fileOfHash = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (int r = 0; r < table.rowCount(); r++) {
            String f = table.getString(r, IndexColumns.FILE), s = table.getString(r, COLUMN);
            if (!seen.add(f)) throw new IllegalStateException("split leak: " + f + " is listed twice");
            String h = hashOf.get(f);
            if (h == null) continue;
            String other = splitOfHash.putIfAbsent(h, s);
            if (other != null && !other.equals(s)) {
                throw new IllegalStateException("split leak: " + f + " (" + s + ") has the same content as "
                        + fileOfHash.get(h) + " (" + other + ")");
            }
            fileOfHash.putIfAbsent(h, f);
        }
    }

    /** Writes {@code file,split,bin}, one row per image, the bin as its number (0-11). */
    public void save(Path csv) throws IOException {
        Csv.write(table, csv);
    }

    /**
     * Reads a split CSV and checks it against the clean data. The columns {@code file}, {@code split}
     * and {@code bin} may come in any order, among others (left aside); a field with a comma is
     * quoted, as any CSV writer does. The bin is its number (0-11) or its age range in any usual
     * form ({@code (27-32)}, the study's {@code [27, 32]}, {@code 27-32}: see {@link AgeBins#parse}).
     * Every file must be among the clean images, once, with the bin of its age. Errors name the
     * CSV, the line (as an editor shows it) and what was expected.
     */
    public static Split read(Path csv, Table clean) throws IOException {
        Csv.Rows rows = Csv.readText(csv).require(COLUMNS);
        Map<String, Integer> rowOf = new HashMap<>();
        StringColumn cleanFile = clean.stringColumn(IndexColumns.FILE);
        for (int r = 0; r < clean.rowCount(); r++) rowOf.put(cleanFile.get(r), r);
        Table in = rows.table();
        StringColumn file = in.stringColumn(IndexColumns.FILE), split = in.stringColumn(COLUMN), binText = in.stringColumn(CleanData.BIN);
        Map<String, Integer> lineOf = new HashMap<>();
        Table out = empty();
        for (int r = 0; r < in.rowCount(); r++) {
            String f = file.get(r), s = split.get(r);
            if (f.isEmpty()) throw new IOException(rows.at(r) + "file is empty; expected an image's file name");
            if (!NAMES.contains(s)) {
                throw new IOException(rows.at(r) + "split must be " + TRAIN + ", " + VAL + " or " + TEST + ", found '" + s + "'");
            }
            int bin;
            try {
                bin = AgeBins.parse(binText.get(r));
            } catch (IllegalArgumentException e) {
                throw new IOException(rows.at(r) + "bin: " + e.getMessage());
            }
            Integer c = rowOf.get(f);
            if (c == null) {
                throw new IOException(rows.at(r) + "'" + f + "' is not among the scrubbed images "
                        + "(unknown file, a duplicate that was resolved away, or an age outside every bin)");
            }
            int expected = clean.intColumn(CleanData.BIN).getInt(c);
            if (expected != bin) {
                throw new IOException(rows.at(r) + "'" + f + "' has bin " + bin + " " + AgeBins.label(bin) + " in the split, but its age, "
                        + clean.intColumn(IndexColumns.AGE).getInt(c) + ", is in bin " + expected + " " + AgeBins.label(expected)
                        + " (are the bin edges the same?)");
            }
            Integer first = lineOf.putIfAbsent(f, rows.line(r));
            if (first != null) throw new IOException(rows.at(r) + "'" + f + "' is listed twice (first on line " + first + ")");
            add(out, List.of(f), s, bin);
        }
        return new Split(out);
    }

    private static Table empty() {
        return Table.create("split", StringColumn.create(IndexColumns.FILE), StringColumn.create(COLUMN), IntColumn.create(CleanData.BIN));
    }

    private static void add(Table t, List<String> files, String split, int bin) {
        for (String f : files) {
            t.stringColumn(IndexColumns.FILE).append(f);
            t.stringColumn(COLUMN).append(split);
            t.intColumn(CleanData.BIN).append(bin);
        }
    }
}
