package agecnn.explore;

import agecnn.train.EpochStats;
import agecnn.train.History;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.awt.Font;
import java.util.List;

/** The figures of 04_model: scores of every model side by side, and each model's training curves. */
public final class ScoreCharts {

    public static final int WIDTH = 800, HEIGHT = 500;
    private static final Color[] COLORS = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868), new Color(0xC44E52)};

    private ScoreCharts() {}

    /** Train, validation and test accuracy and test one-off accuracy per model, from the scores table. */
    public static CategoryChart scores(Table scores) {
        CategoryChart c = new CategoryChart(WIDTH, HEIGHT);
        c.setTitle("Accuracy per model (12 age bins)");
        c.setXAxisTitle("Model");
        c.setYAxisTitle("Share of images");
        List<String> models = scores.stringColumn("model").asList();
        c.addSeries("train", models, scores.doubleColumn("train_accuracy").asList());
        c.addSeries("validation", models, scores.doubleColumn("val_accuracy").asList());
        c.addSeries("test", models, scores.doubleColumn("test_accuracy").asList());
        c.addSeries("test, one-off", models, scores.doubleColumn("test_one_off").asList());
        var s = c.getStyler();
        Charts.style(s);
        s.setYAxisMin(0.0);
        s.setYAxisMax(1.0);
        s.setYAxisDecimalPattern("0%");
        s.setSeriesColors(COLORS);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        return c;
    }

    /** Accuracy (left axis) and loss (right axis) per epoch, training and validation; the kept epoch marked in the title. */
    public static XYChart curves(History h) {
        XYChart c = new XYChart(WIDTH, HEIGHT);
        c.setTitle(h.model() + ": training curves (best epoch " + h.best().epoch() + ")");
        c.setXAxisTitle("Epoch");
        c.setYAxisGroupTitle(0, "Accuracy");
        c.setYAxisGroupTitle(1, "Loss");
        double[] epochs = h.epochs().stream().mapToDouble(EpochStats::epoch).toArray();
        add(c, "train accuracy", epochs, h.epochs().stream().mapToDouble(EpochStats::trainAccuracy).toArray(), 0, COLORS[0], false);
        add(c, "validation accuracy", epochs, h.epochs().stream().mapToDouble(EpochStats::valAccuracy).toArray(), 0, COLORS[1], false);
        add(c, "train loss", epochs, h.epochs().stream().mapToDouble(EpochStats::trainLoss).toArray(), 1, COLORS[0], true);
        add(c, "validation loss", epochs, h.epochs().stream().mapToDouble(EpochStats::valLoss).toArray(), 1, COLORS[1], true);
        var s = c.getStyler();
        Charts.style(s);
        s.setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        s.setXAxisDecimalPattern("0");
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        return c;
    }

    private static void add(XYChart c, String name, double[] x, double[] y, int axis, Color color, boolean dashed) {
        XYSeries s = c.addSeries(name, x, y);
        s.setYAxisGroup(axis);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(dashed ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
        if (dashed) s.setLineStyle(new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_ROUND, 10f,
                new float[] {6f, 4f}, 0f));
    }

}
