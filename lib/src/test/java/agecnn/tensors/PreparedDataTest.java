package agecnn.tensors;

import agecnn.data.IndexColumns;
import agecnn.data.Split;
import agecnn.testing.TinyData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class PreparedDataTest {

    @TempDir
    Path tmp;

    @Test
    void tableIsTheCleanDataOfTheSplitsImagesInTheCleanDatasOrderWithTheirSplit() throws IOException {
        // 5 images per bin and 2 + 1 + 1 in the split: one image per bin is in no split and must not appear
        PreparedData data = TinyData.scrubbed(tmp, 5, 2, 1, 1, Map.of());
        Table clean = data.clean().table(), split = data.split().table();
        List<String> splitColumns = split.columnNames();
        Table t = data.table();

        // what it must be, row by row: each clean row whose file is in the split, in the clean order
        Map<String, String> splitOf = new HashMap<>();
        for (int r = 0; r < split.rowCount(); r++) splitOf.put(split.getString(r, "file"), split.getString(r, "split"));
        List<Integer> rows = new ArrayList<>();
        for (int r = 0; r < clean.rowCount(); r++) if (splitOf.containsKey(clean.getString(r, IndexColumns.FILE))) rows.add(r);

        assertEquals("data", t.name());
        List<String> columns = new ArrayList<>(clean.columnNames());
        columns.add(Split.COLUMN);
        assertEquals(columns, t.columnNames());
        assertEquals(12 * 4, rows.size());
        assertEquals(rows.size(), t.rowCount());
        for (int c = 0; c < clean.columnCount(); c++) assertEquals(clean.column(c).type(), t.column(c).type(), clean.column(c).name());
        for (int i = 0; i < rows.size(); i++) {
            int r = rows.get(i);
            for (int c = 0; c < clean.columnCount(); c++) {
                assertEquals(clean.column(c).isMissing(r), t.column(c).isMissing(i), clean.column(c).name() + " row " + i);
                assertEquals(clean.getString(r, c), t.getString(i, c), clean.column(c).name() + " row " + i);
            }
            assertEquals(splitOf.get(clean.getString(r, IndexColumns.FILE)), t.getString(i, Split.COLUMN), "row " + i);
        }
        // the join leaves the split and the clean data as they were
        assertEquals(splitColumns, data.split().table().columnNames());
        assertEquals(columns.subList(0, columns.size() - 1), data.clean().table().columnNames());
    }

    @Test
    void recordCountsWhatReadingTheUsersSplitChanged() throws IOException {
        PreparedData made = TinyData.scrubbed(tmp, 2, 1, 0, 1, Map.of());
        Table clean = made.clean().table();
        String first = clean.getString(0, IndexColumns.FILE) + "," + clean.intColumn("bin").getInt(0),
                second = clean.getString(1, IndexColumns.FILE) + "," + clean.intColumn("bin").getInt(1);
        Path csv = tmp.resolve("mine.csv");
        java.nio.file.Files.writeString(csv, "file,bin,split\n" + first + ",train\n" + second + ",test\n" + second + ",test\n");
        PreparedData data = new PreparedData(made.settings(), made.index(), made.clean(), Split.read(csv, made.clean()));
        agecnn.config.RunRecord record = new agecnn.config.RunRecord(tmp.resolve("run"));
        data.record(record);
        assertEquals(1, record.get("scrub", "train_images").getAsInt());
        assertEquals(1, record.get("scrub", "test_images").getAsInt());
        assertEquals(csv.toString(), record.get("scrub", "split_file").getAsString());
        assertEquals(3, record.get("scrub", "split_file_listed").getAsInt());
        assertEquals(1, record.get("scrub", "split_file_repeats_removed").getAsInt());
        assertEquals(0, record.get("scrub", "split_file_leaks_removed").getAsInt());
    }
}
