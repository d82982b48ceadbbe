package agecnn.scrub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures the tensor cache on real files, so its speed can be reported:
 * {@code TensorCacheBench dataDir N size cacheDir} caches the first N jpgs of dataDir (by
 * name) and prints the build rate, the reuse time and the rate of reading batches of 64.
 * A cache already in cacheDir for the same files is reused, not rebuilt: delete it to time a build.
 */
public final class TensorCacheBench {

    private static final int BATCH = 64;

    private TensorCacheBench() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: TensorCacheBench dataDir N size cacheDir");
            System.exit(2);
        }
        Path dataDir = Paths.get(args[0]);
        int n = Integer.parseInt(args[1]);
        int size = Integer.parseInt(args[2]);
        Path cacheDir = Paths.get(args[3]);

        List<String> files;
        try (Stream<Path> s = Files.list(dataDir)) {
            files = s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".jpg")).sorted().limit(n).toList();
        }
        long t = System.nanoTime();
        List<String> sha256 = new ArrayList<>();
        for (String f : files) sha256.add(TensorCache.sha256Hex(Files.readAllBytes(dataDir.resolve(f))));
        System.out.printf("hashed %d files in %.1f s (the index normally has the hashes)%n", files.size(), seconds(t));
        System.out.println("processors: " + Runtime.getRuntime().availableProcessors());

        try (TensorCache cache = TensorCache.build(dataDir, files, sha256, size, cacheDir)) {
            System.out.println("build:  " + cache.describe());
        }
        t = System.nanoTime();
        try (TensorCache cache = TensorCache.build(dataDir, files, sha256, size, cacheDir)) {
            System.out.printf("reuse:  %s, opened in %.3f s%n", cache.describe(), seconds(t));
            Nd4j.create(1);   // load the native backend before timing
            for (int pass = 1; pass <= 2; pass++) {
                t = System.nanoTime();
                double sum = 0;
                for (int start = 0; start < cache.count(); start += BATCH) {
                    int[] idx = new int[Math.min(BATCH, cache.count() - start)];
                    for (int k = 0; k < idx.length; k++) idx[k] = start + k;
                    INDArray batch = cache.batch(idx);
                    sum += batch.getFloat(0, 0, 0, 0);
                }
                double s = seconds(t);
                System.out.printf("read pass %d: %d images in batches of %d in %.2f s (%.0f images/s) [checksum %.1f]%n",
                        pass, cache.count(), BATCH, s, cache.count() / s, sum);
            }
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
