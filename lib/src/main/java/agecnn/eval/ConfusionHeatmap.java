package agecnn.eval;

import agecnn.data.AgeBins;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * The confusion matrix as XChart heat maps, as the original study drew it: true bin down the
 * side (youngest at the top), predicted bin along the bottom. {@link #figure} puts the counts
 * and the row-normalised shares (where each true bin's images went) side by side.
 */
public final class ConfusionHeatmap {

    public static final int PANEL_WIDTH = 720;
    public static final int PANEL_HEIGHT = 640;
    /** White through light blue to dark blue, as seaborn's "Blues". */
    private static final Color[] BLUES = {new Color(0xF7FBFF), new Color(0x9ECAE1), new Color(0x3182BD), new Color(0x08306B)};

    private ConfusionHeatmap() {}

    /** Counts (left) and row-normalised shares (right) in one image, under one title. */
    public static BufferedImage figure(Metrics m, String title) {
        BufferedImage left = BitmapEncoder.getBufferedImage(counts(m, title + ": counts"));
        BufferedImage right = BitmapEncoder.getBufferedImage(rowNormalised(m, title + ": share of each true bin"));
        BufferedImage out = new BufferedImage(left.getWidth() + right.getWidth(), Math.max(left.getHeight(), right.getHeight()),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.drawImage(left, 0, 0, null);
            g.drawImage(right, left.getWidth(), 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Images per (true, predicted) bin. */
    public static HeatMapChart counts(Metrics m, String title) {
        int[][] c = m.confusion();
        double[][] v = new double[AgeBins.COUNT][AgeBins.COUNT];
        int max = 1;
        for (int t = 0; t < AgeBins.COUNT; t++) {
            for (int p = 0; p < AgeBins.COUNT; p++) {
                v[t][p] = c[t][p];
                max = Math.max(max, c[t][p]);
            }
        }
        HeatMapChart chart = chart(title, v, "#");
        chart.getStyler().setMax(max);
        return chart;
    }

    /** Each true bin's row divided by its images: the diagonal is the bin's recall. */
    public static HeatMapChart rowNormalised(Metrics m, String title) {
        double[][] v = m.rowNormalised();
        HeatMapChart chart = chart(title, v, "0.00");
        chart.getStyler().setMax(1);
        return chart;
    }

    private static HeatMapChart chart(String title, double[][] v, String pattern) {
        HeatMapChart chart = new HeatMapChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title)
                .xAxisTitle("predicted bin").yAxisTitle("true bin").build();
        HeatMapStyler s = chart.getStyler();
        s.setRangeColors(BLUES);
        s.setMin(0);
        s.setShowValue(true);
        s.setHeatMapValueDecimalPattern(pattern);
        s.setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        s.setPlotContentSize(1);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setXAxisLabelRotation(45);
        s.setChartBackgroundColor(Color.WHITE);
        s.setChartTitleBoxVisible(false);
        List<String> labels = AgeBins.labels();
        // XChart puts the first y category at the bottom; list the oldest first so that the
        // youngest bin is the top row, as in a confusion matrix printed as a table.
        List<String> yLabels = new ArrayList<>();
        for (int b = AgeBins.COUNT - 1; b >= 0; b--) yLabels.add(labels.get(b));
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < AgeBins.COUNT; t++) {
            for (int p = 0; p < AgeBins.COUNT; p++) {
                // an empty true bin (NaN shares) is drawn as 0 rather than left as a hole
                double x = Double.isNaN(v[t][p]) ? 0 : v[t][p];
                cells.add(new Number[]{p, AgeBins.COUNT - 1 - t, x});
            }
        }
        chart.addSeries("confusion", labels, yLabels, cells);
        return chart;
    }
}
