package agecnn.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * The EXIF orientation of a JPEG (tag 0x0112: how the camera was held) and the turn or flip
 * that shows the picture upright. Phones store portrait photos sideways with this tag, so a
 * face in such a photo is found only once the tag is applied. Anything unreadable counts as
 * orientation 1 (as stored): a broken EXIF block must not make a good picture unusable.
 */
public final class ExifOrientation {

    private static final int TAG_ORIENTATION = 0x0112;

    private ExifOrientation() {}

    /** 1-8 as in the EXIF standard; 1 when the file has no (readable) orientation. */
    public static int of(byte[] jpeg) {
        try {
            return find(jpeg);
        } catch (IndexOutOfBoundsException e) {
            return 1;   // a truncated or malformed segment: treated as no tag
        }
    }

    private static int find(byte[] b) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) return 1;
        int p = 2;
        while (p + 4 <= b.length && (b[p] & 0xFF) == 0xFF) {
            int marker = b[p + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) return 1;   // start of scan / end: no EXIF before the pixels
            int length = u16(b, p + 2, false);
            if (marker == 0xE1 && length >= 8 && startsWithExif(b, p + 4)) {
                int orientation = inTiff(b, p + 10, p + 2 + length);
                if (orientation != 0) return orientation;
            }
            p += 2 + length;
        }
        return 1;
    }

    private static boolean startsWithExif(byte[] b, int p) {
        return b[p] == 'E' && b[p + 1] == 'x' && b[p + 2] == 'i' && b[p + 3] == 'f' && b[p + 4] == 0 && b[p + 5] == 0;
    }

    /** The orientation in the TIFF block at {@code tiff} (IFD0 only), or 0 when absent or invalid. */
    private static int inTiff(byte[] b, int tiff, int end) {
        boolean little = b[tiff] == 'I' && b[tiff + 1] == 'I';
        if (!little && !(b[tiff] == 'M' && b[tiff + 1] == 'M')) return 0;
        if (u16(b, tiff + 2, little) != 42) return 0;
        int ifd = tiff + (int) u32(b, tiff + 4, little);
        if (ifd < tiff || ifd + 2 > end) return 0;
        int entries = u16(b, ifd, little);
        for (int i = 0; i < entries; i++) {
            int e = ifd + 2 + 12 * i;
            if (e + 12 > end) return 0;
            if (u16(b, e, little) == TAG_ORIENTATION && u16(b, e + 2, little) == 3) {
                int v = u16(b, e + 8, little);
                return v >= 1 && v <= 8 ? v : 0;
            }
        }
        return 0;
    }

    /**
     * The image turned and flipped so that it shows upright, for an EXIF orientation 1-8
     * (5-8 swap width and height). Orientation 1, or an unknown value, returns the image itself.
     */
    public static BufferedImage upright(BufferedImage rgb, int orientation) {
        if (orientation <= 1 || orientation > 8) return rgb;
        int w = rgb.getWidth(), h = rgb.getHeight();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w, oh = swap ? w : h;
        BufferedImage out = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_RGB);
        int[] src = rgb.getRGB(0, 0, w, h, null, 0, w);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                // the input pixel shown at output (x, y)
                int sx, sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; }   // 8
                }
                dst[y * ow + x] = src[sy * w + sx] & 0xFFFFFF;
            }
        }
        return out;
    }

    private static int u16(byte[] b, int p, boolean little) {
        return little ? (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 : (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
    }

    private static long u32(byte[] b, int p, boolean little) {
        return little ? (u16(b, p, true) | (long) u16(b, p + 2, true) << 16) : ((long) u16(b, p, false) << 16 | u16(b, p + 2, false));
    }
}
