package agecnn.data;

import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Byte-identical copies, found by content hash, and the policy that resolves them.
 *
 * <p>Policy: each content is kept once, so no image can sit in two of train/val/test.
 * When the copies' ages fall in the same bin, the copy whose file name sorts first is kept
 * (with its own age). When they fall in different bins, every copy is dropped: nothing tells
 * which label is right, and keeping either would teach a wrong answer as often as not.
 */
public final class Duplicates {

    private final Table groups;
    private final Table kept;
    private final int extraCopies;
    private final int droppedForConflict;

    private Duplicates(Table groups, Table kept, int extraCopies, int droppedForConflict) {
        this.groups = groups;
        this.kept = kept;
        this.extraCopies = extraCopies;
        this.droppedForConflict = droppedForConflict;
    }

    /** Finds the duplicate groups of an index table and applies the policy. */
    public static Duplicates resolve(Table images) {
        Map<String, List<Integer>> byHash = new LinkedHashMap<>();
        StringColumn hash = images.stringColumn(IndexColumns.SHA256);
        for (int r = 0; r < images.rowCount(); r++) byHash.computeIfAbsent(hash.get(r), h -> new ArrayList<>()).add(r);

        Table groups = Table.create("duplicate groups", StringColumn.create("sha256"), IntColumn.create("copies"),
                StringColumn.create("files"), StringColumn.create("ages"), BooleanColumn.create("ages differ"),
                BooleanColumn.create("bins differ"), StringColumn.create("action"));
        List<Integer> keepRows = new ArrayList<>();
        int extra = 0, dropped = 0;
        for (Map.Entry<String, List<Integer>> e : byHash.entrySet()) {
            List<Integer> rows = e.getValue();
            if (rows.size() == 1) {
                keepRows.add(rows.get(0));
                continue;
            }
            extra += rows.size() - 1;
            rows.sort((a, b) -> images.getString(a, IndexColumns.FILE).compareTo(images.getString(b, IndexColumns.FILE)));
            TreeSet<Integer> ages = new TreeSet<>(), bins = new TreeSet<>();
            List<String> files = new ArrayList<>();
            for (int r : rows) {
                int age = images.intColumn(IndexColumns.AGE).getInt(r);
                ages.add(age);
                bins.add(AgeBins.binOf(age));
                files.add(images.getString(r, IndexColumns.FILE));
            }
            boolean binsDiffer = bins.size() > 1;
            String action;
            if (binsDiffer) {
                dropped += rows.size();
                action = "all copies dropped: ages fall in different bins";
            } else {
                keepRows.add(rows.get(0));
                action = "kept once: " + files.get(0);
            }
            groups.stringColumn("sha256").append(e.getKey());
            groups.intColumn("copies").append(rows.size());
            groups.stringColumn("files").append(String.join("; ", files));
            groups.stringColumn("ages").append(ages.toString());
            groups.booleanColumn("ages differ").append(ages.size() > 1);
            groups.booleanColumn("bins differ").append(binsDiffer);
            groups.stringColumn("action").append(action);
        }
        keepRows.sort(Integer::compare);
        Table kept = images.rows(keepRows.stream().mapToInt(Integer::intValue).toArray());
        return new Duplicates(groups, kept, extra, dropped);
    }

    /** One row per content that has more than one file. */
    public Table groups() { return groups; }

    /** The index rows kept by the policy, in their original order. */
    public Table kept() { return kept; }

    public int groupCount() { return groups.rowCount(); }

    /** Files beyond the first of each group. */
    public int extraCopies() { return extraCopies; }

    public int groupsWithDifferentAges() {
        return (int) groups.booleanColumn("ages differ").countTrue();
    }

    public int groupsWithDifferentBins() {
        return (int) groups.booleanColumn("bins differ").countTrue();
    }

    /** Files dropped because their group's ages fall in different bins. */
    public int droppedForConflict() { return droppedForConflict; }

    @Override
    public String toString() {
        return String.format("%d duplicate groups (%d extra copies); %d groups carry different ages, "
                        + "%d of them in different bins (%d files dropped); %d images kept",
                groupCount(), extraCopies, groupsWithDifferentAges(), groupsWithDifferentBins(), droppedForConflict,
                kept.rowCount());
    }
}
