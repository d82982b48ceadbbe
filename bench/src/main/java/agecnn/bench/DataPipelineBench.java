package agecnn.bench;

import agecnn.io.Sha256;
import agecnn.tensors.TensorCache;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The data side of the benchmark, on real files: JPEG decode + resize (a fresh tensor cache
 * build of the first N images) and tensor-cache reads (NCHW float batches of 64, as training
 * reads them). {@code DataPipelineBench dataDir N size} runs it alone; SpeedBench runs it too.
 */
public final class DataPipelineBench {

    private static final int BATCH = 64;

    /** Images per second of a fresh cache build (decode, resize, write) and of batch reads. */
    public record Figures(int images, int size, double buildImagesPerSecond, double readImagesPerSecond) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "data   %d real images at %d px: JPEG decode+resize %.0f img/s, tensor-cache read %.0f img/s",
                    images, size, buildImagesPerSecond, readImagesPerSecond);
        }
    }

    private DataPipelineBench() {}

    public static Figures measure(Path dataDir, int n, int size) throws IOException {
        List<String> files;
        try (Stream<Path> s = Files.list(dataDir)) {
            files = s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".jpg")).sorted().limit(n).toList();
        }
        List<String> sha256 = new ArrayList<>();
        for (String f : files) sha256.add(Sha256.hex(dataDir.resolve(f)));
        Path cacheDir = Files.createTempDirectory("agecnn-bench-cache");
        try {
            double buildIps;
            try (TensorCache cache = TensorCache.build(dataDir, files, sha256, size, cacheDir)) {
                buildIps = cache.count() / cache.buildSeconds();
            }
            double readIps;
            try (TensorCache cache = TensorCache.open(onlyCacheFile(cacheDir))) {
                Nd4j.create(1);   // load the native backend before timing
                readBatches(cache);   // warm-up pass: page cache and JIT
                long t = System.nanoTime();
                readBatches(cache);
                readIps = cache.count() / ((System.nanoTime() - t) / 1e9);
            }
            return new Figures(files.size(), size, buildIps, readIps);
        } finally {
            try (Stream<Path> s = Files.walk(cacheDir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static Path onlyCacheFile(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".u8")).findFirst()
                    .orElseThrow(() -> new IOException("no cache file was written in " + dir));
        }
    }

    private static void readBatches(TensorCache cache) {
        for (int start = 0; start < cache.count(); start += BATCH) {
            int[] idx = new int[Math.min(BATCH, cache.count() - start)];
            for (int k = 0; k < idx.length; k++) idx[k] = start + k;
            INDArray batch = cache.batch(idx);
            batch.close();
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: DataPipelineBench dataDir N size");
            System.exit(2);
        }
        System.out.println(measure(Paths.get(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2])));
    }
}
