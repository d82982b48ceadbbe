package agecnn.notebook;

import agecnn.predict.FaceBox;
import agecnn.predict.FacePrediction;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A larger photo made at run time from face crops placed at known positions, sizes and angles
 * on a busy background: a scene whose true face boxes are known, for testing and showing face
 * detection without committing any photo.
 */
public final class SyntheticScene {

    /** Where a crop was put: its centre, its side before turning, and the turn in degrees (clockwise). */
    public record Placement(String name, double centerX, double centerY, int side, double degrees) {
        /** The placed square, before turning. */
        public FaceBox square() {
            return new FaceBox(centerX - side / 2.0, centerY - side / 2.0, side, side, 1);
        }
    }

    private final BufferedImage image;
    private final List<Placement> placements = new ArrayList<>();

    /** A background of the given size: a colour gradient with random shapes, the same for a seed. */
    public SyntheticScene(int width, int height, long seed) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(seed);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setPaint(new GradientPaint(0, 0, new Color(rnd.nextInt(1 << 24)), width, height, new Color(rnd.nextInt(1 << 24))));
            g.fillRect(0, 0, width, height);
            for (int i = 0; i < 40; i++) {
                g.setColor(new Color(rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256), 90));
                int w = 20 + rnd.nextInt(Math.max(1, width / 5)), h = 20 + rnd.nextInt(Math.max(1, height / 5));
                int x = rnd.nextInt(width), y = rnd.nextInt(height);
                if (rnd.nextBoolean()) g.fillRect(x, y, w, h);
                else g.fillOval(x, y, w, h);
            }
        } finally {
            g.dispose();
        }
    }

    /** Puts {@code face} as a {@code side}-pixel square centred at (cx, cy), turned by {@code degrees} clockwise. */
    public SyntheticScene place(String name, BufferedImage face, double cx, double cy, int side, double degrees) {
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            AffineTransform t = new AffineTransform();
            t.translate(cx, cy);
            t.rotate(Math.toRadians(degrees));
            t.translate(-side / 2.0, -side / 2.0);
            t.scale((double) side / face.getWidth(), (double) side / face.getHeight());
            g.drawImage(face, t, null);
        } finally {
            g.dispose();
        }
        placements.add(new Placement(name, cx, cy, side, degrees));
        return this;
    }

    /**
     * Each placed face beside the crop that overlaps it most among {@code faces} (as the
     * predictor cut them), with their intersection over union: near 1 when the face was found
     * and framed like the image placed, 0 when it was missed.
     */
    public Table check(List<FacePrediction> faces) {
        Table t = Table.create("placed faces and the crops found", StringColumn.create("placed"),
                StringColumn.create("placed square"), DoubleColumn.create("degrees"), StringColumn.create("crop found"),
                DoubleColumn.create("IoU"));
        for (Placement p : placements) {
            FaceBox square = p.square();
            double best = 0;
            Rectangle match = null;
            for (FacePrediction f : faces) {
                Rectangle c = f.crop();
                double iou = square.iou(new FaceBox(c.x, c.y, c.width, c.height, 1));
                if (iou > best) {
                    best = iou;
                    match = c;
                }
            }
            Rectangle r = square.rounded();
            t.stringColumn("placed").append(p.name());
            t.stringColumn("placed square").append(r.x + "," + r.y + " " + r.width + "x" + r.height);
            t.doubleColumn("degrees").append(p.degrees());
            t.stringColumn("crop found").append(match == null ? "none" : match.x + "," + match.y + " " + match.width + "x" + match.height);
            t.doubleColumn("IoU").append(Math.round(best * 100) / 100.0);
        }
        return t;
    }

    public BufferedImage image() {
        return image;
    }

    public List<Placement> placements() {
        return List.copyOf(placements);
    }
}
