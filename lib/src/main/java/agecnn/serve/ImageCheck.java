package agecnn.serve;

import agecnn.data.BadImageException;
import agecnn.data.ImageDecoder;
import java.awt.Dimension;

/**
 * What the server checks of an image before a worker decodes it: that it is a JPEG or PNG whose
 * header reads (else 400), and that width times height, read from the header alone
 * ({@link ImageDecoder#readSize}, the data layer's one reader), is within the pixel limit (else
 * 413): a small file can announce a huge picture, and decoding it would take the memory of every
 * request at once.
 */
final class ImageCheck {

    private ImageCheck() {}

    /**
     * @param name what the image is called in messages (a file name, a URL)
     * @throws ApiError 400 when the bytes are no JPEG or PNG or its header is unreadable, 413 over {@code maxPixels}
     */
    static void check(byte[] bytes, String name, long maxPixels) throws ApiError {
        Dimension d;
        try {
            d = ImageDecoder.readSize(bytes, name);
        } catch (BadImageException e) {
            // the decoder's own ceiling (ImageDecoder.MAX_PIXELS) is a size too, not a broken file
            boolean tooLarge = e.getMessage().contains("too large to decode");
            throw new ApiError(tooLarge ? 413 : 400, e.getMessage(), name, 0);
        }
        long w = d.width, h = d.height;
        if (w * h > maxPixels) {
            throw new ApiError(413, name + ": " + w + "x" + h + " pixels, over the limit of " + maxPixels
                    + " (" + String.format(java.util.Locale.ROOT, "%.1f", maxPixels / 1e6) + " megapixels); send a smaller image", name, 0);
        }
    }
}
