package agecnn.explore;

import agecnn.data.AgeBins;
import agecnn.notebook.Show;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Random;
import tech.tablesaw.api.Table;

/**
 * Renders every explore figure from a synthetic data set with the real UTKFace per-bin
 * counts, to look at them without the photos: {@code java ... ExplorePreview [out-dir]}.
 */
public final class ExplorePreview {

    /** Images per bin in the scrubbed UTKFace data set. */
    static final int[] UTKFACE_COUNTS = {1894, 1324, 1015, 1385, 4216, 3841, 2208, 2212, 1616, 1886, 1080, 1031};

    public static void main(String[] args) {
        Path out = Paths.get(args.length > 0 ? args[0] : "/tmp/explore-preview");
        Table data = realistic(42);
        Show.table(Summaries.imagesPerBin(data));
        Show.table(Summaries.genderPerBin(data));
        Show.table(Summaries.racePerBin(data));
        Show.table(Summaries.ageSummary(data));
        Show.chart(Charts.ageHistogram(data), out.resolve("age_histogram.png"));
        Show.chart(Charts.ageBar(data), out.resolve("age_bar.png"));
        Show.chart(Charts.agePie(data), out.resolve("age_pie.png"));
        Show.chart(Charts.genderPerBin(data), out.resolve("gender_per_bin.png"));
        Show.chart(Charts.racePerBin(data), out.resolve("race_per_bin.png"));
        Show.image(FaceGrid.perBin(data, 8, 42, ExplorePreview::face), out.resolve("faces_per_bin.png"));
        System.out.println("written to " + out);
    }

    /** The real counts per bin, ages skewed towards each bin's young end, a few codes missing. */
    static Table realistic(long seed) {
        Random r = new Random(seed);
        int total = Arrays.stream(UTKFACE_COUNTS).sum();
        String[] files = new String[total];
        int[] ages = new int[total];
        Integer[] genders = new Integer[total];
        Integer[] races = new Integer[total];
        int i = 0;
        for (int bin = 0; bin < AgeBins.COUNT; bin++) {
            int span = Math.min(AgeBins.upper(bin), 116) - AgeBins.lower(bin) + 1;
            for (int k = 0; k < UTKFACE_COUNTS[bin]; k++, i++) {
                ages[i] = AgeBins.lower(bin) + (int) (span * Math.pow(r.nextDouble(), bin == 11 ? 2.5 : 1.2));
                genders[i] = r.nextInt(1000) < 2 ? null : (r.nextDouble() < 0.25 + 0.04 * bin ? 0 : 1);
                races[i] = r.nextInt(1000) < 2 ? null : pick(r, new double[] {0.42, 0.19, 0.15, 0.17, 0.07});
                files[i] = ages[i] + "_" + genders[i] + "_" + races[i] + "_" + i + ".jpg";
            }
        }
        return ExploreTables.scrubbed(files, ages, genders, races, null);
    }

    private static int pick(Random r, double[] p) {
        double u = r.nextDouble();
        for (int c = 0; c < p.length; c++) if ((u -= p[c]) < 0) return c;
        return p.length - 1;
    }

    /** A cartoon face whose hue is the file's hash, so neighbours differ. */
    private static BufferedImage face(String file) {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.getHSBColor((file.hashCode() & 0xFFFF) / 65536f, 0.35f, 0.85f));
        g.fillRect(0, 0, 64, 64);
        g.setColor(new Color(0xF1C27D));
        g.fillOval(12, 8, 40, 50);
        g.setColor(Color.DARK_GRAY);
        g.fillOval(22, 24, 5, 5);
        g.fillOval(37, 24, 5, 5);
        g.drawArc(24, 36, 16, 10, 200, 140);
        g.dispose();
        return img;
    }
}
