package agecnn.serve;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * What the server checks of an image before a worker decodes it: that the bytes start as a
 * JPEG or PNG does (else 400), and that width times height, read from the header alone, is
 * within the pixel limit (else 413): a small file can announce a huge picture, and decoding it
 * would take the memory of every request at once.
 */
final class ImageCheck {

    private ImageCheck() {}

    /** "JPEG" or "PNG" by the first bytes, else null. */
    static String format(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) return "JPEG";
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' && b[4] == '\r' && b[5] == '\n'
                && b[6] == 0x1A && b[7] == '\n') return "PNG";
        return null;
    }

    /**
     * @param name what the image is called in messages (a file name, a URL)
     * @throws ApiError 400 when the bytes are no JPEG or PNG or its header is unreadable, 413 over {@code maxPixels}
     */
    static void check(byte[] bytes, String name, long maxPixels) throws ApiError {
        if (bytes.length == 0) throw new ApiError(400, name + ": empty (0 bytes), not an image", name, 0);
        String format = format(bytes);
        if (format == null) {
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < Math.min(8, bytes.length); i++) hex.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i]));
            throw new ApiError(400, name + ": not a JPEG or PNG image (starts with " + hex + ")", name, 0);
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) throw new ApiError(500, "this Java has no ImageIO reader for " + format, name, 0);
        ImageReader reader = readers.next();
        long w, h;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            w = reader.getWidth(0);
            h = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            throw new ApiError(400, name + ": a " + format + " whose header cannot be read (" + e.getMessage() + ")", name, 0);
        } finally {
            reader.dispose();
        }
        if (w <= 0 || h <= 0) throw new ApiError(400, name + ": a zero-size " + format + " (" + w + "x" + h + ")", name, 0);
        if (w * h > maxPixels) {
            throw new ApiError(413, name + ": " + w + "x" + h + " pixels, over the limit of " + maxPixels
                    + " (" + String.format(java.util.Locale.ROOT, "%.1f", maxPixels / 1e6) + " megapixels); send a smaller image", name, 0);
        }
    }
}
