package agecnn.data;

import java.awt.Dimension;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes JPEG and PNG files into {@link BufferedImage#TYPE_INT_RGB} images with javax.imageio,
 * turning every way a file can be bad into a {@link BadImageException} that names the file.
 *
 * <p>ImageIO's JPEG reader only <em>warns</em> about a truncated or corrupt stream ("Premature
 * end of JPEG file") and fills the missing part with grey; such an image would train the model
 * on half a face, so warnings count as errors here. Grayscale, palette and alpha images become
 * plain RGB; transparent pixels are composited onto white. CMYK JPEGs are converted with the
 * plain ink formula. {@link #readUpright} also applies a JPEG's EXIF orientation.
 *
 * <p>Memory and time are bounded by design, whatever a file claims (docs/predict.md, "Limits"):
 * <ul>
 *   <li>a file over {@link #MAX_FILE_BYTES} is refused by its size before it is read, and a
 *       stream that is not a regular file ({@code /dev/zero}, a pipe) is read only as far as its
 *       first bytes show it is no JPEG or PNG, and never past that limit;</li>
 *   <li>the header's dimensions are read before any pixel: more than {@link #MAX_PIXELS} is
 *       refused (decoding time grows with the pixels, and a small PNG can claim billions);</li>
 *   <li>an image longer than {@link #MAX_DECODED_SIDE} on either side is decoded directly at
 *       1/k of its size (ImageIO's source subsampling: every k-th pixel of every k-th row, read
 *       row by row), so no decoded picture holds more than 4096 x 4096 pixels (64 MiB as RGB
 *       ints, plus the reader's 48 MiB) whatever the file's size. The models see at most
 *       224 px of a face, so nothing they use is lost. Smaller images are decoded as they are.</li>
 * </ul>
 */
public final class ImageDecoder {

    /**
     * Images with more pixels (by their header) are refused: 2^27, about 134 million, above the
     * 108 MP of the largest phone sensors' full-size photos; decoding that many takes a few
     * seconds. The decoded copy is bounded by {@link #MAX_DECODED_SIDE}, so this bounds time, not memory.
     */
    public static final long MAX_PIXELS = 1L << 27;

    /**
     * Files larger than this are refused before they are read: 64 MiB, twice a 108 MP phone
     * photo's JPEG (20-30 MB); the bytes are held in memory while decoding.
     */
    public static final long MAX_FILE_BYTES = 64L << 20;

    /** The longest side decoded: larger images are decoded at 1/k of their size (see the class comment). */
    public static final int MAX_DECODED_SIDE = 4096;

    private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private ImageDecoder() {}

    /** The image in {@code file} as RGB. */
    public static BufferedImage readRgb(Path file) throws BadImageException {
        return readRgb(readBytes(file), file.toString());
    }

    /** The image encoded in {@code bytes} as RGB; {@code name} is the file named in errors. */
    public static BufferedImage readRgb(byte[] bytes, String name) throws BadImageException {
        return decode(bytes, name, false).image;
    }

    /**
     * The image as RGB and upright: a JPEG's EXIF orientation (phones store portraits sideways
     * with a tag saying so) is applied. For photos from anywhere; the training data is read
     * with {@link #readRgb}, as stored.
     */
    public static BufferedImage readUpright(byte[] bytes, String name) throws BadImageException {
        return readPicture(bytes, name).image();
    }

    /** Width and height from the header alone, without decoding the pixels. */
    public static Dimension readSize(Path file) throws BadImageException {
        return readSize(readBytes(file), file.toString());
    }

    /** Width and height of the image encoded in {@code bytes}, from its header alone; {@code name} is named in errors. */
    public static Dimension readSize(byte[] bytes, String name) throws BadImageException {
        return decode(bytes, name, true).size;
    }

    /**
     * A photo as decoded for prediction: RGB and upright ({@link #readUpright}), at most
     * {@link #MAX_DECODED_SIDE} on either side, with the size of the image in the file (upright too).
     *
     * @param width  the image's width in the file, upright; {@code image} is smaller when it was decoded at 1/k
     * @param height the same for the height
     */
    public record Picture(BufferedImage image, int width, int height) {

        /** How many of the file's pixels make one of {@code image}'s, along each side: 1 when decoded at full size. */
        public int subsampling() {
            return (int) Math.round((double) Math.max(width, height) / Math.max(image.getWidth(), image.getHeight()));
        }
    }

    /** The image as {@link #readRgb} gives it (as stored, no EXIF turn), with its size in the file. */
    public static Picture readStored(byte[] bytes, String name) throws BadImageException {
        Decoded d = decode(bytes, name, false);
        return new Picture(d.image, d.size.width, d.size.height);
    }

    /** The image as {@link #readUpright} gives it, with its size in the file. */
    public static Picture readPicture(byte[] bytes, String name) throws BadImageException {
        Decoded d = decode(bytes, name, false);
        if (!startsWith(bytes, JPEG_MAGIC)) return new Picture(d.image, d.size.width, d.size.height);
        int orientation = ExifOrientation.of(bytes);
        BufferedImage up = ExifOrientation.upright(d.image, orientation);
        boolean swapped = orientation >= 5 && orientation <= 8;   // as ExifOrientation.upright turns it
        return swapped ? new Picture(up, d.size.height, d.size.width) : new Picture(up, d.size.width, d.size.height);
    }

    /**
     * All bytes of {@code file}; a missing or unreadable file is a BadImageException. A regular
     * file over {@link #MAX_FILE_BYTES} is refused by its size, unread; anything else (a device,
     * a pipe) is read as a stream, refused as soon as its first bytes are no JPEG or PNG, and
     * never read past the limit.
     */
    public static byte[] readBytes(Path file) throws BadImageException {
        String name = file.toString();
        if (Files.isDirectory(file)) throw new BadImageException(name, "is a folder, not an image file");
        try {
            if (Files.isRegularFile(file)) {
                long size = Files.size(file);
                if (size > MAX_FILE_BYTES) throw new BadImageException(name, tooLarge(size + " bytes"));
                return Files.readAllBytes(file);
            }
            try (InputStream in = Files.newInputStream(file)) {
                byte[] head = in.readNBytes(PNG_MAGIC.length);
                if (head.length == 0) throw new BadImageException(name, "empty file (0 bytes)");
                if (format(head) == null) {
                    throw new BadImageException(name, "not a JPEG or PNG image (starts with " + hexStart(head) + ")");
                }
                // readNBytes grows its buffer with what arrives, it does not allocate the limit
                byte[] rest = in.readNBytes((int) MAX_FILE_BYTES - head.length + 1);
                if (head.length + rest.length > MAX_FILE_BYTES) throw new BadImageException(name, tooLarge("more than that"));
                byte[] all = Arrays.copyOf(head, head.length + rest.length);
                System.arraycopy(rest, 0, all, head.length, rest.length);
                return all;
            }
        } catch (BadImageException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new BadImageException(name, "no such file");
        } catch (AccessDeniedException e) {
            throw new BadImageException(name, "permission denied");
        } catch (IOException | OutOfMemoryError e) {
            throw new BadImageException(name, "cannot read the file: " + describe(e));
        }
    }

    private static String tooLarge(String size) {
        return "the file is " + size + ", over the limit of " + MAX_FILE_BYTES + " bytes (" + (MAX_FILE_BYTES >> 20)
                + " MiB) for an image; not read";
    }

    private record Decoded(BufferedImage image, Dimension size) {}

    private static Decoded decode(byte[] bytes, String name, boolean sizeOnly) throws BadImageException {
        if (bytes.length == 0) throw new BadImageException(name, "empty file (0 bytes)");
        String format = format(bytes);
        if (format == null) {
            throw new BadImageException(name, "not a JPEG or PNG image (starts with " + hexStart(bytes) + ")");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) throw new BadImageException(name, "this Java has no ImageIO reader for " + format);
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width <= 0 || height <= 0) {
                throw new BadImageException(name, "zero-size " + format + " image (" + width + "x" + height + ")");
            }
            if ((long) width * height > MAX_PIXELS) {
                throw new BadImageException(name, format + " image too large to decode: " + width + "x" + height + " is "
                        + (long) width * height + " pixels, over the limit of " + MAX_PIXELS);
            }
            Dimension size = new Dimension(width, height);
            if (sizeOnly) return new Decoded(null, size);
            ImageReadParam param = reader.getDefaultReadParam();
            int k = (Math.max(width, height) + MAX_DECODED_SIDE - 1) / MAX_DECODED_SIDE;
            if (k > 1) param.setSourceSubsampling(k, k, 0, 0);   // decoded row by row at 1/k: the full size is never held
            BufferedImage image = reader.read(0, param);
            if (!warnings.isEmpty()) {
                throw new BadImageException(name, "truncated or corrupt " + format + " data: " + String.join("; ", warnings));
            }
            return new Decoded(toRgb(image), size);
        } catch (BadImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO reports broken streams as IIOException, EOFException and, for some
            // corruptions, as unchecked exceptions from deep inside the decoder.
            throw new BadImageException(name, "cannot decode " + format + ": " + describe(e));
        } finally {
            reader.dispose();
        }
    }

    /** The image as TYPE_INT_RGB, alpha composited onto white. */
    static BufferedImage toRgb(BufferedImage src) {
        if (src.getType() == BufferedImage.TYPE_INT_RGB) return src;
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        ColorModel cm = src.getColorModel();
        if (src.getType() == BufferedImage.TYPE_3BYTE_BGR && src.getRaster().getParent() == null) {
            // What the JPEG reader returns for colour: copy directly, it is the common case.
            byte[] bgr = ((DataBufferByte) src.getRaster().getDataBuffer()).getData();
            for (int p = 0, b = 0; p < dst.length; p++, b += 3) {
                dst[p] = (bgr[b + 2] & 0xFF) << 16 | (bgr[b + 1] & 0xFF) << 8 | (bgr[b] & 0xFF);
            }
        } else if (cm.getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
            // CMYK JPEGs (print workflows, some stock photos): ImageIO hands over the ink values
            // (already un-inverted for Adobe files) but converts them to sRGB far too bright.
            // The plain formula R = (1 - C)(1 - K) is close to what viewers show.
            Raster r = src.getRaster();
            int[] px = new int[4];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    r.getPixel(x, y, px);
                    int k = 255 - px[3];
                    dst[y * w + x] = ink(px[0], k) << 16 | ink(px[1], k) << 8 | ink(px[2], k);
                }
            }
        } else if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            // Read grey levels from the raster: going through getRGB would apply the linear-gray
            // colour space's gamma and brighten the picture.
            Raster r = src.getRaster();
            int grayMax = (1 << cm.getComponentSize(0)) - 1;
            int alphaMax = cm.hasAlpha() ? (1 << cm.getComponentSize(1)) - 1 : 0;
            int[] gray = new int[w];
            int[] alpha = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, gray);
                if (cm.hasAlpha()) r.getSamples(0, y, w, 1, 1, alpha);
                for (int x = 0; x < w; x++) {
                    int g = scale(gray[x], grayMax);
                    if (cm.hasAlpha()) g = overWhite(g, scale(alpha[x], alphaMax));
                    dst[y * w + x] = g << 16 | g << 8 | g;
                }
            }
        } else {
            // Palette, 16-bit and other RGB layouts: ColorModel gives non-premultiplied sRGB.
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                src.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    int argb = row[x];
                    int a = argb >>> 24;
                    if (a != 255 && cm.hasAlpha()) {
                        argb = overWhite(argb >> 16 & 0xFF, a) << 16
                                | overWhite(argb >> 8 & 0xFF, a) << 8
                                | overWhite(argb & 0xFF, a);
                    }
                    dst[y * w + x] = argb & 0xFFFFFF;
                }
            }
        }
        return out;
    }

    private static int ink(int c, int notBlack) {
        return ((255 - c) * notBlack + 127) / 255;
    }

    private static int scale(int sample, int max) {
        return max == 255 ? sample : (int) ((sample * 255L + max / 2) / max);
    }

    private static int overWhite(int c, int alpha) {
        return (c * alpha + 255 * (255 - alpha) + 127) / 255;
    }

    /** "JPEG" or "PNG" by the first bytes (the formats this project reads), else null. */
    public static String format(byte[] bytes) {
        return startsWith(bytes, JPEG_MAGIC) ? "JPEG" : startsWith(bytes, PNG_MAGIC) ? "PNG" : null;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) return false;
        }
        return true;
    }

    private static String hexStart(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            if (i > 0) sb.append(' ');
            sb.append(String.format("%02x", bytes[i] & 0xFF));
        }
        return sb.toString();
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage();
        return e.getClass().getSimpleName() + (msg == null || msg.isBlank() ? "" : " (" + msg + ")");
    }
}
