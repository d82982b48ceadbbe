package agecnn.eval;

import agecnn.data.AgeBins;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.Function;

/**
 * The worst mistakes as a grid of faces, each captioned with the true bin (and age), the
 * predicted bin and the probability the model gave it.
 */
public final class MistakeGallery {

    public static final int TILE = 128;
    static final int CAPTION = 40;
    static final int GAP = 8;

    private MistakeGallery() {}

    /**
     * @param images the picture of a file name, e.g. {@code cache::image} of the tensor cache
     */
    public static BufferedImage draw(List<Evaluation.Mistake> mistakes, int columns, Function<String, BufferedImage> images) {
        if (columns < 1) throw new IllegalArgumentException("columns must be at least 1; got " + columns);
        int n = Math.max(1, mistakes.size());
        int cols = Math.min(columns, n);
        int rows = (n + cols - 1) / cols;
        int w = GAP + cols * (TILE + GAP);
        int h = GAP + rows * (TILE + CAPTION + GAP);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            if (mistakes.isEmpty()) {
                g.setColor(Color.DARK_GRAY);
                g.drawString("no mistakes", GAP, GAP + 20);
            }
            for (int i = 0; i < mistakes.size(); i++) {
                Evaluation.Mistake m = mistakes.get(i);
                int x = GAP + (i % cols) * (TILE + GAP);
                int y = GAP + (i / cols) * (TILE + CAPTION + GAP);
                BufferedImage face = images.apply(m.file());
                if (face == null) throw new IllegalArgumentException("no picture for file '" + m.file() + "'");
                g.drawImage(face, x, y, TILE, TILE, null);
                g.setColor(Color.BLACK);
                g.drawString("true " + AgeBins.label(m.trueBin()) + ", " + m.trueAge() + " y", x, y + TILE + 14);
                g.setColor(new Color(0xB00020));
                g.drawString(String.format("pred %s %.0f%%", AgeBins.label(m.predictedBin()), 100 * m.confidence()), x, y + TILE + 30);
            }
        } finally {
            g.dispose();
        }
        return out;
    }
}
