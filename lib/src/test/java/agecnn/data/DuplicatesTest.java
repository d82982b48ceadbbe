package agecnn.data;

import agecnn.testing.IndexTables;
import tech.tablesaw.api.Table;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class DuplicatesTest {

    private final Table index = IndexTables.of(new String[][]{
        {"a.jpg", "25", "h1"},
        {"b.jpg", "25", "h1"},   // same content, same age: kept once (a.jpg)
        {"c.jpg", "30", "h2"},
        {"d.jpg", "28", "h2"},   // same content, ages differ but same bin (27-32): kept once (c.jpg)
        {"e.jpg", "5", "h3"},
        {"f.jpg", "60", "h3"},
        {"g.jpg", "61", "h3"},   // three copies in different bins: all dropped
        {"h.jpg", "40", "h4"},   // unique
    });

    @Test
    void groupsAreFoundByContentHash() {
        Duplicates d = Duplicates.resolve(index);
        assertEquals(3, d.groupCount());
        assertEquals(4, d.extraCopies());          // 1 + 1 + 2
        assertEquals(2, d.groupsWithDifferentAges());
        assertEquals(1, d.groupsWithDifferentBins());
        assertEquals(3, d.droppedForConflict());
    }

    @Test
    void policyKeepsFirstNameOnceAndDropsConflictingBins() {
        Table kept = Duplicates.resolve(index).kept();
        assertEquals(java.util.List.of("a.jpg", "c.jpg", "h.jpg"), kept.stringColumn("file").asList());
        // the kept copy keeps its own age
        assertEquals(30, kept.intColumn("age").get(1));
    }

    @Test
    void noContentIsLeftTwice() {
        Table kept = Duplicates.resolve(index).kept();
        assertEquals(kept.rowCount(), kept.stringColumn("sha256").unique().size());
    }

    @Test
    void cleanDataReportsAgesOutsideTheBins() {
        Table t = IndexTables.of(new String[][]{{"a.jpg", "0", "x1"}, {"b.jpg", "121", "x2"}, {"c.jpg", "50", "x3"}});
        CleanData clean = CleanData.scrub(t);
        assertEquals(1, clean.table().rowCount());
        assertEquals(8, clean.table().intColumn(CleanData.BIN).get(0));
        assertEquals(2, clean.outOfRange().rowCount());
        assertEquals(java.util.List.of(3, 3, 1), clean.steps().intColumn("images").asList());
    }
}
