package agecnn.testing;

import agecnn.data.AgeBins;
import agecnn.data.IndexColumns;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Small index tables written by hand, for scrub tests. */
public final class IndexTables {

    private IndexTables() {}

    /** rows of {file, age, sha256} */
    public static Table of(String[][] rows) {
        Table t = Table.create("images", StringColumn.create(IndexColumns.FILE), IntColumn.create(IndexColumns.AGE),
                IntColumn.create(IndexColumns.GENDER), IntColumn.create(IndexColumns.RACE),
                StringColumn.create(IndexColumns.SHA256));
        for (String[] r : rows) {
            t.stringColumn(IndexColumns.FILE).append(r[0]);
            t.intColumn(IndexColumns.AGE).append(Integer.parseInt(r[1]));
            t.intColumn(IndexColumns.GENDER).append(0);
            t.intColumn(IndexColumns.RACE).append(0);
            t.stringColumn(IndexColumns.SHA256).append(r[2]);
        }
        return t;
    }

    /** n distinct images of each bin (age = the bin's lower edge), named bB_i.jpg. */
    public static Table perBin(int n) {
        String[][] rows = new String[n * AgeBins.COUNT][];
        int k = 0;
        for (int b = 0; b < AgeBins.COUNT; b++) {
            for (int i = 0; i < n; i++) {
                rows[k++] = new String[]{"b" + b + "_" + i + ".jpg", Integer.toString(AgeBins.lower(b)), "h" + b + "_" + i};
            }
        }
        return of(rows);
    }
}
