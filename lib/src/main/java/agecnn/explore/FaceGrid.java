package agecnn.explore;

import agecnn.data.AgeBins;
import agecnn.data.IndexColumns;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Sample faces per age bin, one row per bin with its label at the left: what the classes
 * look like. The choice depends only on the seed and the set of files, not on row order.
 */
public final class FaceGrid {

    /** Side of the square each face is fitted into, in pixels. */
    public static final int TILE = 80;
    /** Space between tiles and around the grid. */
    public static final int GAP = 4;
    /** Width of the label column at the left. */
    public static final int LABEL_WIDTH = 90;

    private static final Color BACKGROUND = Color.WHITE;

    private FaceGrid() {}

    /**
     * @param perBin faces per row; bins with fewer images show all they have
     * @param images the picture of a file name, e.g. from the tensor cache
     */
    public static BufferedImage perBin(Table data, int perBin, long seed, Function<String, BufferedImage> images) {
        if (perBin < 1) throw new IllegalArgumentException("perBin must be at least 1; got " + perBin);
        List<List<String>> chosen = choose(data, perBin, seed);
        Dimension size = size(perBin);
        BufferedImage grid = new BufferedImage(size.width, size.height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, size.width, size.height);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            for (int bin = 0; bin < AgeBins.COUNT; bin++) {
                int top = GAP + bin * (TILE + GAP);
                drawLabel(g, AgeBins.label(bin), top);
                List<String> files = chosen.get(bin);
                for (int slot = 0; slot < files.size(); slot++) {
                    String file = files.get(slot);
                    BufferedImage face = images.apply(file);
                    if (face == null) throw new IllegalArgumentException("no picture for file '" + file + "'");
                    drawFitted(g, face, tileLeft(slot), top);
                }
            }
        } finally {
            g.dispose();
        }
        return grid;
    }

    /** The grid's size: a label column and perBin tiles wide, one row of tiles per age bin. */
    public static Dimension size(int perBin) {
        return new Dimension(LABEL_WIDTH + perBin * (TILE + GAP) + GAP, AgeBins.COUNT * (TILE + GAP) + GAP);
    }

    /** The files shown in each bin's row, left to right. */
    static List<List<String>> choose(Table data, int perBin, long seed) {
        Column<?> fileColumn = Summaries.column(data, IndexColumns.FILE);
        int[] bins = Summaries.bins(data);
        List<List<String>> byBin = new ArrayList<>();
        for (int b = 0; b < AgeBins.COUNT; b++) byBin.add(new ArrayList<>());
        for (int row = 0; row < bins.length; row++) byBin.get(bins[row]).add(fileColumn.getString(row));
        List<List<String>> chosen = new ArrayList<>();
        for (int b = 0; b < AgeBins.COUNT; b++) {
            List<String> files = byBin.get(b);
            Collections.sort(files);
            // a stream of its own per bin, so one bin's size does not change another's faces
            Random random = new Random(seed * 1_000_003L + b);
            int k = Math.min(perBin, files.size());
            for (int i = 0; i < k; i++) Collections.swap(files, i, i + random.nextInt(files.size() - i));
            chosen.add(List.copyOf(files.subList(0, k)));
        }
        return chosen;
    }

    static int tileLeft(int slot) {
        return LABEL_WIDTH + GAP + slot * (TILE + GAP);
    }

    private static void drawLabel(Graphics2D g, String label, int top) {
        FontMetrics m = g.getFontMetrics();
        g.setColor(Color.DARK_GRAY);
        int x = LABEL_WIDTH - GAP - m.stringWidth(label);
        int y = top + (TILE - m.getHeight()) / 2 + m.getAscent();
        g.drawString(label, Math.max(GAP, x), y);
    }

    /** Scaled to fit the tile with its aspect kept, centred. */
    private static void drawFitted(Graphics2D g, BufferedImage face, int left, int top) {
        double scale = Math.min((double) TILE / face.getWidth(), (double) TILE / face.getHeight());
        int w = Math.max(1, (int) Math.round(face.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(face.getHeight() * scale));
        g.drawImage(face, left + (TILE - w) / 2, top + (TILE - h) / 2, w, h, null);
    }
}
