package agecnn.tensors;

import agecnn.data.BadImageException;
import agecnn.data.ImageDecoder;
import agecnn.io.Sha256;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The decoded, cropped and resized images of a list of files, kept on disk in one file so that
 * later notebooks never decode a JPEG again. Pixels are stored as uint8 RGB in HWC order and
 * read with positional reads, not memory-mapped: mapped pages would count in the process's
 * resident memory (1.1 GB for the whole data set at 128 px). The 1/255 scaling to float happens as a batch is read. Stored as
 * uint8 the 23,708 UTKFace images take 3.5 GB at 224 px instead of 14 GB as float32.
 *
 * <p>The cache is named {@code tensors-<size>px-<key>.u8} after the first 16 hex digits of
 * {@link #key}: a digest of the size, the resize algorithm and the ordered file names with
 * their content hashes, so any change to those builds a new cache. Next to it
 * {@code tensors-<size>px-<key>.files.txt} lists the file names, one a line, in cache order.
 *
 * <p>Layout (big-endian): a 64-byte header (magic {@code AGECNNU8}, format version, count,
 * size, channels = 3, the 32-byte key digest, 8 reserved bytes), then count images of
 * size * size * 3 bytes each. A build writes a temporary file and renames it into place, so a
 * file with the cache's name is always complete; open() checks the header, the key against
 * the name and the exact length, so a truncated or foreign file is refused (and rebuilt by
 * build()). Bit errors inside the pixel data are not detected. A build holds a lock on its
 * temporary files; those of a killed build, which no process holds, are removed by the next.
 *
 * <p>Reads ({@link #raw}, {@link #batch}, ...) are safe from several threads at once.
 */
public final class TensorCache implements AutoCloseable {

    static final int HEADER_BYTES = 64;
    static final int VERSION = 1;
    static final int CHANNELS = 3;
    private static final byte[] MAGIC = "AGECNNU8".getBytes(StandardCharsets.US_ASCII);
    /** Temporary files of builds killed this long ago are removed by the next build. */
    private static final Duration STALE_TEMP_AGE = Duration.ofHours(1);
    /**
     * A temporary file no build holds a lock on and not written for this long is a killed build's,
     * removed by the next build at once (the pause covers a build between creating its file and locking it).
     */
    private static final Duration ABANDONED_TEMP_QUIET = Duration.ofSeconds(10);

    /** A cache file that is truncated, foreign or inconsistent with its sidecar. */
    public static final class CorruptCacheException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptCacheException(Path file, String reason) {
            super(file + ": not a usable tensor cache: " + reason);
        }
    }

    private final Path path;
    private final String key;
    private final int count;
    private final int size;
    private final int imageBytes;
    private final List<String> files;
    private final Map<String, Integer> indexOfFile;
    private final FileChannel channel;
    private final double buildSeconds;
    private final boolean reused;
    private final String rebuiltBecause;
    private volatile boolean closed;

    private TensorCache(Path path, String key, int count, int size, List<String> files, FileChannel channel,
                        double buildSeconds, boolean reused, String rebuiltBecause) throws IOException {
        this.path = path;
        this.key = key;
        this.count = count;
        this.size = size;
        this.imageBytes = size * size * CHANNELS;
        this.files = Collections.unmodifiableList(new ArrayList<>(files));
        this.indexOfFile = new HashMap<>();
        for (int i = 0; i < files.size(); i++) indexOfFile.put(files.get(i), i);
        this.channel = channel;
        this.buildSeconds = buildSeconds;
        this.reused = reused;
        this.rebuiltBecause = rebuiltBecause;
    }

    /** Lower-case hex SHA-256 over the format, resize algorithm, size and the ordered (file, hash) pairs. */
    public static String key(int size, List<String> files, List<String> sha256) {
        checkLists(files, sha256);
        MessageDigest md = Sha256.digest();
        update(md, "agecnn tensor cache v" + VERSION + "\n" + Resizer.ALGORITHM + "\nsize " + size + "\n");
        for (int i = 0; i < files.size(); i++) {
            update(md, files.get(i) + "\0" + sha256.get(i).trim().toLowerCase() + "\n");
        }
        return Sha256.hex(md);
    }

    /**
     * The cache of {@code files} (names inside {@code dataDir}, with their SHA-256 as in the
     * index) at {@code size} px: the existing one in {@code cacheDir} when it is valid, without
     * decoding anything; otherwise built, decoding in parallel on all processors. A bad image
     * fails the build with a BadImageException naming it, and leaves no cache behind.
     */
    public static TensorCache build(Path dataDir, List<String> files, List<String> sha256, int size, Path cacheDir)
            throws IOException {
        if (size <= 0) throw new IllegalArgumentException("image size must be positive, got " + size);
        checkLists(files, sha256);
        checkNames(files);
        String key = key(size, files, sha256);
        Path target = cacheDir.resolve(baseName(size, key) + ".u8");
        String rebuiltBecause = null;
        if (Files.exists(target)) {
            try {
                TensorCache cache = open(target, 0, true, null);
                if (cache.key.equals(key) && cache.files.equals(files)) return cache;
                cache.close();
                rebuiltBecause = "the cache at " + target + " was made for other files";
            } catch (CorruptCacheException e) {
                rebuiltBecause = e.getMessage();
            }
            System.err.println("Rebuilding tensor cache: " + rebuiltBecause);
        }
        Files.createDirectories(cacheDir);
        removeStaleTemps(cacheDir, target.getFileName().toString());
        removeStaleTemps(cacheDir, sidecarOf(target).getFileName().toString());
        long start = System.nanoTime();
        Path tmp = newTemp(target);
        Path sidecarTmp = newTemp(sidecarOf(target));
        // Both temporary files stay locked until they are renamed: how other builds tell them from
        // those of a build that was killed (see abandoned). Written only through these channels:
        // closing any other channel on them would drop the locks.
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
             FileChannel sidecarCh = FileChannel.open(sidecarTmp, StandardOpenOption.WRITE);
             FileLock tmpLock = ch.lock();
             FileLock sidecarLock = sidecarCh.lock()) {
            writeImages(ch, tmp, dataDir, files, sha256, size, key);
            StringBuilder lines = new StringBuilder();
            for (String f : files) lines.append(f).append('\n');
            writeFully(sidecarCh, ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)), 0);
            // Sidecar first: whenever the .u8 exists, its sidecar does too.
            Files.move(sidecarTmp, sidecarOf(target), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (java.nio.channels.ClosedByInterruptException e) {
            throw new InterruptedIOException("interrupted while building tensor cache " + tmp);
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(sidecarTmp);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return open(target, seconds, false, rebuiltBecause);
    }

    /** Opens an existing cache file; a truncated or inconsistent one is a CorruptCacheException. */
    public static TensorCache open(Path cacheFile) throws IOException {
        return open(cacheFile, 0, true, null);
    }

    private static TensorCache open(Path file, double buildSeconds, boolean reused, String rebuiltBecause)
            throws IOException {
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "no tensor cache file here");
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long length = ch.size();
            if (length < HEADER_BYTES) {
                throw new CorruptCacheException(file, "only " + length + " bytes, shorter than the " + HEADER_BYTES + "-byte header");
            }
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
            while (h.hasRemaining() && ch.read(h, h.position()) >= 0) { /* read the whole header */ }
            h.flip();
            byte[] magic = new byte[MAGIC.length];
            h.get(magic);
            if (!Arrays.equals(magic, MAGIC)) throw new CorruptCacheException(file, "wrong magic bytes (not written by TensorCache)");
            int version = h.getInt();
            if (version != VERSION) {
                throw new CorruptCacheException(file, "format version " + version + ", this code reads version " + VERSION);
            }
            int count = h.getInt();
            int size = h.getInt();
            int channels = h.getInt();
            if (count < 0 || size <= 0 || channels != CHANNELS) {
                throw new CorruptCacheException(file, "impossible header: count " + count + ", size " + size + ", channels " + channels);
            }
            byte[] digest = new byte[32];
            h.get(digest);
            String key = HexFormat.of().formatHex(digest);
            String name = file.getFileName().toString();
            if (name.startsWith("tensors-") && name.endsWith(".u8") && !name.equals(baseName(size, key) + ".u8")) {
                throw new CorruptCacheException(file, "its header is for " + baseName(size, key) + ".u8");
            }
            long expected = HEADER_BYTES + (long) count * size * size * CHANNELS;
            if (length != expected) {
                throw new CorruptCacheException(file, (length < expected ? "truncated" : "too long") + ": " + count
                        + " images at " + size + "px need " + expected + " bytes, the file has " + length);
            }
            Path sidecar = sidecarOf(file);
            if (!Files.isRegularFile(sidecar)) throw new CorruptCacheException(file, "its file list " + sidecar + " is missing");
            List<String> files = Files.readAllLines(sidecar, StandardCharsets.UTF_8);
            if (files.size() != count) {
                throw new CorruptCacheException(file, "its file list " + sidecar + " has " + files.size()
                        + " names for " + count + " images");
            }
            return new TensorCache(file, key, count, size, files, ch, buildSeconds, reused, rebuiltBecause);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public int count() {
        return count;
    }

    /** Side of the square images, px. */
    public int imageSize() {
        return size;
    }

    /** File names in cache order (index i is image i). */
    public List<String> files() {
        return files;
    }

    /** The index of {@code file} in this cache, or -1 when it is not there. */
    public int indexOf(String file) {
        Integer i = indexOfFile.get(file);
        return i == null ? -1 : i;
    }

    /** The cache file. */
    public Path path() {
        return path;
    }

    /** Image i as uint8 RGB in HWC order (a copy). */
    public byte[] raw(int i) {
        byte[] out = new byte[imageBytes];
        readInto(i, out);
        return out;
    }

    public BufferedImage image(int i) {
        return Resizer.toImage(raw(i), size);
    }

    public BufferedImage image(String file) {
        int i = indexOf(file);
        if (i < 0) throw new IllegalArgumentException("no image '" + file + "' in tensor cache " + path);
        return image(i);
    }

    /** Image i as float32 CHW (RGB planes), values byte / 255. */
    public float[] chw(int i) {
        float[] out = new float[imageBytes];
        toChw(raw(i), out, 0, size);
        return out;
    }

    /**
     * The images at {@code indices} as a float32 NCHW array (DL4J's convolution layout),
     * channels R, G, B, values byte / 255.
     */
    public INDArray batch(int[] indices) {
        if (indices.length == 0) throw new IllegalArgumentException("a batch needs at least one image index");
        if ((long) indices.length * imageBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a batch of " + indices.length + " images at " + size
                    + "px is too large for one array; use smaller batches");
        }
        float[] data = new float[indices.length * imageBytes];
        byte[] buf = new byte[imageBytes];
        for (int k = 0; k < indices.length; k++) {
            readInto(indices[k], buf);
            toChw(buf, data, k * imageBytes, size);
        }
        return Nd4j.create(data, new long[] {indices.length, CHANNELS, size, size}, DataType.FLOAT);
    }

    /**
     * One image given as HWC RGB bytes (as {@link Resizer#toSquareRgb} makes them) in the layout
     * and scale of {@link #batch}: float32 [1, 3, size, size], values byte / 255.
     */
    public static INDArray batchOf(byte[] hwc, int size) {
        return batchOf(java.util.List.of(hwc), size);
    }

    /** Images given as HWC RGB bytes, in order, as one batch [n, 3, size, size] laid out as {@link #batch} lays it out. */
    public static INDArray batchOf(java.util.List<byte[]> hwc, int size) {
        int imageBytes = size * size * CHANNELS;
        if (hwc.isEmpty()) throw new IllegalArgumentException("a batch needs at least one image");
        float[] data = new float[hwc.size() * imageBytes];
        for (int k = 0; k < hwc.size(); k++) {
            if (hwc.get(k).length != imageBytes) {
                throw new IllegalArgumentException("expected " + size + "x" + size + "x3 = " + imageBytes
                        + " bytes, got " + hwc.get(k).length);
            }
            toChw(hwc.get(k), data, k * imageBytes, size);
        }
        return Nd4j.create(data, new long[] {hwc.size(), CHANNELS, size, size}, DataType.FLOAT);
    }

    /** Seconds the build took; 0 when an existing cache was reused. */
    public double buildSeconds() {
        return buildSeconds;
    }

    /** True when no image was decoded: an existing cache was opened. */
    public boolean reused() {
        return reused;
    }

    /** One line for the notebook, e.g. {@code 23318 images at 64px, built in 21.3 s (1095 images/s)}. */
    public String describe() {
        String what = count + " images at " + size + "px";
        if (reused()) return what + ", reused " + path.getFileName();
        String s = String.format("%s, built in %.1f s (%.0f images/s)", what, buildSeconds, count / buildSeconds);
        return rebuiltBecause == null ? s : s + "; rebuilt because " + rebuiltBecause;
    }

    @Override
    public String toString() {
        return "TensorCache[" + describe() + "]";
    }

    /** Closes the file. */
    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
    }

    String cacheKey() {
        return key;
    }

    static Path sidecarOf(Path cacheFile) {
        String name = cacheFile.getFileName().toString();
        String base = name.endsWith(".u8") ? name.substring(0, name.length() - 3) : name;
        return cacheFile.resolveSibling(base + ".files.txt");
    }

    private void readInto(int i, byte[] dst) {
        if (closed) throw new IllegalStateException("tensor cache " + path + " is closed");
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("image index " + i + " outside 0.." + (count - 1) + " of tensor cache " + path);
        }
        // Positional reads leave the channel's position alone, so reads from several threads are safe.
        ByteBuffer buf = ByteBuffer.wrap(dst, 0, imageBytes);
        long at = HEADER_BYTES + (long) i * imageBytes;
        try {
            while (buf.hasRemaining()) {
                if (channel.read(buf, at + buf.position()) < 0) throw new IOException("ends before image " + i);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("tensor cache " + path + ": cannot read image " + i + ": " + e.getMessage(), e);
        }
    }

    private static final float[] UNIT = new float[256];
    static {
        for (int b = 0; b < 256; b++) UNIT[b] = b / 255f;
    }

    private static void toChw(byte[] hwc, float[] out, int offset, int size) {
        int plane = size * size;
        for (int p = 0, b = 0; p < plane; p++, b += 3) {
            out[offset + p] = UNIT[hwc[b] & 0xFF];
            out[offset + plane + p] = UNIT[hwc[b + 1] & 0xFF];
            out[offset + 2 * plane + p] = UNIT[hwc[b + 2] & 0xFF];
        }
    }

    /** Writes the header and every image through {@code ch} (open on {@code tmp}), which stays open. */
    private static void writeImages(FileChannel ch, Path tmp, Path dataDir, List<String> files, List<String> sha256, int size,
                                    String key) throws IOException {
        int n = files.size();
        int imageBytes = size * size * CHANNELS;
        writeFully(ch, header(n, size, key), 0);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Runnable worker = () -> {
            int i;
            while (failure.get() == null && !Thread.currentThread().isInterrupted() && (i = next.getAndIncrement()) < n) {
                try {
                    Path file = dataDir.resolve(files.get(i));
                    byte[] bytes = ImageDecoder.readBytes(file);
                    String actual = Sha256.hex(bytes);
                    if (!actual.equalsIgnoreCase(sha256.get(i).trim())) {
                        throw new BadImageException(file.toString(), "content changed since it was indexed: sha256 is "
                                + actual + ", the index says " + sha256.get(i));
                    }
                    byte[] pixels = Resizer.toSquareRgb(ImageDecoder.readRgb(bytes, file.toString()), size);
                    writeFully(ch, ByteBuffer.wrap(pixels), HEADER_BYTES + (long) i * imageBytes);
                } catch (IOException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }
        };
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), n));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "tensor-cache-decode");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) running.add(pool.submit(worker));
            for (Future<?> f : running) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while building tensor cache " + tmp);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) throw err;   // e.g. OutOfMemoryError
            failure.compareAndSet(null, (Exception) e.getCause());
        } finally {
            pool.shutdownNow();
        }
        Exception e = failure.get();
        if (e instanceof IOException io) throw io;
        if (e instanceof RuntimeException re) throw re;
        // Durable before the rename, so a crash cannot leave a complete-looking file of zeros.
        ch.force(true);
    }

    private static ByteBuffer header(int count, int size, String key) {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
        h.put(MAGIC).putInt(VERSION).putInt(count).putInt(size).putInt(CHANNELS).put(HexFormat.of().parseHex(key));
        h.position(0);
        return h;
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) pos += ch.write(buf, pos);
    }

    private static String baseName(int size, String key) {
        return "tensors-" + size + "px-" + key.substring(0, 16);
    }

    /**
     * A new empty file next to {@code target} whose name ends in .tmp, so that it can never be
     * taken for a cache. Made with the usual permissions (createTempFile would make it
     * private to this user, and the cache is meant to be shared).
     */
    private static Path newTemp(Path target) throws IOException {
        String prefix = target.getFileName() + "." + ProcessHandle.current().pid() + "-";
        for (int attempt = 0; ; attempt++) {
            Path tmp = target.resolveSibling(prefix + Long.toHexString(System.nanoTime() + attempt) + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 100) throw e;
            }
        }
    }

    private static void removeStaleTemps(Path cacheDir, String targetName) throws IOException {
        FileTime cutoff = FileTime.from(Instant.now().minus(STALE_TEMP_AGE));
        FileTime quiet = FileTime.from(Instant.now().minus(ABANDONED_TEMP_QUIET));
        String ours = targetName + "." + ProcessHandle.current().pid() + "-";
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(cacheDir, targetName + ".*.tmp")) {
            for (Path t : temps) {
                try {
                    FileTime modified = Files.getLastModifiedTime(t);
                    if (modified.compareTo(cutoff) < 0
                            || modified.compareTo(quiet) < 0 && !t.getFileName().toString().startsWith(ours) && abandoned(t)) {
                        Files.deleteIfExists(t);
                    }
                } catch (IOException e) {
                    // Another build may be removing it too; a leftover temp file is harmless.
                }
            }
        }
    }

    /**
     * Whether no build holds {@code temp} any more: a build locks its temporary files until it has
     * renamed them, and the lock goes with its process when that is killed. (Never asked of this
     * process's own files: closing a channel drops every lock the process holds on that file.)
     */
    private static boolean abandoned(Path temp) {
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.READ)) {
            FileLock lock = ch.tryLock(0, Long.MAX_VALUE, true);
            if (lock == null) return false;
            lock.release();
            return true;
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            return false;
        }
    }

    private static void checkLists(List<String> files, List<String> sha256) {
        if (files.size() != sha256.size()) {
            throw new IllegalArgumentException(files.size() + " files but " + sha256.size() + " sha256 hashes");
        }
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i) == null || sha256.get(i) == null) {
                throw new IllegalArgumentException("file name or sha256 missing at position " + i);
            }
        }
    }

    private static void checkNames(List<String> files) {
        Set<String> seen = new HashSet<>();
        for (String f : files) {
            if (f.isEmpty() || f.contains("\n") || f.contains("\r")) {
                throw new IllegalArgumentException("file name '" + f + "' cannot be listed one a line");
            }
            if (!seen.add(f)) throw new IllegalArgumentException("file '" + f + "' is listed twice");
        }
    }

    private static void update(MessageDigest md, String s) {
        md.update(s.getBytes(StandardCharsets.UTF_8));
    }
}
