package agecnn.tensors;

import agecnn.config.Settings;
import agecnn.config.RunRecord;
import agecnn.data.CleanData;
import agecnn.data.ImageIndex;
import agecnn.data.IndexColumns;
import agecnn.data.Split;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What 02_scrub leaves for the later notebooks: the index, the clean data, the split, and the
 * tensor cache of the split's images. {@link #load} rebuilds it from the saved files, so any
 * later notebook can be re-run alone.
 */
public final class PreparedData {

    /** The clean data's row numbers, only while {@link #table()} joins. */
    private static final String ROW = "clean row";

    private final Settings settings;
    private final ImageIndex index;
    private final CleanData clean;
    private final Split split;
    /** Tensor caches by image size: a model may take another size than IMAGE_SIZE. */
    private final Map<Integer, TensorCache> caches = new HashMap<>();

    public PreparedData(Settings settings, ImageIndex index, CleanData clean, Split split) {
        this.settings = settings;
        this.index = index;
        this.clean = clean;
        this.split = split;
    }

    /** The index and split saved by 01_obtain and 02_scrub for these parameters' profile. */
    public static PreparedData load(Settings settings) throws IOException {
        ImageIndex index = ImageIndex.load(settings.workDir());
        CleanData clean = CleanData.scrub(index.images());
        Path csv = settings.workDir().resolve("split.csv");
        if (!csv.toFile().isFile()) throw new IOException(csv + " does not exist: run 02_scrub first (it writes the split)");
        return new PreparedData(settings, index, clean, Split.read(csv, clean));
    }

    /** The parameters the data was loaded with. */
    public Settings settings() { return settings; }

    public ImageIndex index() { return index; }

    public CleanData clean() { return clean; }

    public Split split() { return split; }

    /**
     * The clean data of the split's images with their split: file, age, gender, race, ..., bin, split;
     * in the clean data's order. Tablesaw's inner join on the file name, then sorted back into the
     * clean data's order (the join's own order is not the clean data's).
     */
    public Table table() {
        Table c = clean.table();
        Table numbered = c.copy().addColumns(IntColumn.indexColumn(ROW, c.rowCount(), 0));
        Table joined = numbered.joinOn(IndexColumns.FILE).inner(split.table().selectColumns(IndexColumns.FILE, Split.COLUMN));
        return joined.sortAscendingOn(ROW).removeColumns(ROW).setName("data");
    }

    /**
     * The tensor cache of every image in the split at {@code IMAGE_SIZE}, built on first use
     * (decoding each JPEG once) and reused afterwards. Files are in name order.
     */
    public TensorCache cache() throws IOException {
        return cache(settings.data().imageSize());
    }

    /** The same at another side, {@code size} px (e.g. a saved model's input size); built on first use. */
    public TensorCache cache(int size) throws IOException {
        TensorCache cache = caches.get(size);
        if (cache == null) {
            Table t = table().sortAscendingOn(IndexColumns.FILE);
            cache = TensorCache.build(index.dataDir(), t.stringColumn(IndexColumns.FILE).asList(),
                    t.stringColumn(IndexColumns.SHA256).asList(), size, settings.paths().cacheDir());
            caches.put(size, cache);
        }
        return cache;
    }

    /** Counts for run.json. */
    public void record(RunRecord record) {
        record.put("scrub", "duplicate_groups", clean.duplicates().groupCount());
        record.put("scrub", "duplicate_extra_copies", clean.duplicates().extraCopies());
        record.put("scrub", "duplicate_groups_ages_differ", clean.duplicates().groupsWithDifferentAges());
        record.put("scrub", "dropped_conflicting_bins", clean.duplicates().droppedForConflict());
        record.put("scrub", "ages_out_of_range", clean.outOfRange().rowCount());
        record.put("scrub", "clean_images", clean.table().rowCount());
        for (String name : Split.NAMES) record.put("scrub", name + "_images", split.files(name).size());
        split.record(record);
        TensorCache cache = caches.get(settings.data().imageSize());
        if (cache != null) {
            record.put("scrub", "tensor_cache", cache.describe());
        }
    }
}
