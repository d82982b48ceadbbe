package agecnn.testing;

import agecnn.config.Settings;
import agecnn.data.AgeBins;
import agecnn.data.CleanData;
import agecnn.data.ImageIndex;
import agecnn.data.Split;
import agecnn.tensors.PreparedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A tiny synthetic data set, scrubbed and split as 02_scrub leaves it: noise images of 40x40 px, named as UTKFace's. */
public final class TinyData {

    private TinyData() {}

    /**
     * {@code perBin} images per bin (at most 10) under {@code tmp/utkface}, split {@code train}/{@code val}/{@code test}
     * per bin, with parameters PROJECT_DIR = tmp, IMAGE_SIZE = 16, RUN_DIR = tmp/run and {@code more} on top.
     */
    public static PreparedData scrubbed(Path tmp, int perBin, int train, int val, int test, Map<String, String> more) throws IOException {
        Path images = Files.createDirectories(tmp.resolve("utkface"));
        for (int b = 0; b < AgeBins.COUNT; b++) {
            for (int i = 0; i < perBin; i++) {
                String name = AgeBins.lower(b) + "_" + (i % 2) + "_0_2017010" + b + "12000000" + i + ".jpg.chip.jpg";
                TestImages.write(images, name, TestImages.noise(40, 40, b * 10L + i), "jpg");
            }
        }
        Map<String, String> p = new HashMap<>(Map.of("PROJECT_DIR", tmp.toString(), "UTKFACE_DIR", images.toString(),
                "IMAGE_SIZE", "16", "RUN_DIR", tmp.resolve("run").toString()));
        p.putAll(more);
        ImageIndex index = ImageIndex.build(images, 0, 1);
        CleanData clean = CleanData.scrub(index.images());
        return new PreparedData(Settings.of(p), index, clean, Split.balanced(clean.table(), train, val, test, 1));
    }
}
