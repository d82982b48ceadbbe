package agecnn.testing;

import agecnn.data.AgeBins;
import agecnn.io.Sha256;
import agecnn.tensors.ImageExamples;
import agecnn.tensors.TensorCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small tensor caches of generated pictures whose colour says their bin, for training tests. */
public final class SyntheticImages {

    private SyntheticImages() {}

    /** {@code n} images (bins 0-11 in turn, each bin's age its lower edge) in a cache at {@code size} px under {@code dir}. */
    public static ImageExamples examples(Path dir, int n, int size, int seed) throws IOException {
        Path data = Files.createDirectories(dir.resolve("images-" + seed));
        List<String> files = new ArrayList<>(), hashes = new ArrayList<>();
        int[] bins = new int[n], ages = new int[n];
        for (int i = 0; i < n; i++) {
            bins[i] = i % AgeBins.COUNT;
            ages[i] = AgeBins.lower(bins[i]);
            var img = TestImages.noise(size, size, seed * 1000L + i);
            int tint = 20 * bins[i];
            for (int y = 0; y < size; y++) for (int x = 0; x < size / 2; x++) img.setRGB(x, y, (tint << 16) | (tint << 8) | 255 - tint);
            String name = String.format("img%03d.png", i);
            TestImages.write(data, name, img, "png");
            files.add(name);
            hashes.add(Sha256.hex(data.resolve(name)));
        }
        TensorCache cache = TensorCache.build(data, files, hashes, size, dir.resolve("cache"));
        return new ImageExamples(cache, files, bins, ages);
    }
}
