package agecnn.data;

/**
 * Column names of the image index (one row per readable image), written by 01_obtain as
 * {@code index.csv} and read by every later stage. Missing values are Tablesaw's missing
 * value (an empty cell in the CSV).
 */
public final class IndexColumns {
    /** File name inside the data folder, exactly as on disk. */
    public static final String FILE = "file";
    /** Age in years, the first field of the file name. */
    public static final String AGE = "age";
    /** 0 = male, 1 = female; missing when the name has no valid gender field. */
    public static final String GENDER = "gender";
    /** 0 = White, 1 = Black, 2 = Asian, 3 = Indian, 4 = Others; missing when absent. */
    public static final String RACE = "race";
    /** The date-time field as written in the name (yyyyMMddHHmmssSSS when well formed). */
    public static final String TIMESTAMP = "timestamp";
    public static final String WIDTH = "width";
    public static final String HEIGHT = "height";
    /** SHA-256 of the file's bytes, lower-case hex: the identity of the content. */
    public static final String SHA256 = "sha256";
    /** Problems found in the name, "; "-separated; empty when none. */
    public static final String PROBLEMS = "problems";

    private IndexColumns() {}
}
