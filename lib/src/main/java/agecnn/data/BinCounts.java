package agecnn.data;

import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/**
 * Images per age bin and category (split, gender, ...): Tablesaw's {@code countBy} over the two
 * columns, laid out as a cross-tab with one row per bin, all 12 in bin order even when a bin is
 * empty, so that tables of different data line up row by row.
 */
public final class BinCounts {

    /** The name of the count column in Tablesaw's {@code countBy} result. */
    private static final String COUNT = "Count";

    private BinCounts() {}

    /** Rows per bin, all 12 in bin order: Tablesaw's {@code countBy} over the bins (0-11). */
    public static int[] perBin(IntColumn bins) {
        Table groups = Table.create(bins).countBy(bins.name());
        int[] out = new int[AgeBins.COUNT];
        for (int g = 0; g < groups.rowCount(); g++) out[groups.intColumn(bins.name()).getInt(g)] = groups.intColumn(COUNT).getInt(g);
        return out;
    }

    /**
     * The bin's label in {@code labelColumn}, then one column of counts per category, in the
     * order of {@code categories}; zero where no row has that bin and category. Rows whose
     * category is not among {@code categories} are not counted.
     *
     * @param bins the bin of each row, 0-11
     * @param category the category of each row, aligned with {@code bins}
     */
    public static Table crossTab(String title, String labelColumn, IntColumn bins, StringColumn category, List<String> categories) {
        if (bins.name().equals(category.name())) throw new IllegalArgumentException("bins and categories need two column names");
        Table groups = Table.create(bins, category).countBy(bins.name(), category.name());
        Table out = Table.create(title, StringColumn.create(labelColumn, AgeBins.labels()));
        for (String c : categories) out.addColumns(IntColumn.create(c, new int[AgeBins.COUNT]));
        IntColumn groupBin = groups.intColumn(bins.name()), count = groups.intColumn(COUNT);
        StringColumn groupCategory = groups.stringColumn(category.name());
        for (int g = 0; g < groups.rowCount(); g++) {
            if (categories.contains(groupCategory.get(g))) out.intColumn(groupCategory.get(g)).set(groupBin.getInt(g), count.getInt(g));
        }
        return out;
    }
}
