package agecnn.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;

/** Synthetic images for tests, and a few real UTKFace files when the data is present. */
public final class TestImages {

    private TestImages() {}

    /** UTKFACE_DIR when set, else the CI layout's ../shared/data/utkface beside the project root. */
    public static Path realDataDir() {
        String env = System.getenv("UTKFACE_DIR");
        if (env != null && !env.isBlank()) return Paths.get(env);
        return Paths.get(System.getProperty("project.dir", ".")).toAbsolutePath().resolve("../shared/data/utkface").normalize();
    }

    /** Copies the named real UTKFace files into {@code dir}; skips the test without data. */
    public static void copyRealFiles(Path dir, String... names) throws IOException {
        Path data = realDataDir();
        Assumptions.assumeTrue(Files.isDirectory(data), "no UTKFace data at " + data);
        Files.createDirectories(dir);
        for (String f : names) Files.copy(data.resolve(f), dir.resolve(f));
    }

    /** Copies the first {@code n} real UTKFace files (by name) into {@code dir}; skips the test without data. */
    public static List<String> copyRealFiles(int n, Path dir) throws IOException {
        Path data = realDataDir();
        Assumptions.assumeTrue(Files.isDirectory(data), "no UTKFace data at " + data);
        List<String> names;
        try (Stream<Path> s = Files.list(data)) {
            names = s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".jpg")).sorted().limit(n).toList();
        }
        Assumptions.assumeTrue(names.size() == n, "fewer than " + n + " jpgs in " + data);
        Files.createDirectories(dir);
        for (String f : names) Files.copy(data.resolve(f), dir.resolve(f));
        return new ArrayList<>(names);
    }

    public static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
        return img;
    }

    /** Uniform random colours: hard to compress, so a JPEG of it is long and cut mid-scan when halved. */
    public static BufferedImage noise(int w, int h, long seed) {
        Random rnd = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rnd.nextInt(1 << 24));
        return img;
    }

    public static byte[] encode(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) throw new IllegalStateException("no ImageIO writer for " + format);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path dir, String name, BufferedImage img, String format) throws IOException {
        return Files.write(dir.resolve(name), encode(img, format));
    }

    /**
     * A grey PNG of any size, its rows written one by one into the compressor, so that a photo
     * of 10000 x 10000 pixels (100 MB of pixels, about 100 kB of file) is made without holding
     * its pixels: 8-bit greyscale, every pixel {@code level} except a lighter square in the middle.
     */
    public static byte[] greyPng(int width, int height, int level) {
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            png.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
            ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                    .put((byte) 0).put((byte) 0).put((byte) 0);
            chunk(png, "IHDR", ihdr.array());
            ByteArrayOutputStream idat = new ByteArrayOutputStream();
            Deflater deflater = new Deflater(Deflater.BEST_SPEED);
            try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 16)) {
                byte[] row = new byte[1 + width];   // filter byte 0 (none), then the pixels
                for (int y = 0; y < height; y++) {
                    boolean middleRow = Math.abs(y - height / 2) < height / 8;
                    for (int x = 0; x < width; x++) {
                        row[1 + x] = (byte) (middleRow && Math.abs(x - width / 2) < width / 8 ? Math.min(255, level + 80) : level);
                    }
                    z.write(row);
                }
            } finally {
                deflater.end();
            }
            chunk(png, "IDAT", idat.toByteArray());
            chunk(png, "IEND", new byte[0]);
            return png.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        png.write(ByteBuffer.allocate(4).putInt(data.length).array());
        png.write(t);
        png.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        png.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
