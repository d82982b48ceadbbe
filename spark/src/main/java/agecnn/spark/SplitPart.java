package agecnn.spark;

import agecnn.obtain.IndexColumns;
import agecnn.scrub.Scrubbed;
import agecnn.scrub.Split;
import agecnn.scrub.TensorCache;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One part of the split (train, val or test) as a model sees it: each image's row in the tensor
 * cache, its bin (the label) and its true age in years (for the metrics), in the split's order.
 */
public record SplitPart(String name, int[] rows, int[] bins, int[] ages) {

    public SplitPart {
        if (rows.length != bins.length || rows.length != ages.length) {
            throw new IllegalArgumentException("split part '" + name + "': " + rows.length + " rows, " + bins.length
                    + " bins and " + ages.length + " ages; need one of each per image");
        }
    }

    /** The part {@code split} (see {@link Split#NAMES}) of scrubbed data, located in its tensor cache. */
    public static SplitPart of(Scrubbed data, String split) throws IOException {
        return of(data.split(), split, data.clean().table(), data.cache());
    }

    /** The same from its pieces: the split, the clean table (file, age, ...) and the cache of the split's images. */
    public static SplitPart of(Split split, String name, Table clean, TensorCache cache) {
        if (!Split.NAMES.contains(name)) throw new IllegalArgumentException("split part must be one of " + Split.NAMES + ", got '" + name + "'");
        Map<String, Integer> ageOf = new HashMap<>();
        for (int r = 0; r < clean.rowCount(); r++) ageOf.put(clean.getString(r, IndexColumns.FILE), clean.intColumn(IndexColumns.AGE).getInt(r));
        List<String> files = split.files(name);
        int[] rows = new int[files.size()], ages = new int[files.size()];
        for (int i = 0; i < files.size(); i++) {
            String f = files.get(i);
            rows[i] = cache.indexOf(f);
            if (rows[i] < 0) throw new IllegalArgumentException("'" + f + "' (" + name + ") is not in the tensor cache " + cache.path());
            Integer age = ageOf.get(f);
            if (age == null) throw new IllegalArgumentException("'" + f + "' (" + name + ") is not in the clean data");
            ages[i] = age;
        }
        return new SplitPart(name, rows, split.bins(name), ages);
    }

    public int size() {
        return rows.length;
    }
}
