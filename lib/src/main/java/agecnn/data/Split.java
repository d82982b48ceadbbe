package agecnn.data;

import agecnn.config.RunRecord;
import agecnn.config.Settings;
import agecnn.io.Csv;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
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
import java.util.stream.Stream;

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
    /** The user's split file or folder, null when made by a protocol; how many files it lists; what reading it changed. */
    private final Path source;
    private final int listed;
    private final Table changes;

    private Split(Table table) {
        this(table, null, 0, emptyChanges());
    }

    private Split(Table table, Path source, int listed, Table changes) {
        this.table = table;
        this.source = source;
        this.listed = listed;
        this.changes = changes;
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
    public static Split make(Settings settings, CleanData data) throws IOException {
        if (settings.split().file() != null) return read(settings.split().file(), data);
        Table clean = data.table();
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
     * Reads the user's own split ({@code SPLIT_FILE}) and fits it to the scrubbed data. The split is
     * either a CSV file or a folder laid out as the original study's, {@code <split>/<bin>/<file>}
     * (the images themselves or empty placeholders: only the names count; hidden files are left aside).
     *
     * <p>The CSV has the columns {@code file}, {@code split} and {@code bin} in any order, among others
     * (left aside); it is read as any CSV writer writes it: quoted fields, commas inside quotes,
     * CRLF line ends, a byte-order mark. The bin, in the CSV or as a folder's name, is its number
     * (0-11) or its age range in any usual form ({@code (27-32)}, the study's {@code [27, 32]} or
     * {@code [04, 10]}, {@code 27-32}: see {@link AgeBins#parse}).
     *
     * <p>Every listed file must be an indexed image, in train, val or test, with the bin of its own
     * age; otherwise one error names the split and every wrong line (or path) with what was expected.
     * What the scrub changed is then carried over, and said in {@link #changes()}, without stopping:
     * a file resolved away as a byte-identical copy stands for the copy that was kept; a content listed
     * in two splits stays in the first of train, val, test and leaves the others (listed twice in one
     * split, it is kept once); a file whose copies' ages fall in different bins is dropped, as the scrub
     * dropped it.
     */
    public static Split read(Path source, CleanData clean) throws IOException {
        List<String> errors = new ArrayList<>();
        if (!Files.exists(source)) {
            throw new IOException(source + ": no such file or folder; expected a file,split,bin CSV or a folder <split>/<bin>/<file>");
        }
        List<Listing> listed;
        if (Files.isDirectory(source)) {
            listed = listFolder(source, errors);
        } else {
            listed = listCsv(source);
            if (listed.isEmpty()) errors.add("lists no file; expected a line file,split,bin per image");
        }
        return resolve(source, listed, clean, errors);
    }

    /** One file a user's split lists: where (a line of the CSV, a path in the folder), and its file, split and bin as written. */
    private record Listing(String where, String file, String split, String bin) {}

    private static List<Listing> listCsv(Path csv) throws IOException {
        Csv.Rows rows = Csv.readText(csv).require(COLUMNS);
        Table in = rows.table();
        StringColumn file = in.stringColumn(IndexColumns.FILE), split = in.stringColumn(COLUMN), bin = in.stringColumn(CleanData.BIN);
        List<Listing> out = new ArrayList<>();
        for (int r = 0; r < in.rowCount(); r++) out.add(new Listing("line " + rows.line(r), file.get(r), split.get(r), bin.get(r)));
        return out;
    }

    /** The files of a folder {@code <split>/<bin>/<file>}, in name order; a file at another depth is an error. */
    private static List<Listing> listFolder(Path dir, List<String> errors) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).map(dir::relativize).filter(p -> !hidden(p)).sorted().toList();
        }
        List<Listing> out = new ArrayList<>();
        for (Path p : files) {
            String where = p.toString().replace('\\', '/');
            if (p.getNameCount() != 3) {
                errors.add(where + ": expected the layout <split>/<bin>/<file>, e.g. " + TRAIN + "/[04, 10]/<file>");
            } else {
                out.add(new Listing(where, p.getName(2).toString(), p.getName(0).toString(), p.getName(1).toString()));
            }
        }
        if (files.isEmpty()) errors.add("holds no file; expected the layout <split>/<bin>/<file>, e.g. " + TRAIN + "/[04, 10]/<file>");
        return out;
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) if (part.toString().startsWith(".")) return true;
        return false;
    }

    /** A listing that passed the checks, and the content (the kept copy's file) it stands for. */
    private record Fitted(int at, String content) {}

    private static Split resolve(Path source, List<Listing> listed, CleanData clean, List<String> errors) throws IOException {
        Table index = clean.index(), kept = clean.table();
        Map<String, Integer> indexRow = new HashMap<>();
        Map<String, List<Integer>> copies = new HashMap<>();
        for (int r = 0; r < index.rowCount(); r++) {
            indexRow.put(index.getString(r, IndexColumns.FILE), r);
            copies.computeIfAbsent(index.getString(r, IndexColumns.SHA256), h -> new ArrayList<>()).add(r);
        }
        Map<String, String> keptOfHash = new HashMap<>();
        Map<String, Integer> binOfKept = new HashMap<>();
        for (int r = 0; r < kept.rowCount(); r++) {
            keptOfHash.put(kept.getString(r, IndexColumns.SHA256), kept.getString(r, IndexColumns.FILE));
            binOfKept.put(kept.getString(r, IndexColumns.FILE), kept.intColumn(CleanData.BIN).getInt(r));
        }

        Change[] change = new Change[listed.size()];
        String[] why = new String[listed.size()];
        List<Fitted> fitted = new ArrayList<>();
        for (int i = 0; i < listed.size(); i++) {
            Listing l = listed.get(i);
            int before = errors.size();
            if (l.file().isEmpty()) {
                errors.add(l.where() + ": file is empty; expected an image's file name");
                continue;
            }
            if (!NAMES.contains(l.split())) {
                errors.add(l.where() + ": split must be " + TRAIN + ", " + VAL + " or " + TEST + ", found '" + l.split() + "'");
            }
            int bin = -1;
            try {
                bin = AgeBins.parse(l.bin());
            } catch (IllegalArgumentException e) {
                errors.add(l.where() + ": bin: " + e.getMessage());
            }
            Integer r = indexRow.get(l.file());
            if (r == null) {
                errors.add(l.where() + ": '" + l.file() + "' is not among the " + index.rowCount() + " indexed images; expected a file "
                        + "of the data set (is it the same data set, or an index of a subset, MAX_PER_BIN?)");
                continue;
            }
            int age = index.intColumn(IndexColumns.AGE).getInt(r), expected = AgeBins.binOf(age);
            if (expected < 0) {
                errors.add(l.where() + ": '" + l.file() + "' is aged " + age + ", outside every bin (" + AgeBins.MIN_AGE + "-"
                        + AgeBins.MAX_AGE + "), so the scrub left it out; expected images with an age in a bin");
            } else if (bin >= 0 && bin != expected) {
                errors.add(l.where() + ": '" + l.file() + "' has bin " + bin + " " + AgeBins.label(bin) + " in the split, but its age, "
                        + age + ", is in bin " + expected + " " + AgeBins.label(expected) + " (are the bin edges the same?)");
            }
            if (errors.size() > before) continue;
            String hash = index.getString(r, IndexColumns.SHA256), content = keptOfHash.get(hash);
            if (content == null) {
                List<String> ages = new ArrayList<>();
                for (int c : copies.get(hash)) ages.add(index.getString(c, IndexColumns.FILE) + " (age " + index.intColumn(IndexColumns.AGE).getInt(c) + ")");
                change[i] = Change.DROPPED_CONFLICT;
                why[i] = "its byte-identical copies' ages fall in different bins: " + String.join(", ", ages)
                        + "; the scrub dropped every copy";
                continue;
            }
            fitted.add(new Fitted(i, content));
        }
        if (!errors.isEmpty()) {
            throw new IOException(errors.size() == 1 ? source + ": " + errors.get(0)
                    : source + ": " + errors.size() + " problems, every one listed:\n  " + String.join("\n  ", errors));
        }

        // each content once: in the first of train, val, test that lists it, at its first listing there
        Map<String, Fitted> chosen = new LinkedHashMap<>();
        for (Fitted f : fitted) {
            Fitted c = chosen.get(f.content());
            if (c == null || rank(listed.get(f.at()).split()) < rank(listed.get(c.at()).split())) chosen.put(f.content(), f);
        }
        Table out = empty();
        for (Fitted f : fitted) {
            Listing l = listed.get(f.at());
            Fitted c = chosen.get(f.content());
            String copy = f.content().equals(l.file()) ? "" : " (a byte-identical copy of " + f.content() + ", which the scrub kept)";
            if (c == f) {
                add(out, List.of(f.content()), l.split(), binOfKept.get(f.content()));
                if (!copy.isEmpty()) {
                    change[f.at()] = Change.REMAPPED;
                    why[f.at()] = "the scrub resolved it away as a byte-identical copy: it stands for " + f.content() + ", which was kept";
                }
                continue;
            }
            Listing first = listed.get(c.at());
            boolean sameSplit = first.split().equals(l.split());
            change[f.at()] = sameSplit ? Change.REPEATED : Change.LEFT;
            boolean named = first.file().equals(l.file()) || first.where().endsWith("/" + first.file());
            why[f.at()] = "its content" + copy + " is listed " + (sameSplit ? "already" : "in " + first.split()) + " at " + first.where()
                    + (named ? "" : " as " + first.file())
                    + (sameSplit ? ": kept once" : ": one image in two splits is a leak; it stays in " + first.split());
        }
        Table changes = emptyChanges();
        for (int i = 0; i < listed.size(); i++) {
            if (change[i] == null) continue;
            Listing l = listed.get(i);
            changes.stringColumn("listed at").append(l.where());
            changes.stringColumn(IndexColumns.FILE).append(l.file());
            changes.stringColumn(COLUMN).append(l.split());
            changes.stringColumn("change").append(change[i].text);
            changes.stringColumn("why").append(why[i]);
        }
        return new Split(out, source, listed.size(), changes);
    }

    /** A split's place in the order train, val, test: a content listed in two stays in the first. */
    private static int rank(String split) {
        return NAMES.indexOf(split);
    }

    /** What reading a user's split may change, without stopping the run (see {@link #read}). */
    public enum Change {
        REMAPPED("remapped_duplicates", "stands for the kept copy"),
        LEFT("leaks_removed", "left this split"),
        REPEATED("repeats_removed", "listed again: kept once"),
        DROPPED_CONFLICT("dropped_conflicting_bins", "dropped: copies disagree on the bin");

        /** The key in run.json, after {@code split_file_}. */
        public final String key;
        /** As the changes table says it. */
        public final String text;

        Change(String key, String text) {
            this.key = key;
            this.text = text;
        }
    }

    /**
     * What reading the user's split changed, one row per listed file that changed, in the split's
     * order: where it is listed, file, split (as listed), change, why. Empty for a split made here.
     */
    public Table changes() { return changes; }

    /** How many listed files had this change. */
    public int changed(Change c) {
        return (int) changes.stringColumn("change").isEqualTo(c.text).size();
    }

    /** The split file or folder this was read from, or null when a protocol made it. */
    public Path source() { return source; }

    /** One paragraph: where the split comes from and, for a user's split, what was changed. */
    public String describe() {
        if (source == null) return String.format("The split is made by SPLIT_PROTOCOL (no SPLIT_FILE): %,d images.", table.rowCount());
        return String.format("The split is read from %s, which lists %,d files: %,d stand for the byte-identical copy the scrub kept; "
                        + "%,d left val or test because their content is also listed in train (or val before test); %,d repeat a content "
                        + "already listed in the same split; %,d were dropped because their copies' ages fall in different bins. %,d images are in the split.",
                source, listed, changed(Change.REMAPPED), changed(Change.LEFT), changed(Change.REPEATED),
                changed(Change.DROPPED_CONFLICT), table.rowCount());
    }

    /** Writes {@link #changes()} as CSV, for a user's split (a split made here has none to write). */
    public void saveChanges(Path csv) throws IOException {
        if (source != null) Csv.write(changes, csv);
    }

    /** For run.json, when the split was read from a file: where from, how many files it lists, and the count of each change. */
    public void record(RunRecord record) {
        if (source == null) return;
        record.put("scrub", "split_file", source.toString());
        record.put("scrub", "split_file_listed", listed);
        for (Change c : Change.values()) record.put("scrub", "split_file_" + c.key, changed(c));
    }

    private static Table emptyChanges() {
        return Table.create("changes to the split file", StringColumn.create("listed at"), StringColumn.create(IndexColumns.FILE),
                StringColumn.create(COLUMN), StringColumn.create("change"), StringColumn.create("why"));
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
