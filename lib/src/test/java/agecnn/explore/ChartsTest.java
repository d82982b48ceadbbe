package agecnn.explore;

import agecnn.data.AgeBins;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.PieChart;
import org.knowm.xchart.PieSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

class ChartsTest {

    private final Table seven = ExploreTables.seven();

    @Test
    void ageBarHasOneBarPerBinWithTheTableCounts() {
        CategoryChart chart = Charts.ageBar(seven);
        CategorySeries s = only(chart);
        assertEquals(AgeBins.labels(), new ArrayList<>(s.getXData()));
        assertEquals(Summaries.imagesPerBin(seven).intColumn("images").asList(), ints(s));
        assertLabelled(chart);
    }

    @Test
    void ageHistogramCountsEachYearFromOneToTheOldest() {
        CategorySeries s = only(Charts.ageHistogram(seven));
        List<?> years = new ArrayList<>(s.getXData());
        assertEquals(80, years.size());
        assertEquals(1, years.get(0));
        assertEquals(80, years.get(79));
        List<Integer> counts = ints(s);
        // ages 1, 2, 3, 25, 25, 30, 80
        assertEquals(1, counts.get(0));
        assertEquals(2, counts.get(24));
        assertEquals(1, counts.get(29));
        assertEquals(1, counts.get(79));
        assertEquals(0, counts.get(50));
        assertEquals(seven.rowCount(), counts.stream().mapToInt(Integer::intValue).sum());
        assertLabelled(Charts.ageHistogram(seven));
    }

    @Test
    void agePieHasOneSlicePerNonEmptyBin() {
        PieChart chart = Charts.agePie(seven);
        Map<String, PieSeries> slices = chart.getSeriesMap();
        assertEquals(List.of("(1-3)", "(23-26)", "(27-32)", "(74-120)"), new ArrayList<>(slices.keySet()));
        assertEquals(3, slices.get("(1-3)").getValue().intValue());
        assertEquals(2, slices.get("(23-26)").getValue().intValue());
        assertEquals(1, slices.get("(27-32)").getValue().intValue());
        assertEquals(1, slices.get("(74-120)").getValue().intValue());
        assertFalse(chart.getTitle().isBlank());
    }

    @Test
    void genderPerBinStacksTheCrosstab() {
        CategoryChart chart = Charts.genderPerBin(seven);
        assertTrue(chart.getStyler().isStacked());
        Table t = Summaries.genderPerBin(seven);
        assertEquals(List.of("male", "female", "unknown"), new ArrayList<>(chart.getSeriesMap().keySet()));
        for (String g : List.of("male", "female", "unknown")) {
            assertEquals(t.intColumn(g).asList(), ints(chart.getSeriesMap().get(g)), g);
        }
        assertLabelled(chart);
    }

    @Test
    void racePerBinStacksTheCrosstab() {
        CategoryChart chart = Charts.racePerBin(seven);
        Table t = Summaries.racePerBin(seven);
        for (String r : List.of("White", "Black", "Asian", "Indian", "Others", "unknown")) {
            assertEquals(t.intColumn(r).asList(), ints(chart.getSeriesMap().get(r)), r);
        }
    }

    @Test
    void anUnknownSeriesWithNothingInItIsLeftOut() {
        Table known = seven.dropWhere(seven.intColumn("gender").isMissing()
                .or(seven.intColumn("gender").isGreaterThan(1)));
        assertEquals(List.of("male", "female"), new ArrayList<>(Charts.genderPerBin(known).getSeriesMap().keySet()));
    }

    @Test
    void chartsAreSizedForTheReport() {
        for (Chart<?, ?> c : List.of(Charts.ageBar(seven), Charts.agePie(seven), Charts.ageHistogram(seven),
                Charts.genderPerBin(seven), Charts.racePerBin(seven))) {
            assertEquals(800, c.getWidth());
            assertEquals(500, c.getHeight());
        }
    }

    private static void assertLabelled(CategoryChart chart) {
        assertFalse(chart.getTitle().isBlank());
        assertFalse(chart.getXAxisTitle().isBlank());
        assertFalse(chart.getYAxisTitle().isBlank());
    }

    private static CategorySeries only(CategoryChart chart) {
        assertEquals(1, chart.getSeriesMap().size());
        return chart.getSeriesMap().values().iterator().next();
    }

    private static List<Integer> ints(CategorySeries s) {
        List<Integer> out = new ArrayList<>();
        for (Number n : s.getYData()) out.add(n.intValue());
        return out;
    }
}
