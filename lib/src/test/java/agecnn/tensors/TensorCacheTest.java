package agecnn.tensors;

import agecnn.data.BadImageException;
import agecnn.data.ImageDecoder;
import agecnn.io.Sha256;
import agecnn.testing.TestImages;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class TensorCacheTest {

    private static final int SIZE = 24;

    @TempDir
    Path tmp;
    Path data;
    Path cacheDir;
    final List<String> files = new ArrayList<>();

    @BeforeEach
    void writeImages() throws IOException {
        data = Files.createDirectory(tmp.resolve("data"));
        cacheDir = tmp.resolve("cache");
        TestImages.write(data, "red.png", TestImages.solid(40, 30, 0xFF0000), "png");
        TestImages.write(data, "noise.jpg", TestImages.noise(100, 80, 21), "jpg");
        TestImages.write(data, "small.png", TestImages.noise(10, 16, 22), "png");   // enlarged to SIZE
        files.addAll(List.of("red.png", "noise.jpg", "small.png"));
    }

    private List<String> hashes(Path dir, List<String> names) throws IOException {
        List<String> out = new ArrayList<>();
        for (String f : names) out.add(Sha256.hex(dir.resolve(f)));
        return out;
    }

    private TensorCache build(List<String> names) throws IOException {
        return TensorCache.build(data, names, hashes(data, names), SIZE, cacheDir);
    }

    private List<Path> cacheFiles() throws IOException {
        if (!Files.isDirectory(cacheDir)) return List.of();
        try (Stream<Path> s = Files.list(cacheDir)) {
            return s.sorted().toList();
        }
    }

    private Path onlyCacheFile() throws IOException {
        List<Path> u8 = cacheFiles().stream().filter(p -> p.toString().endsWith(".u8")).toList();
        assertEquals(1, u8.size(), "cache files: " + cacheFiles());
        return u8.get(0);
    }

    @Test
    void storesExactlyWhatTheResizerMakes() throws IOException {
        try (TensorCache cache = build(files)) {
            assertFalse(cache.reused());
            assertTrue(cache.buildSeconds() > 0);
            assertEquals(3, cache.count());
            assertEquals(SIZE, cache.imageSize());
            assertEquals(files, cache.files());
            for (int i = 0; i < files.size(); i++) {
                byte[] expected = Resizer.toSquareRgb(ImageDecoder.readRgb(data.resolve(files.get(i))), SIZE);
                assertArrayEquals(expected, cache.raw(i), files.get(i));
                assertEquals(i, cache.indexOf(files.get(i)));
                assertArrayEquals(expected, Resizer.toSquareRgb(cache.image(files.get(i)), SIZE));
            }
            assertEquals(-1, cache.indexOf("absent.jpg"));
            assertThrows(IllegalArgumentException.class, () -> cache.image("absent.jpg"));
            assertThrows(IndexOutOfBoundsException.class, () -> cache.raw(3));
            assertTrue(cache.describe().startsWith("3 images at 24px, built in "), cache.describe());
        }
    }

    @Test
    void storesRealFacesExactly() throws IOException {
        List<String> real = TestImages.copyRealFiles(3, data);
        try (TensorCache cache = build(real)) {
            for (int i = 0; i < real.size(); i++) {
                assertArrayEquals(Resizer.toSquareRgb(ImageDecoder.readRgb(data.resolve(real.get(i))), SIZE), cache.raw(i));
            }
        }
    }

    @Test
    void manyImagesLandAtTheirOwnIndex() throws IOException {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 37; i++) {
            String f = "solid" + i + ".png";
            TestImages.write(data, f, TestImages.solid(8, 8, i * 6 << 16 | 255 - i << 8 | i), "png");
            names.add(f);
        }
        try (TensorCache cache = build(names)) {
            for (int i = 0; i < names.size(); i++) {
                byte[] raw = cache.raw(i);
                assertArrayEquals(new byte[] {(byte) (i * 6), (byte) (255 - i), (byte) i},
                        new byte[] {raw[raw.length - 3], raw[raw.length - 2], raw[raw.length - 1]}, names.get(i));
            }
        }
    }

    /**
     * The key names the cache files already on disk: its bytes must never change. The value is
     * SHA-256 over the same text computed outside Java (Python's hashlib).
     */
    @Test
    void keyIsPinned() {
        assertEquals("3143fa5d131daa5624920d0579a1092a6bd2bf0e96f387b7c8ddb48de8b7117e",
                TensorCache.key(64, List.of("1_0_0_20170110215648859.jpg.chip.jpg", "\u00e9.png"),
                        List.of("a".repeat(64), " " + "0123456789ABCDEF".repeat(4) + " ")));
    }

    @Test
    void keyDependsOnSizeFilesOrderAndContent() throws IOException {
        List<String> h = hashes(data, files);
        String key = TensorCache.key(SIZE, files, h);
        assertEquals(64, key.length());
        assertEquals(key, TensorCache.key(SIZE, files, h));
        assertEquals(key, TensorCache.key(SIZE, files, h.stream().map(String::toUpperCase).toList()));
        assertNotEquals(key, TensorCache.key(SIZE + 1, files, h));
        assertNotEquals(key, TensorCache.key(SIZE, files.subList(0, 2), h.subList(0, 2)));
        assertNotEquals(key, TensorCache.key(SIZE, List.of(files.get(1), files.get(0), files.get(2)),
                List.of(h.get(1), h.get(0), h.get(2))));
        List<String> changed = new ArrayList<>(h);
        changed.set(2, "0".repeat(64));
        assertNotEquals(key, TensorCache.key(SIZE, files, changed));
        assertThrows(IllegalArgumentException.class, () -> TensorCache.key(SIZE, files, h.subList(0, 2)));

        try (TensorCache cache = build(files)) {
            assertEquals("tensors-24px-" + key.substring(0, 16) + ".u8", cache.path().getFileName().toString());
            Path sidecar = cacheDir.resolve("tensors-24px-" + key.substring(0, 16) + ".files.txt");
            assertEquals(files, Files.readAllLines(sidecar));
        }
    }

    @Test
    void secondBuildReusesWithoutDecoding() throws IOException {
        List<String> h = hashes(data, files);
        byte[] first;
        try (TensorCache cache = TensorCache.build(data, files, h, SIZE, cacheDir)) {
            first = cache.raw(1);
        }
        // With the images gone, only the cache can answer.
        Files.move(data, tmp.resolve("moved-away"));
        try (TensorCache cache = TensorCache.build(data, files, h, SIZE, cacheDir)) {
            assertTrue(cache.reused());
            assertEquals(0.0, cache.buildSeconds());
            assertArrayEquals(first, cache.raw(1));
            assertTrue(cache.describe().contains("reused"), cache.describe());
        }
        assertEquals(2, cacheFiles().size(), "cache files: " + cacheFiles());
    }

    @Test
    void batchIsNchwRgbScaledTo01() throws IOException {
        try (TensorCache cache = build(files)) {
            INDArray red = cache.batch(new int[] {cache.indexOf("red.png")});
            assertArrayEquals(new long[] {1, 3, SIZE, SIZE}, red.shape());
            assertEquals(DataType.FLOAT, red.dataType());
            assertEquals(SIZE * SIZE, red.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(0)).sumNumber().doubleValue(), 1e-3);
            assertEquals(1.0f, red.getFloat(0, 0, 5, 7));
            assertEquals(0.0, red.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 3)).sumNumber().doubleValue());

            int[] order = {2, 0, 1, 2};
            INDArray batch = cache.batch(order);
            assertArrayEquals(new long[] {4, 3, SIZE, SIZE}, batch.shape());
            for (int k = 0; k < order.length; k++) {
                byte[] raw = cache.raw(order[k]);
                float[] chw = cache.chw(order[k]);
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < SIZE; y++) {
                        for (int x = 0; x < SIZE; x++) {
                            float expected = (raw[(y * SIZE + x) * 3 + c] & 0xFF) / 255f;
                            assertEquals(expected, batch.getFloat(k, c, y, x));
                            assertEquals(expected, chw[(c * SIZE + y) * SIZE + x]);
                        }
                    }
                }
            }
            assertThrows(IllegalArgumentException.class, () -> cache.batch(new int[0]));
        }
    }

    @Test
    void truncatedCacheIsReportedAndRebuilt() throws IOException {
        byte[] expected;
        try (TensorCache cache = build(files)) {
            expected = cache.raw(2);
        }
        Path file = onlyCacheFile();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        TensorCache.CorruptCacheException e =
                assertThrows(TensorCache.CorruptCacheException.class, () -> TensorCache.open(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        try (TensorCache cache = build(files)) {
            assertFalse(cache.reused());
            assertTrue(cache.describe().contains("rebuilt because"), cache.describe());
            assertArrayEquals(expected, cache.raw(2));
        }
        try (TensorCache cache = TensorCache.open(file)) {
            assertEquals(3, cache.count());
        }
    }

    @Test
    void foreignOrDamagedHeaderIsReported() throws IOException {
        build(files).close();
        Path file = onlyCacheFile();
        byte[] bytes = Files.readAllBytes(file);
        bytes[0] = 'X';
        Files.write(file, bytes);
        assertTrue(assertThrows(TensorCache.CorruptCacheException.class, () -> TensorCache.open(file))
                .getMessage().contains("magic"));
        Files.write(file, new byte[10]);
        assertTrue(assertThrows(TensorCache.CorruptCacheException.class, () -> TensorCache.open(file))
                .getMessage().contains("shorter than the 64-byte header"));
        // A valid cache under another cache's name is refused too.
        build(files.subList(0, 2)).close();
        Path other = cacheFiles().stream().filter(p -> p.toString().endsWith(".u8") && !p.equals(file)).findFirst().get();
        Files.copy(other, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(assertThrows(TensorCache.CorruptCacheException.class, () -> TensorCache.open(file))
                .getMessage().contains("header is for"));
        try (TensorCache cache = build(files)) {
            assertFalse(cache.reused());
            assertEquals(3, cache.count());
        }
    }

    @Test
    void missingFileListIsReported() throws IOException {
        build(files).close();
        Path file = onlyCacheFile();
        Files.delete(TensorCache.sidecarOf(file));
        assertTrue(assertThrows(TensorCache.CorruptCacheException.class, () -> TensorCache.open(file))
                .getMessage().contains("is missing"));
        try (TensorCache cache = build(files)) {
            assertFalse(cache.reused());
            assertEquals(files, cache.files());
        }
    }

    @Test
    void temporaryFileOfAnUnfinishedBuildIsNotACache() throws IOException {
        build(files).close();
        Path file = onlyCacheFile();
        // As if the build had stopped just before its final rename.
        Files.move(file, file.resolveSibling(file.getFileName() + ".4242-abc.tmp"));
        try (TensorCache cache = build(files)) {
            assertFalse(cache.reused(), "the .tmp file must not be taken for the cache");
        }
    }

    /**
     * Temporary files left by a build that was killed (no process holds their lock, and nothing
     * has written them for a while) are removed by the next build; a fresh one, perhaps a build
     * that has only just begun, is left alone.
     */
    @Test
    void temporaryFilesOfAKilledBuildAreRemovedByTheNext() throws IOException {
        build(files).close();
        Path file = onlyCacheFile();
        Path killed = Files.copy(file, file.resolveSibling(file.getFileName() + ".4242-abc.tmp"));
        Path killedList = Files.copy(TensorCache.sidecarOf(file), TensorCache.sidecarOf(file).resolveSibling(
                TensorCache.sidecarOf(file).getFileName() + ".4242-abd.tmp"));
        FileTime minuteAgo = FileTime.from(java.time.Instant.now().minusSeconds(60));
        Files.setLastModifiedTime(killed, minuteAgo);
        Files.setLastModifiedTime(killedList, minuteAgo);
        Path fresh = Files.copy(file, file.resolveSibling(file.getFileName() + ".4243-abe.tmp"));
        // a quiet one that another process (a build waiting on a slow disk, say) holds locked
        Path held = Files.copy(file, file.resolveSibling(file.getFileName() + ".4244-abf.tmp"));
        Files.setLastModifiedTime(held, minuteAgo);
        Files.delete(file);
        Process holder = new ProcessBuilder("python3", "-c", "import fcntl, sys, time\n"
                + "f = open(sys.argv[1], 'r+'); fcntl.lockf(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(120)",
                held.toString()).redirectErrorStream(true).start();
        try {
            assertEquals("locked", new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine());
            try (TensorCache cache = build(files)) {
                assertFalse(cache.reused());
            }
        } finally {
            holder.destroyForcibly();
        }
        assertFalse(Files.exists(killed), "the killed build's cache file is removed");
        assertFalse(Files.exists(killedList), "the killed build's file list is removed");
        assertTrue(Files.exists(fresh), "a temporary file written a moment ago is kept");
        assertTrue(Files.exists(held), "a temporary file another process holds locked is kept");
    }

    @Test
    void badImageFailsNamingItAndLeavesNoCache() throws IOException {
        byte[] jpg = Files.readAllBytes(data.resolve("noise.jpg"));
        Files.write(data.resolve("cut.jpg"), java.util.Arrays.copyOf(jpg, jpg.length / 2));
        List<String> names = new ArrayList<>(files);
        names.add(1, "cut.jpg");
        BadImageException e = assertThrows(BadImageException.class, () -> build(names));
        assertEquals(data.resolve("cut.jpg").toString(), e.file());
        assertEquals(List.of(), cacheFiles(), "a failed build must leave neither cache nor temporary files");
    }

    @Test
    void fileChangedSinceIndexingIsReported() throws IOException {
        List<String> h = hashes(data, files);
        TestImages.write(data, "red.png", TestImages.solid(40, 30, 0xFE0000), "png");
        BadImageException e = assertThrows(BadImageException.class,
                () -> TensorCache.build(data, files, h, SIZE, cacheDir));
        assertTrue(e.reason().startsWith("content changed since it was indexed"), e.reason());
        assertTrue(e.file().endsWith("red.png"), e.file());
    }

    @Test
    void duplicateNamesAndClosedCacheAreRefused() throws IOException {
        List<String> twice = List.of("red.png", "red.png");
        assertThrows(IllegalArgumentException.class, () -> build(twice));
        TensorCache cache = build(files);
        cache.close();
        assertThrows(IllegalStateException.class, () -> cache.raw(0));
    }
}
