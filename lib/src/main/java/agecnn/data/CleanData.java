package agecnn.data;

import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The index after scrubbing: one row per distinct content with a usable label, and its age
 * bin in the column {@code bin}. Also says what each step removed, for the report.
 */
public final class CleanData {

    public static final String BIN = "bin";

    private final Table index;
    private final Table table;
    private final Duplicates duplicates;
    private final Table outOfRange;
    private final Table steps;

    private CleanData(Table index, Table table, Duplicates duplicates, Table outOfRange, Table steps) {
        this.index = index;
        this.table = table;
        this.duplicates = duplicates;
        this.outOfRange = outOfRange;
        this.steps = steps;
    }

    /** Resolves duplicates (see {@link Duplicates}), then bins the ages, leaving out those in no bin. */
    public static CleanData scrub(Table index) {
        Duplicates dups = Duplicates.resolve(index);
        Table kept = dups.kept();
        IntColumn age = kept.intColumn(IndexColumns.AGE);
        IntColumn bin = IntColumn.create(BIN);
        for (int r = 0; r < kept.rowCount(); r++) bin.append(AgeBins.binOf(age.getInt(r)));
        Table withBins = kept.copy().addColumns(bin);
        Table outOfRange = withBins.where(withBins.intColumn(BIN).isLessThan(0))
                .selectColumns(IndexColumns.FILE, IndexColumns.AGE).setName("ages outside " + AgeBins.MIN_AGE + "-" + AgeBins.MAX_AGE);
        Table clean = withBins.where(withBins.intColumn(BIN).isGreaterThanOrEqualTo(0)).setName("clean");

        Table steps = Table.create("scrub steps", StringColumn.create("step"), IntColumn.create("images"), StringColumn.create("note"));
        addStep(steps, "indexed", index.rowCount(), "readable images with an age");
        addStep(steps, "duplicates resolved", kept.rowCount(), dups.toString());
        addStep(steps, "ages in a bin", clean.rowCount(), outOfRange.rowCount() + " images with an age outside "
                + AgeBins.MIN_AGE + "-" + AgeBins.MAX_AGE + " left out");
        return new CleanData(index, clean, dups, outOfRange, steps);
    }

    private static void addStep(Table t, String step, int n, String note) {
        t.stringColumn("step").append(step);
        t.intColumn("images").append(n);
        t.stringColumn("note").append(note);
    }

    /** The index this was scrubbed from: every indexed image, the copies resolved away included. */
    public Table index() { return index; }

    /** The index columns plus {@code bin}. */
    public Table table() { return table; }

    public Duplicates duplicates() { return duplicates; }

    /** file and age of every image whose age is in no bin. */
    public Table outOfRange() { return outOfRange; }

    /** What each step kept. */
    public Table steps() { return steps; }
}
