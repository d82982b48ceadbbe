package agecnn.data;

import agecnn.testing.TestImages;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Dimension;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {

    @TempDir
    Path dir;

    /**
     * A 10000 x 10000 PNG (100 million pixels; 400 MB as RGB ints, what ran a 2 GiB heap out of
     * memory with face detection on) is decoded directly at 1/3, within the 4096 px bound, with
     * the file's own size kept beside it; the pixels are the file's (every third of every third row).
     */
    @Test
    void aHugeImageIsDecodedAtAWholeFractionWithinTheBound() throws Exception {
        byte[] png = TestImages.greyPng(10_000, 10_000, 60);
        ImageDecoder.Picture p = ImageDecoder.readPicture(png, "huge.png");
        assertEquals(10_000, p.width());
        assertEquals(10_000, p.height());
        assertEquals(3334, p.image().getWidth(), "ceil(10000 / 3): every third pixel, from the first");
        assertEquals(3334, p.image().getHeight());
        assertEquals(3, p.subsampling());
        assertEquals(0x3C3C3C, p.image().getRGB(0, 0) & 0xFFFFFF, "the background level 60");
        assertEquals(0x8C8C8C, p.image().getRGB(1667, 1667) & 0xFFFFFF, "the middle square, 60 + 80");
        assertEquals(new Dimension(10_000, 10_000), ImageDecoder.readSize(png, "huge.png"));
        // an image within the bound is decoded whole, as before
        ImageDecoder.Picture small = ImageDecoder.readPicture(TestImages.greyPng(4096, 100, 60), "wide.png");
        assertEquals(4096, small.image().getWidth());
        assertEquals(1, small.subsampling());
    }

    @Test
    void moreThanTheLimitOfPixelsIsRefusedByTheHeaderAlone() {
        // 12000 x 12000 = 144 million pixels, over 2^27; the file is about 150 kB
        byte[] png = TestImages.greyPng(12_000, 12_000, 0);
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.readPicture(png, "bomb.png"));
        assertTrue(e.getMessage().contains("12000x12000") && e.getMessage().contains("over the limit"), e.getMessage());
    }

    /** A 1.9 GB file named .jpg (sparse: it takes no disk) is refused by its size, before a byte of it is read. */
    @Test
    void aFileOverTheSizeLimitIsRefusedUnread() throws Exception {
        Path big = dir.resolve("big.jpg");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.write(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});
            f.setLength(1_900_000_000L);
        }
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.readBytes(big));
        assertEquals(big.toString(), e.file());
        assertTrue(e.reason().contains("1900000000 bytes") && e.reason().contains("over the limit of " + ImageDecoder.MAX_FILE_BYTES),
                e.reason());
    }

    /** /dev/zero has no size (0) and no end: it is read as a stream and refused by its first bytes. */
    @Test
    void aStreamWithoutEndIsRefusedByItsFirstBytes() {
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(zero), "no /dev/zero here");
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.readBytes(zero));
        assertEquals("not a JPEG or PNG image (starts with 00 00 00 00 00 00 00 00)", e.reason());
    }

    @Test
    void decodesJpegToRgbOfTheRightSize() throws Exception {
        Path file = TestImages.write(dir, "noise.jpg", TestImages.noise(48, 32, 1), "jpg");
        BufferedImage img = ImageDecoder.readRgb(file);
        assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
        assertEquals(48, img.getWidth());
        assertEquals(32, img.getHeight());
        assertEquals(new Dimension(48, 32), ImageDecoder.readSize(file));
    }

    @Test
    void pngKeepsExactRgb() throws Exception {
        BufferedImage src = TestImages.noise(17, 9, 2);
        BufferedImage img = ImageDecoder.readRgb(TestImages.encode(src, "png"), "noise.png");
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 17; x++) assertEquals(src.getRGB(x, y) & 0xFFFFFF, img.getRGB(x, y) & 0xFFFFFF);
        }
    }

    @Test
    void halfAJpegIsReportedNamingTheFile() throws Exception {
        byte[] whole = TestImages.encode(TestImages.noise(128, 128, 3), "jpg");
        Path file = Files.write(dir.resolve("half.jpg"), Arrays.copyOf(whole, whole.length / 2));
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.readRgb(file));
        assertEquals(file.toString(), e.file());
        assertEquals(file + ": " + e.reason(), e.getMessage());
        assertTrue(e.reason().contains("JPEG"), e.reason());
    }

    @Test
    void halfARealFaceIsReported() throws Exception {
        Path real = dir.resolve(TestImages.copyRealFiles(1, dir).get(0));
        assertEquals(new Dimension(200, 200), ImageDecoder.readSize(real));
        assertEquals(200, ImageDecoder.readRgb(real).getWidth());
        byte[] whole = Files.readAllBytes(real);
        Path cut = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(whole, whole.length / 2));
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.readRgb(cut));
        // The JPEG reader only warns here (e.g. "Missing EOI marker"); the warning must have become the error.
        assertTrue(e.reason().startsWith("truncated or corrupt JPEG data: "), e.reason());
    }

    @Test
    void jpegHeaderCutShortIsReported() throws Exception {
        byte[] whole = TestImages.encode(TestImages.noise(64, 64, 4), "jpg");
        byte[] head = Arrays.copyOf(whole, 40);
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.readRgb(head, "head.jpg"));
        assertEquals("head.jpg", e.file());
    }

    @Test
    void halfAPngIsReported() throws Exception {
        byte[] whole = TestImages.encode(TestImages.noise(64, 64, 5), "png");
        BadImageException e = assertThrows(BadImageException.class,
                () -> ImageDecoder.readRgb(Arrays.copyOf(whole, whole.length / 2), "half.png"));
        assertTrue(e.reason().contains("PNG"), e.reason());
    }

    @Test
    void randomBytesAreNotAnImage() throws Exception {
        byte[] junk = new byte[1000];
        new Random(6).nextBytes(junk);
        junk[0] = 0x12;
        Path file = Files.write(dir.resolve("junk.jpg"), junk);
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.readRgb(file));
        assertTrue(e.reason().startsWith("not a JPEG or PNG image (starts with 12 "), e.reason());
    }

    @Test
    void jpegMagicFollowedByGarbageIsReported() {
        byte[] junk = new byte[1000];
        new Random(7).nextBytes(junk);
        junk[0] = (byte) 0xFF;
        junk[1] = (byte) 0xD8;
        junk[2] = (byte) 0xFF;
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.readRgb(junk, "garbage.jpg"));
        assertEquals("garbage.jpg", e.file());
    }

    @Test
    void emptyMissingAndFolderAreReported() throws Exception {
        Path empty = Files.write(dir.resolve("empty.jpg"), new byte[0]);
        assertEquals("empty file (0 bytes)",
                assertThrows(BadImageException.class, () -> ImageDecoder.readRgb(empty)).reason());
        Path missing = dir.resolve("missing.jpg");
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.readRgb(missing));
        assertEquals("no such file", e.reason());
        assertEquals(missing.toString(), e.file());
        assertThrows(BadImageException.class, () -> ImageDecoder.readSize(missing));
        Path folder = Files.createDirectory(dir.resolve("folder.jpg"));
        assertTrue(assertThrows(BadImageException.class, () -> ImageDecoder.readRgb(folder)).reason().contains("folder"));
    }

    @Test
    void zeroWidthPngIsReported() {
        // A PNG signature and an IHDR chunk declaring a 0 x 5 image.
        byte[] png = pngWithHeader(0, 5);
        BadImageException e = assertThrows(BadImageException.class, () -> ImageDecoder.readRgb(png, "zero.png"));
        assertEquals("zero.png", e.file());
    }

    @Test
    void grayscalePngKeepsItsLevels() throws Exception {
        BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(0, 0, 0, 100);
        gray.getRaster().setSample(1, 0, 0, 200);
        BufferedImage img = ImageDecoder.readRgb(TestImages.encode(gray, "png"), "gray.png");
        assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
        // Not brightened by a linear-gray colour conversion: level 100 stays (100, 100, 100).
        assertEquals(100 << 16 | 100 << 8 | 100, img.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(200 << 16 | 200 << 8 | 200, img.getRGB(1, 0) & 0xFFFFFF);
    }

    @Test
    void sixteenBitGrayIsScaledToEightBits() throws Exception {
        BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray.getRaster().setSample(0, 0, 0, 0x8080);
        gray.getRaster().setSample(1, 0, 0, 0xFFFF);
        BufferedImage img = ImageDecoder.readRgb(TestImages.encode(gray, "png"), "gray16.png");
        assertEquals(0x808080, img.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xFFFFFF, img.getRGB(1, 0) & 0xFFFFFF);
    }

    @Test
    void alphaIsCompositedOntoWhite() throws Exception {
        BufferedImage rgba = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        rgba.setRGB(0, 0, 0x00FF0000);        // transparent red
        rgba.setRGB(1, 0, 0xFFFF0000);        // opaque red
        rgba.setRGB(2, 0, 0x80FF0000);        // half-transparent red
        BufferedImage img = ImageDecoder.readRgb(TestImages.encode(rgba, "png"), "rgba.png");
        assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
        assertEquals(0xFFFFFF, img.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0xFF0000, img.getRGB(1, 0) & 0xFFFFFF);
        // 255*128/255 + 255*127/255 = 255 for red; (0*128 + 255*127)/255 = 127 for green and blue.
        assertEquals(0xFF7F7F, img.getRGB(2, 0) & 0xFFFFFF);
    }

    @Test
    void palettePngBecomesRgb() throws Exception {
        byte[] r = {0, (byte) 250, 10};
        byte[] g = {0, 20, (byte) 240};
        byte[] b = {(byte) 255, 30, 40};
        IndexColorModel palette = new IndexColorModel(8, 3, r, g, b);
        BufferedImage indexed = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
        WritableRaster raster = indexed.getRaster();
        for (int x = 0; x < 3; x++) raster.setSample(x, 0, 0, x);
        BufferedImage img = ImageDecoder.readRgb(TestImages.encode(indexed, "png"), "palette.png");
        assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
        assertArrayEquals(new int[] {0x0000FF, 0xFA141E, 0x0AF028},
                Arrays.stream(img.getRGB(0, 0, 3, 1, null, 0, 3)).map(p -> p & 0xFFFFFF).toArray());
    }

    @Test
    void grayscaleJpegBecomesRgb() throws Exception {
        BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) gray.getRaster().setSample(x, y, 0, 90);
        BufferedImage img = ImageDecoder.readRgb(TestImages.encode(gray, "jpg"), "gray.jpg");
        int p = img.getRGB(8, 8);
        int red = p >> 16 & 0xFF;
        assertEquals(List.of(red, red), List.of(p >> 8 & 0xFF, p & 0xFF));
        assertTrue(Math.abs(red - 90) <= 2, "flat grey 90 came back as " + red);
    }

    private static byte[] pngWithHeader(int width, int height) {
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes()).putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(ihdr.array());
        java.nio.ByteBuffer png = java.nio.ByteBuffer.allocate(8 + 4 + 17 + 4);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}).putInt(13).put(ihdr.array())
                .putInt((int) crc.getValue());
        return png.array();
    }
}
