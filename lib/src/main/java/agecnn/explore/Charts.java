package agecnn.explore;

import agecnn.data.AgeBins;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.PieChart;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.PieStyler;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.Table;

/**
 * The figures of 03_explore. Each one is drawn from the matching {@link Summaries} table, so
 * a figure and the table printed beside it cannot disagree. Sized for 800x500 PNGs.
 */
public final class Charts {

    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;

    private static final Color BAR = new Color(0x4C72B0);
    private static final Color UNKNOWN = new Color(0xA0A0A0);
    private static final Color[] GENDER_COLORS = {new Color(0x4C72B0), new Color(0xDD8452), UNKNOWN};
    private static final Color[] RACE_COLORS = {
        new Color(0x4C72B0), new Color(0xDD8452), new Color(0x55A868),
        new Color(0xC44E52), new Color(0x8172B3), UNKNOWN
    };
    /** Twelve distinguishable hues for the pie, in bin order (tab20-like, darker shades first). */
    private static final Color[] BIN_COLORS = {
        new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C), new Color(0xD62728),
        new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F),
        new Color(0xBCBD22), new Color(0x17BECF), new Color(0xAEC7E8), new Color(0xFFBB78)
    };

    private Charts() {}

    /** Images per year of age, from 1 to the oldest age present. */
    public static CategoryChart ageHistogram(Table data) {
        double[] ages = Summaries.ages(data);
        int maxAge = (int) Math.max(AgeBins.MIN_AGE, Arrays.stream(ages).max().orElse(0));
        int[] counts = new int[maxAge + 1];
        for (double age : ages) {
            if (age >= AgeBins.MIN_AGE) counts[(int) age]++;
        }
        List<Integer> years = new ArrayList<>();
        List<Integer> images = new ArrayList<>();
        for (int age = AgeBins.MIN_AGE; age <= maxAge; age++) {
            years.add(age);
            images.add(counts[age]);
        }
        CategoryChart chart = bars("Images per year of age", "Age (years)", "Images");
        chart.addSeries(Summaries.IMAGES, years, images);
        CategoryStyler s = chart.getStyler();
        s.setLegendVisible(false);
        s.setAvailableSpaceFill(0.9);
        // one tick label per year would overprint; about one every five years reads well at 800 px
        s.setXAxisMaxLabelCount(Math.min(years.size(), 24));
        s.setSeriesColors(new Color[] {BAR});
        return chart;
    }

    /** Images per age bin, the count written on each bar (the original study's age_bar.png). */
    public static CategoryChart ageBar(Table data) {
        Table t = Summaries.imagesPerBin(data);
        CategoryChart chart = bars("Images per age bin", "Age bin (years)", "Images");
        chart.addSeries(Summaries.IMAGES, t.stringColumn(Summaries.AGE_BIN).asList(), ints(t, Summaries.IMAGES));
        CategoryStyler s = chart.getStyler();
        s.setLegendVisible(false);
        s.setSeriesColors(new Color[] {BAR});
        s.setLabelsVisible(true);
        // written inside the top of each bar: XChart keeps bar labels within the bar's height
        s.setLabelsPosition(0.96);
        s.setLabelsFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
        s.setLabelsFontColor(Color.WHITE);
        s.setLabelsFontColorAutomaticEnabled(false);
        return chart;
    }

    /** Share of images per age bin, one slice per non-empty bin (the original study's age_pie.png). */
    public static PieChart agePie(Table data) {
        Table t = Summaries.imagesPerBin(data);
        PieChart chart = new PieChart(WIDTH, HEIGHT);
        chart.setTitle("Share of images per age bin");
        PieStyler s = chart.getStyler();
        style(s);
        s.setLabelType(PieStyler.LabelType.NameAndPercentage);
        s.setLabelsDistance(1.12);
        s.setLabelsFontColor(Color.DARK_GRAY);
        s.setLabelsFontColorAutomaticEnabled(false);
        s.setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setPlotContentSize(0.78);
        // clockwise from twelve o'clock, the way pies are read; no slice borders, as XChart
        // draws them for counter-clockwise pies only
        s.setClockwiseDirectionType(PieStyler.ClockwiseDirectionType.CLOCKWISE);
        s.setStartAngleInDegrees(0);
        s.setForceAllLabelsVisible(true);
        s.setLegendVisible(false);
        s.setPlotBorderVisible(false);
        s.setDecimalPattern("0.0");
        s.setSeriesColors(BIN_COLORS);
        for (int bin = 0; bin < t.rowCount(); bin++) {
            int images = t.intColumn(Summaries.IMAGES).getInt(bin);
            // an empty slice would only stack its label on its neighbour's
            if (images > 0) chart.addSeries(t.stringColumn(Summaries.AGE_BIN).get(bin), images);
        }
        return chart;
    }

    /** Images per age bin, stacked by gender. */
    public static CategoryChart genderPerBin(Table data) {
        return stacked(Summaries.genderPerBin(data), "Gender per age bin", GENDER_COLORS);
    }

    /** Images per age bin, stacked by race. */
    public static CategoryChart racePerBin(Table data) {
        return stacked(Summaries.racePerBin(data), "Race per age bin", RACE_COLORS);
    }

    /** One series per column after the label; an all-zero unknown series is left out. */
    private static CategoryChart stacked(Table t, String title, Color[] palette) {
        CategoryChart chart = bars(title, "Age bin (years)", "Images");
        List<String> labels = t.stringColumn(Summaries.AGE_BIN).asList();
        List<Color> colors = new ArrayList<>();
        for (int c = 1; c < t.columnCount(); c++) {
            String name = t.column(c).name();
            List<Integer> counts = ints(t, name);
            if (name.equals(Summaries.UNKNOWN) && counts.stream().allMatch(n -> n == 0)) continue;
            chart.addSeries(name, labels, counts);
            colors.add(palette[c - 1]);
        }
        CategoryStyler s = chart.getStyler();
        s.setStacked(true);
        s.setSeriesColors(colors.toArray(new Color[0]));
        // below the plot: inside it would hide the bars of a balanced sample, whose bins are all as tall
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        return chart;
    }

    private static CategoryChart bars(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChart(WIDTH, HEIGHT);
        chart.setTitle(title);
        chart.setXAxisTitle(xTitle);
        chart.setYAxisTitle(yTitle);
        CategoryStyler s = chart.getStyler();
        style(s);
        s.setYAxisMin(0.0);
        s.setYAxisDecimalPattern("#,##0");
        s.setPlotGridVerticalLinesVisible(false);
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        return chart;
    }

    /** The project's chart style: white background, one title and legend font, no title box. */
    static void style(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setLegendBorderColor(Color.LIGHT_GRAY);
        s.setChartTitleBoxVisible(false);
    }

    private static List<Integer> ints(Table t, String column) {
        return t.intColumn(column).asList();
    }
}
