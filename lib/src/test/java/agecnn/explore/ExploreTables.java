package agecnn.explore;

import agecnn.data.AgeBins;
import java.util.Arrays;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Small scrubbed tables built by hand, so that every count in the tests can be checked by eye. */
final class ExploreTables {

    private ExploreTables() {}

    /**
     * Seven images. Bins: (1-3) a b c, (23-26) d e, (27-32) g, (74-120) f.
     * c has neither gender nor race; g has codes out of range; f is in no split.
     */
    static Table seven() {
        return scrubbed(
                new String[] {"a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg", "f.jpg", "g.jpg"},
                new int[] {2, 3, 1, 25, 25, 80, 30},
                new Integer[] {0, 1, null, 1, 0, 1, 7},
                new Integer[] {0, 2, null, 1, 4, 3, 9},
                new String[] {"train", "train", "val", "test", "train", null, "test"});
    }

    static Table scrubbed(String[] files, int[] ages, Integer[] genders, Integer[] races, String[] splits) {
        Table t = Table.create("scrubbed",
                StringColumn.create("file", files),
                IntColumn.create("age", ages),
                IntColumn.create("gender", genders),
                IntColumn.create("race", races),
                IntColumn.create("bin", Arrays.stream(ages).map(AgeBins::binOf).toArray()));
        if (splits != null) t.addColumns(StringColumn.create("split", splits));
        return t;
    }

    /** Only file, age and bin: n images per bin, ages spread over the bin. */
    static Table withCounts(int... perBin) {
        int total = Arrays.stream(perBin).sum();
        String[] files = new String[total];
        int[] ages = new int[total];
        int i = 0;
        for (int bin = 0; bin < perBin.length; bin++) {
            int span = AgeBins.upper(bin) - AgeBins.lower(bin) + 1;
            for (int k = 0; k < perBin[bin]; k++, i++) {
                files[i] = String.format("%d_%05d.jpg", bin, k);
                ages[i] = AgeBins.lower(bin) + k % span;
            }
        }
        Integer[] missing = new Integer[total];
        return scrubbed(files, ages, missing, missing, null);
    }
}
