package agecnn.tensors;

import agecnn.testing.TestImages;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ResizerTest {

    /** An image whose red channel is {@code red[y][x]}, green = 2 * red, blue = 7. */
    private static BufferedImage fromRed(int[][] red) {
        BufferedImage img = new BufferedImage(red[0].length, red.length, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < red.length; y++) {
            for (int x = 0; x < red[0].length; x++) img.setRGB(x, y, red[y][x] << 16 | 2 * red[y][x] << 8 | 7);
        }
        return img;
    }

    private static int[] channel(byte[] hwc, int c) {
        int[] out = new int[hwc.length / 3];
        for (int p = 0; p < out.length; p++) out[p] = hwc[p * 3 + c] & 0xFF;
        return out;
    }

    @Test
    void halvingAveragesEachTwoByTwoBlock() {
        int[][] red = {
            {0, 10, 20, 30},
            {40, 50, 60, 70},
            {100, 104, 0, 0},
            {108, 112, 0, 3},
        };
        byte[] out = Resizer.toSquareRgb(fromRed(red), 2);
        assertEquals(2 * 2 * 3, out.length);
        // (0+10+40+50)/4 = 25, (20+30+60+70)/4 = 45, (100+104+108+112)/4 = 106, 3/4 = 0.75 -> 1
        assertArrayEquals(new int[] {25, 45, 106, 1}, channel(out, 0));
        assertArrayEquals(new int[] {50, 90, 212, 2}, channel(out, 1));   // 6/4 = 1.5 rounds up
        assertArrayEquals(new int[] {7, 7, 7, 7}, channel(out, 2));
    }

    @Test
    void nonIntegerRatioWeighsPartlyCoveredPixels() {
        // 3 -> 2: output pixel 0 covers source pixels 0 and half of 1 (weights 2:1 per axis).
        int[][] centre = {{0, 0, 0}, {0, 225, 0}, {0, 0, 0}};
        assertArrayEquals(new int[] {25, 25, 25, 25}, channel(Resizer.toSquareRgb(fromRed(centre), 2), 0));  // 225/9
        int[][] corner = {{90, 0, 0}, {0, 0, 0}, {0, 0, 0}};
        assertArrayEquals(new int[] {40, 0, 0, 0}, channel(Resizer.toSquareRgb(fromRed(corner), 2), 0));  // 4*90/9
    }

    @Test
    void shrinkingMatchesAnIndependentAreaIntegral() {
        BufferedImage img = TestImages.noise(200, 200, 11);
        int size = 64;
        byte[] out = Resizer.toSquareRgb(img, size);
        double scale = 200.0 / size;
        for (int oy = 0; oy < size; oy++) {
            for (int ox = 0; ox < size; ox++) {
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    for (int sy = 0; sy < 200; sy++) {
                        double wy = overlap(sy, oy * scale, (oy + 1) * scale);
                        if (wy == 0) continue;
                        for (int sx = 0; sx < 200; sx++) {
                            double wx = overlap(sx, ox * scale, (ox + 1) * scale);
                            if (wx > 0) sum += wy * wx * (img.getRGB(sx, sy) >> (16 - 8 * c) & 0xFF);
                        }
                    }
                    double mean = sum / (scale * scale);
                    int got = out[(oy * size + ox) * 3 + c] & 0xFF;
                    boolean tie = Math.abs(mean - Math.floor(mean) - 0.5) < 1e-6;
                    if (tie) assertTrue(Math.abs(got - mean) <= 0.5 + 1e-6);
                    else assertEquals(Math.round(mean), got, "pixel " + ox + "," + oy + " channel " + c);
                }
            }
        }
    }

    private static double overlap(int s, double lo, double hi) {
        return Math.max(0, Math.min(s + 1, hi) - Math.max(s, lo));
    }

    @Test
    void wideImageIsCroppedToItsCentre() {
        // 6 x 4: a red column at each side of a green 4 x 4 square.
        BufferedImage img = TestImages.solid(6, 4, 0x00FF00);
        for (int y = 0; y < 4; y++) {
            img.setRGB(0, y, 0xFF0000);
            img.setRGB(5, y, 0xFF0000);
        }
        assertArrayEquals(Resizer.toSquareRgb(TestImages.solid(4, 4, 0x00FF00), 4), Resizer.toSquareRgb(img, 4));
        assertArrayEquals(Resizer.toSquareRgb(TestImages.solid(2, 2, 0x00FF00), 2), Resizer.toSquareRgb(img, 2));
    }

    @Test
    void oddExcessDropsTheLastRow() {
        // 4 x 5: rows 0..3 are kept, the blue row 4 is dropped.
        BufferedImage img = TestImages.noise(4, 5, 12);
        for (int x = 0; x < 4; x++) img.setRGB(x, 4, 0x0000FF);
        assertArrayEquals(Resizer.toSquareRgb(img.getSubimage(0, 0, 4, 4), 4), Resizer.toSquareRgb(img, 4));
        byte[] top = Resizer.toSquareRgb(img, 4);
        for (int p = 0; p < 16; p++) {
            assertEquals(img.getRGB(p % 4, p / 4) & 0xFFFFFF,
                    (top[p * 3] & 0xFF) << 16 | (top[p * 3 + 1] & 0xFF) << 8 | (top[p * 3 + 2] & 0xFF));
        }
    }

    @Test
    void enlargingIsBilinearWithHalfPixelCentres() {
        // Black left column, white right column, 2 -> 4: x maps to -0.25, 0.25, 0.75, 1.25 (clamped).
        int[][] red = {{0, 120}, {0, 120}};
        byte[] out = Resizer.toSquareRgb(fromRed(red), 4);
        assertEquals(4 * 4 * 3, out.length);
        for (int y = 0; y < 4; y++) {
            assertArrayEquals(new int[] {0, 30, 90, 120},
                    new int[] {out[(y * 4) * 3] & 0xFF, out[(y * 4 + 1) * 3] & 0xFF,
                               out[(y * 4 + 2) * 3] & 0xFF, out[(y * 4 + 3) * 3] & 0xFF});
        }
        // One pixel becomes a flat square of its colour.
        BufferedImage dot = TestImages.solid(1, 1, 0x0A141E);
        byte[] flat = Resizer.toSquareRgb(dot, 3);
        for (int p = 0; p < 9; p++) assertArrayEquals(new byte[] {10, 20, 30}, new byte[] {flat[p * 3], flat[p * 3 + 1], flat[p * 3 + 2]});
    }

    @Test
    void sameSizeKeepsEveryByteInHwcOrder() {
        BufferedImage img = TestImages.noise(5, 5, 13);
        byte[] out = Resizer.toSquareRgb(img, 5);
        for (int p = 0; p < 25; p++) {
            int rgb = img.getRGB(p % 5, p / 5);
            assertEquals(rgb >> 16 & 0xFF, out[p * 3] & 0xFF);
            assertEquals(rgb >> 8 & 0xFF, out[p * 3 + 1] & 0xFF);
            assertEquals(rgb & 0xFF, out[p * 3 + 2] & 0xFF);
        }
    }

    @Test
    void otherImageTypesGiveTheSameBytes() {
        BufferedImage rgb = TestImages.noise(30, 20, 14);
        BufferedImage bgr = new BufferedImage(30, 20, BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(rgb, 0, 0, null);
        assertArrayEquals(Resizer.toSquareRgb(rgb, 8), Resizer.toSquareRgb(bgr, 8));
    }

    @Test
    void toImageInvertsTheBytes() {
        byte[] hwc = Resizer.toSquareRgb(TestImages.noise(40, 40, 15), 16);
        BufferedImage img = Resizer.toImage(hwc, 16);
        assertEquals(BufferedImage.TYPE_INT_RGB, img.getType());
        assertArrayEquals(hwc, Resizer.toSquareRgb(img, 16));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Resizer.toImage(hwc, 15));
        assertTrue(e.getMessage().contains("675"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Resizer.toSquareRgb(TestImages.noise(4, 4, 1), 0));
    }
}
