package agecnn.predict;

import agecnn.data.BadImageException;
import agecnn.data.ExifOrientation;
import agecnn.data.ImageDecoder;
import agecnn.io.Fetcher;
import agecnn.testing.TestImages;
import agecnn.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The photo formats people have: EXIF-rotated, grayscale, with alpha, palette PNG, progressive
 * and CMYK JPEG all read as upright RGB; corrupt and truncated files give an error naming the file.
 */
class PhotoFormatsTest {

    @TempDir
    Path tmp;

    final Predictor predictor = new Predictor(TinyModels.random("tiny", 16, 2), null, Fetcher.Limits.forImages());

    /** A 4x2 image whose pixels are all different: (x, y) has colour x * 16 + y. */
    static BufferedImage marked() {
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) for (int x = 0; x < 4; x++) img.setRGB(x, y, (x * 60) << 16 | (y * 200) << 8);
        return img;
    }

    /** A JPEG with an EXIF APP1 segment saying {@code orientation}, in Motorola or Intel byte order. */
    static byte[] withExif(byte[] jpeg, int orientation, boolean intel) {
        byte[] tiff = intel
                ? new byte[]{'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte) orientation, 0, 0, 0, 0, 0, 0, 0}
                : new byte[]{'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, 0, 0, 0, 0};
        byte[] head = {'E', 'x', 'i', 'f', 0, 0};
        int len = 2 + head.length + tiff.length;
        byte[] seg = new byte[2 + len];
        seg[0] = (byte) 0xFF;
        seg[1] = (byte) 0xE1;
        seg[2] = (byte) (len >> 8);
        seg[3] = (byte) len;
        System.arraycopy(head, 0, seg, 4, head.length);
        System.arraycopy(tiff, 0, seg, 4 + head.length, tiff.length);
        return insertAfterSoi(jpeg, seg);
    }

    static byte[] insertAfterSoi(byte[] jpeg, byte[] seg) {
        byte[] out = new byte[jpeg.length + seg.length];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(seg, 0, out, 2, seg.length);
        System.arraycopy(jpeg, 2, out, 2 + seg.length, jpeg.length - 2);
        return out;
    }

    @Test
    void exifOrientationIsReadAndApplied() throws IOException {
        byte[] jpg = TestImages.encode(TestImages.noise(40, 20, 1), "jpg");
        assertEquals(1, ExifOrientation.of(jpg));
        for (int o = 1; o <= 8; o++) {
            assertEquals(o, ExifOrientation.of(withExif(jpg, o, false)));
            assertEquals(o, ExifOrientation.of(withExif(jpg, o, true)));
        }
        BufferedImage sideways = ImageDecoder.readUpright(withExif(jpg, 6, true), "phone.jpg");
        assertEquals(20, sideways.getWidth());
        assertEquals(40, sideways.getHeight());
        assertEquals(40, ImageDecoder.readRgb(withExif(jpg, 6, true), "phone.jpg").getWidth(), "readRgb keeps the stored layout");
        // broken EXIF blocks count as no orientation
        byte[] broken = withExif(jpg, 6, true);
        broken[12] = (byte) 'X';   // neither II nor MM: no TIFF block
        assertEquals(1, ExifOrientation.of(broken));
        assertEquals(1, ExifOrientation.of(Arrays.copyOf(withExif(jpg, 6, true), 12)));
    }

    @Test
    void eachOrientationTurnsPixelsTheRightWay() {
        BufferedImage m = marked();   // 4 wide, 2 high
        // 6: turned 90 degrees clockwise for display: the bottom-left pixel comes to the top-left
        assertEquals(m.getRGB(0, 1), ExifOrientation.upright(m, 6).getRGB(0, 0));
        assertEquals(m.getRGB(3, 1), ExifOrientation.upright(m, 6).getRGB(0, 3));
        // 8: counter-clockwise: the top-right pixel comes to the top-left
        assertEquals(m.getRGB(3, 0), ExifOrientation.upright(m, 8).getRGB(0, 0));
        // 3: half a turn
        assertEquals(m.getRGB(3, 1), ExifOrientation.upright(m, 3).getRGB(0, 0));
        // 2 and 4: mirrored
        assertEquals(m.getRGB(3, 0), ExifOrientation.upright(m, 2).getRGB(0, 0));
        assertEquals(m.getRGB(0, 1), ExifOrientation.upright(m, 4).getRGB(0, 0));
        // 5 transposed, 7 transversed
        assertEquals(m.getRGB(1, 0), ExifOrientation.upright(m, 5).getRGB(0, 1));
        assertEquals(m.getRGB(3, 1), ExifOrientation.upright(m, 7).getRGB(0, 0));
        assertSame(m, ExifOrientation.upright(m, 1));
    }

    @Test
    void grayscaleAlphaPaletteProgressiveAndCmykAllPredict() throws IOException {
        BufferedImage gray = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(5, 5, 0, 200);
        BufferedImage argb = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(1, 1, 0x80FF0000);
        byte[] r = {0, (byte) 255, 0}, g = {0, 0, (byte) 255}, b = {0, 0, 0};
        BufferedImage palette = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 3, r, g, b));
        palette.getRaster().setSample(2, 2, 0, 2);   // the third colour: green
        Path[] files = {
                TestImages.write(tmp, "gray.png", gray, "png"),
                TestImages.write(tmp, "gray.jpg", gray, "jpg"),
                TestImages.write(tmp, "alpha.png", argb, "png"),
                TestImages.write(tmp, "palette.png", palette, "png"),
                Files.write(tmp.resolve("progressive.jpg"), progressiveJpeg(TestImages.noise(64, 64, 3))),
                Files.write(tmp.resolve("cmyk.jpg"), cmykJpeg(32, 32, 40, 120, 200, 0)),
        };
        for (Path f : files) {
            ImagePrediction p = predictor.predictFile(f);
            assertEquals(1, p.faces().size(), f.toString());
            assertEquals(BufferedImage.TYPE_INT_RGB, p.image().getType());
        }
        assertEquals(0xFF7F7F, ImageDecoder.readRgb(files[2]).getRGB(1, 1) & 0xFFFFFF, "half-transparent red over white");
        assertEquals(0x00FF00, ImageDecoder.readRgb(files[3]).getRGB(2, 2) & 0xFFFFFF);
        // CMYK (40, 120, 200, 0) of 255 is RGB (215, 135, 55), as other viewers show it
        int c = ImageDecoder.readRgb(files[5]).getRGB(8, 8);
        assertEquals(215, c >> 16 & 0xFF, 3);
        assertEquals(135, c >> 8 & 0xFF, 3);
        assertEquals(55, c & 0xFF, 3);
    }

    @Test
    void corruptTruncatedAndMissingFilesAreNamedInTheError() throws IOException {
        byte[] jpg = TestImages.encode(TestImages.noise(120, 90, 4), "jpg");
        Path truncated = Files.write(tmp.resolve("truncated.jpg"), Arrays.copyOf(jpg, jpg.length / 2));
        byte[] bad = jpg.clone();
        for (int i = 200; i < 400; i++) bad[i] = (byte) 0xFF;
        Path corrupt = Files.write(tmp.resolve("corrupt.jpg"), bad);
        Path text = Files.writeString(tmp.resolve("notes.jpg"), "hello");
        Path empty = Files.write(tmp.resolve("empty.png"), new byte[0]);
        for (Path f : new Path[]{truncated, corrupt, text, empty, tmp.resolve("missing.jpg")}) {
            BadImageException e = assertThrows(BadImageException.class, () -> predictor.predictFile(f), f.toString());
            assertEquals(f.toString(), e.file());
        }
    }

    static byte[] progressiveJpeg(BufferedImage img) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            w.setOutput(out);
            w.write(null, new IIOImage(img, null, null), p);
        } finally {
            w.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * A CMYK JPEG of one colour as Photoshop writes them: an Adobe APP14 marker (transform 0)
     * and the ink values stored inverted.
     */
    static byte[] cmykJpeg(int w, int h, int c, int m, int y, int k) throws IOException {
        WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
        for (int j = 0; j < h; j++) for (int i = 0; i < w; i++) r.setPixel(i, j, new int[]{255 - c, 255 - m, 255 - y, 255 - k});
        ImageWriter wr = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            wr.setOutput(out);
            wr.write(null, new IIOImage(r, null, null), null);
        } finally {
            wr.dispose();
        }
        byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        return insertAfterSoi(bytes.toByteArray(), adobe);
    }
}
