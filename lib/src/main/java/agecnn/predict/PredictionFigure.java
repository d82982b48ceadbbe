package agecnn.predict;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * The photo with its predictions drawn on it, as the original study showed them: each face's
 * box, and above it the most probable bin with its probability and the expected age.
 */
public final class PredictionFigure {

    /** The longer side of the figure; photos are scaled to it (up or down). */
    public static final int SIDE = 480;
    private static final int CAPTION = 26;

    private PredictionFigure() {}

    public static BufferedImage draw(ImagePrediction p) {
        BufferedImage img = p.image();
        double k = (double) SIDE / Math.max(img.getWidth(), img.getHeight());
        int w = (int) Math.round(img.getWidth() * k), h = (int) Math.round(img.getHeight() * k);
        BufferedImage out = new BufferedImage(w, h + CAPTION, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h + CAPTION);
            g.drawImage(img, 0, CAPTION, w, h, null);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            FontMetrics fm = g.getFontMetrics();
            g.setColor(Color.BLACK);
            String title = p.faces().size() == 1 && p.faces().get(0).face() == null
                    ? label(p.faces().get(0)) : p.faces().size() + (p.faces().size() == 1 ? " face" : " faces") + ", model " + p.model();
            g.drawString(title, 4, CAPTION - 8);
            g.setStroke(new BasicStroke(2.5f));
            g.setClip(0, CAPTION, w, h);   // a box reaching past the photo is cut at its edge
            for (FacePrediction f : p.faces()) {
                if (f.face() == null) continue;
                Rectangle r = f.face().rounded();
                int x = (int) Math.round(r.x * k), y = CAPTION + (int) Math.round(r.y * k);
                int bw = (int) Math.round(r.width * k), bh = (int) Math.round(r.height * k);
                g.setColor(new Color(0x00E676));
                g.drawRect(x, y, bw, bh);
                String text = label(f);
                int tw = fm.stringWidth(text) + 6;
                int ty = Math.max(CAPTION, y - fm.getHeight());   // inside the box when there is no room above
                g.setColor(new Color(0, 0, 0, 170));
                g.fillRect(x, ty, tw, fm.getHeight());
                g.setColor(Color.WHITE);
                g.drawString(text, x + 3, ty + fm.getAscent());
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static String label(FacePrediction f) {
        return String.format("%s %.0f%%, ~%.0f y", f.best().label(), 100 * f.best().probability(), f.expectedAge());
    }
}
