package agecnn.explore;

import agecnn.data.AgeBins;
import agecnn.data.BinCounts;
import agecnn.data.CleanData;
import agecnn.data.IndexColumns;
import agecnn.data.Split;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * The tables of 03_explore, made from the scrubbed data set (the index plus {@code bin} and,
 * once split, {@code split}). Every per-bin table has one row per age bin, all 12 in bin
 * order, even when a bin is empty, so tables of different data sets line up row by row.
 */
public final class Summaries {

    /** Input: the age bin, 0..11, added by 02_scrub. */
    public static final String BIN = CleanData.BIN;
    /** Input: train, val or test ({@link Split#NAMES}), added by 02_scrub when it splits. */
    public static final String SPLIT = Split.COLUMN;

    /** Output: the bin's label, e.g. {@code (27-32)}. */
    public static final String AGE_BIN = "age bin";
    public static final String IMAGES = "images";
    public static final String PERCENT = "percent";
    public static final String UNKNOWN = "unknown";
    /** Output of {@link #splitPerBin}: rows whose split is missing or not one of {@link Split#NAMES}. */
    public static final String UNASSIGNED = "unassigned";

    /** Indexed by the gender code of the file names. */
    public static final List<String> GENDERS = List.of("male", "female");
    /** Indexed by the race code of the file names. */
    public static final List<String> RACES = List.of("White", "Black", "Asian", "Indian", "Others");

    private Summaries() {}

    /** Age bin, images, percent of all images. */
    public static Table imagesPerBin(Table data) {
        int[] counts = BinCounts.perBin(binColumn(data));
        int total = data.rowCount();
        double[] percents = Arrays.stream(counts).mapToDouble(c -> total == 0 ? 0 : 100.0 * c / total).toArray();
        DoubleColumn percent = DoubleColumn.create(PERCENT, percents);
        percent.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(1));
        return Table.create("Images per age bin", StringColumn.create(AGE_BIN, AgeBins.labels()), IntColumn.create(IMAGES, counts),
                percent);
    }

    /** Age bin, male, female, unknown (missing or invalid gender). */
    public static Table genderPerBin(Table data) {
        return codesPerBin(data, IndexColumns.GENDER, GENDERS, "Gender per age bin");
    }

    /** Age bin, White, Black, Asian, Indian, Others, unknown (missing or invalid race). */
    public static Table racePerBin(Table data) {
        return codesPerBin(data, IndexColumns.RACE, RACES, "Race per age bin");
    }

    /**
     * Age bin, train, val, test; plus {@link #UNASSIGNED} only when some rows are in no split
     * (so that no image goes uncounted without the table saying so).
     */
    public static Table splitPerBin(Table data) {
        Column<?> split = column(data, SPLIT);
        IntColumn bins = binColumn(data);
        StringColumn named = StringColumn.create(SPLIT);
        for (int row = 0; row < split.size(); row++) {
            String s = split.isMissing(row) ? "" : split.getString(row).trim().toLowerCase();
            named.append(Split.NAMES.contains(s) ? s : UNASSIGNED);
        }
        List<String> columns = new ArrayList<>(Split.NAMES);
        columns.add(UNASSIGNED);
        Table out = BinCounts.crossTab("Split per age bin", AGE_BIN, bins, named, columns);
        if (out.intColumn(UNASSIGNED).sum() == 0) out.removeColumns(UNASSIGNED);
        return out;
    }

    /** One row: images, min, max, mean, median and std (sample, n - 1) of the age in years. */
    public static Table ageSummary(Table data) {
        double[] ages = ages(data);
        if (ages.length == 0) throw new IllegalArgumentException("no ages to summarise: the table has no rows with an age");
        Arrays.sort(ages);
        int n = ages.length;
        double mean = Arrays.stream(ages).sum() / n;
        double median = n % 2 == 1 ? ages[n / 2] : (ages[n / 2 - 1] + ages[n / 2]) / 2;
        double squares = Arrays.stream(ages).map(a -> (a - mean) * (a - mean)).sum();
        double std = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
        Table out = Table.create("Age in years",
                IntColumn.create(IMAGES, new int[] {n}),
                IntColumn.create("min", new int[] {(int) ages[0]}),
                IntColumn.create("max", new int[] {(int) ages[n - 1]}),
                DoubleColumn.create("mean", new double[] {mean}),
                DoubleColumn.create("median", new double[] {median}),
                DoubleColumn.create("std", new double[] {std}));
        for (String c : List.of("mean", "median", "std")) {
            out.doubleColumn(c).setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(2));
        }
        return out;
    }

    /** Counts of an integer-coded column per bin; missing values and codes outside names are unknown. */
    private static Table codesPerBin(Table data, String columnName, List<String> names, String title) {
        NumericColumn<?> codes = numbers(data, columnName);
        IntColumn bins = binColumn(data);
        StringColumn named = StringColumn.create(columnName);
        for (int row = 0; row < codes.size(); row++) {
            int code = codes.isMissing(row) ? -1 : (int) codes.getDouble(row);
            boolean known = code >= 0 && code < names.size() && code == codes.getDouble(row);
            named.append(known ? names.get(code) : UNKNOWN);
        }
        List<String> columns = new ArrayList<>(names);
        columns.add(UNKNOWN);
        return BinCounts.crossTab(title, AGE_BIN, bins, named, columns);
    }

    /** The ages present, in row order, missing ones left out. */
    static double[] ages(Table data) {
        NumericColumn<?> ages = numbers(data, IndexColumns.AGE);
        double[] out = new double[ages.size() - ages.countMissing()];
        for (int row = 0, i = 0; row < ages.size(); row++) {
            if (!ages.isMissing(row)) out[i++] = ages.getDouble(row);
        }
        return out;
    }

    /** The bin of every row; a scrubbed table has one, so a missing or invalid bin is an error. */
    static int[] bins(Table data) {
        NumericColumn<?> bins = numbers(data, BIN);
        int[] out = new int[data.rowCount()];
        for (int row = 0; row < out.length; row++) {
            double b = bins.isMissing(row) ? -1 : bins.getDouble(row);
            if (b < 0 || b >= AgeBins.COUNT || b != Math.rint(b)) {
                throw new IllegalArgumentException("row " + row + " has no valid age bin (" + bins.getString(row)
                        + "); expected 0.." + (AgeBins.COUNT - 1) + " as made by 02_scrub");
            }
            out[row] = (int) b;
        }
        return out;
    }

    /** {@link #bins} as a column named {@link #BIN}. */
    private static IntColumn binColumn(Table data) {
        return IntColumn.create(BIN, bins(data));
    }

    static NumericColumn<?> numbers(Table data, String name) {
        Column<?> c = column(data, name);
        if (!(c instanceof NumericColumn)) {
            throw new IllegalArgumentException("column '" + name + "' must be numeric; it is " + c.type());
        }
        return (NumericColumn<?>) c;
    }

    static Column<?> column(Table data, String name) {
        if (!data.containsColumn(name)) {
            throw new IllegalArgumentException("the table has no column '" + name + "'; it has " + data.columnNames());
        }
        return data.column(name);
    }
}
