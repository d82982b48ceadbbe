package agecnn.explore;

import agecnn.data.AgeBins;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

class FaceGridTest {

    /** Ten faces in (1-3), two in (4-10), none elsewhere; each face a solid colour of its own. */
    private final Table data = ExploreTables.withCounts(10, 2);
    private final Map<Integer, String> fileOfColour = new HashMap<>();
    private final Function<String, BufferedImage> pictures = this::picture;

    @Test
    void sizeFollowsFacesPerRowAndTheTwelveBins() {
        BufferedImage grid = FaceGrid.perBin(data, 3, 1, pictures);
        // label column 90, then 3 tiles of 80 with a gap of 4 before each and one after
        assertEquals(90 + 3 * (80 + 4) + 4, grid.getWidth());
        assertEquals(12 * (80 + 4) + 4, grid.getHeight());
        assertEquals(FaceGrid.size(7).width, FaceGrid.perBin(data, 7, 1, pictures).getWidth());
        assertEquals(90 + 7 * 84 + 4, FaceGrid.size(7).width);
    }

    @Test
    void eachRowShowsDistinctFacesOfItsOwnBin() {
        BufferedImage grid = FaceGrid.perBin(data, 4, 1, pictures);
        List<String> row0 = row(grid, 0, 4);
        assertEquals(4, new HashSet<>(row0).size(), row0.toString());
        for (String f : row0) assertTrue(f.startsWith("0_"), f);
    }

    @Test
    void aBinWithFewerFacesShowsWhatItHasAndLeavesTheRestBlank() {
        BufferedImage grid = FaceGrid.perBin(data, 4, 1, pictures);
        List<String> row1 = row(grid, 1, 4);
        assertEquals(new HashSet<>(List.of("1_00000.jpg", "1_00001.jpg")), new HashSet<>(row1.subList(0, 2)));
        assertNull(row1.get(2));
        assertNull(row1.get(3));
        for (int bin = 2; bin < AgeBins.COUNT; bin++) assertNull(row(grid, bin, 1).get(0), "bin " + bin);
    }

    @Test
    void theSameSeedShowsTheSameFacesWhateverTheRowOrder() {
        List<String> first = row(FaceGrid.perBin(data, 4, 7, pictures), 0, 4);
        List<String> again = row(FaceGrid.perBin(data, 4, 7, pictures), 0, 4);
        List<String> shuffled = row(FaceGrid.perBin(data.sortDescendingOn("file"), 4, 7, pictures), 0, 4);
        assertEquals(first, again);
        assertEquals(first, shuffled);
    }

    @Test
    void anotherSeedShowsOtherFaces() {
        assertNotEquals(row(FaceGrid.perBin(data, 4, 7, pictures), 0, 4),
                row(FaceGrid.perBin(data, 4, 8, pictures), 0, 4));
    }

    @Test
    void eachRowHasItsLabel() {
        BufferedImage grid = FaceGrid.perBin(data, 2, 1, pictures);
        for (int bin = 0; bin < AgeBins.COUNT; bin++) {
            int top = FaceGrid.GAP + bin * (FaceGrid.TILE + FaceGrid.GAP);
            assertTrue(inked(grid, 0, top, FaceGrid.LABEL_WIDTH, FaceGrid.TILE), "no label in row " + bin);
        }
    }

    @Test
    void aMissingPictureIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FaceGrid.perBin(data, 2, 1, f -> null));
        assertTrue(e.getMessage().contains(".jpg"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FaceGrid.perBin(data, 0, 1, pictures));
    }

    /** The file whose colour fills the centre of each tile of a row; null for a blank tile. */
    private List<String> row(BufferedImage grid, int bin, int perBin) {
        List<String> out = new ArrayList<>();
        int y = FaceGrid.GAP + bin * (FaceGrid.TILE + FaceGrid.GAP) + FaceGrid.TILE / 2;
        for (int slot = 0; slot < perBin; slot++) {
            int rgb = grid.getRGB(FaceGrid.tileLeft(slot) + FaceGrid.TILE / 2, y) & 0xFFFFFF;
            out.add(rgb == 0xFFFFFF ? null : fileOfColour.get(rgb));
            if (rgb != 0xFFFFFF) assertTrue(fileOfColour.containsKey(rgb), "unknown colour " + Integer.toHexString(rgb));
        }
        return out;
    }

    /** A solid picture whose colour encodes the file; not square, to exercise the fitting. */
    private BufferedImage picture(String file) {
        int n = fileOfColour.size();
        int rgb = fileOfColour.entrySet().stream().filter(e -> e.getValue().equals(file))
                .map(Map.Entry::getKey).findFirst().orElse(0x000080 | (n % 256) << 16 | (n / 256) << 8);
        fileOfColour.put(rgb, file);
        BufferedImage img = new BufferedImage(24, 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(rgb));
        g.fillRect(0, 0, 24, 30);
        g.dispose();
        return img;
    }

    private static boolean inked(BufferedImage img, int x0, int y0, int w, int h) {
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) return true;
            }
        }
        return false;
    }
}
