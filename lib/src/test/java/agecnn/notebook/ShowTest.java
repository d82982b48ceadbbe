package agecnn.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.PieChart;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

class ShowTest {

    @TempDir
    Path dir;

    @Test
    void chartIsSavedAsAPngOfItsOwnSizeInNewFolders() throws IOException {
        CategoryChart chart = new CategoryChart(800, 500);
        chart.addSeries("n", new int[] {1, 2, 3}, new int[] {4, 5, 6});
        Path png = dir.resolve("figures/nested/bar.png");
        assertEquals(png, Show.chart(chart, png));
        BufferedImage read = ImageIO.read(png.toFile());
        assertEquals(800, read.getWidth());
        assertEquals(500, read.getHeight());

        PieChart small = new PieChart(300, 200);
        small.addSeries("a", 1);
        BufferedImage pie = ImageIO.read(Show.chart(small, dir.resolve("pie.png")).toFile());
        assertEquals(300, pie.getWidth());
        assertEquals(200, pie.getHeight());
    }

    @Test
    void aChartWithoutASizeGetsTheDefault() {
        BufferedImage img = Show.render(new CategoryChart(0, 0) {
            { addSeries("n", new int[] {1}, new int[] {1}); }
        });
        assertEquals(800, img.getWidth());
        assertEquals(500, img.getHeight());
    }

    @Test
    void imageIsSavedPixelForPixel() throws IOException {
        BufferedImage img = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 2, 0x123456);
        Path png = Show.image(img, dir.resolve("img/seven.png"));
        BufferedImage read = ImageIO.read(png.toFile());
        assertEquals(7, read.getWidth());
        assertEquals(5, read.getHeight());
        assertEquals(0x123456, read.getRGB(3, 2) & 0xFFFFFF);
    }

    @Test
    void anUnwritablePathSaysWhere() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Exception e = assertThrows(Exception.class,
                () -> Show.image(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), file.resolve("x.png")));
        assertTrue(e.getMessage().contains("plain-file"), e.getMessage());
    }

    @Test
    void outsideTheKernelNothingIsDisplayed() {
        assertFalse(Show.displayInline("x", Show.KERNEL_GLOBAL));
    }

    @Test
    void insideAKernelTheFigureGoesToDisplay() {
        FakeGlobal.shown = null;
        BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        assertTrue(Show.displayInline(img, FakeGlobal.class.getName()));
        assertSame(img, FakeGlobal.shown);
    }

    @Test
    void theClassIsFoundEvenWhenTheContextLoaderDoesNotKnowIt() {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(ClassLoader.getPlatformClassLoader());
        try {
            FakeGlobal.shown = null;
            assertTrue(Show.displayInline("y", FakeGlobal.class.getName()));
            assertEquals("y", FakeGlobal.shown);
        } finally {
            t.setContextClassLoader(before);
        }
    }

    @Test
    void aKernelFailureIsReportedClearly() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Show.displayInline("z", FailingGlobal.class.getName()));
        assertTrue(e.getMessage().contains("failed to display"), e.getMessage());
        assertTrue(e.getMessage().contains("no renderer"), e.getMessage());
        IllegalStateException noMethod = assertThrows(IllegalStateException.class,
                () -> Show.displayInline("z", String.class.getName()));
        assertTrue(noMethod.getMessage().contains("display(Object)"), noMethod.getMessage());
    }

    @Test
    void tablePrintsEveryRow() {
        Table t = Table.create("Numbers", IntColumn.create("n", 1, 2, 3));
        PrintStream out = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true));
        try {
            Show.table(t);
        } finally {
            System.setOut(out);
        }
        String printed = buffer.toString();
        assertEquals(t.printAll() + System.lineSeparator() + System.lineSeparator(), printed, "outside the kernel: the text layout");
    }

    @Test
    void insideAKernelATableIsOneDisplayWithHtmlAndText() {
        FakeApp.kernel = new FakeKernel();
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("text/html", "<table></table>");
        bundle.put("text/plain", "t");
        assertTrue(Show.displayData(bundle, FakeDisplayData.class.getName(), FakeApp.class.getName()));
        assertEquals(1, FakeApp.kernel.shown.size());
        assertEquals(bundle, FakeApp.kernel.shown.get(0).data);
    }

    @Test
    void withoutARunningKernelNothingIsDisplayed() {
        FakeApp.kernel = null;
        assertFalse(Show.displayData(Map.of("text/plain", "t"), FakeDisplayData.class.getName(), FakeApp.class.getName()));
        assertFalse(Show.displayData(Map.of("text/plain", "t"), Show.KERNEL_DISPLAY_DATA, Show.KERNEL_APP));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Show.displayData(Map.of("text/plain", "t"), FakeDisplayData.class.getName(), String.class.getName()));
        assertTrue(e.getMessage().contains("kernel"), e.getMessage());
    }

    /** Stands in for the kernel's Global. */
    public static final class FakeGlobal {
        static Object shown;

        public static String display(Object o) {
            shown = o;
            return "id";
        }
    }

    /** Stands in for the kernel's DisplayData: a MIME bundle. */
    public static final class FakeDisplayData {
        final Map<String, Object> data = new LinkedHashMap<>();

        public static FakeDisplayData withType(String mime, String content) {
            FakeDisplayData d = new FakeDisplayData();
            d.data.put(mime, content);
            return d;
        }

        public void putData(String mime, Object content) {
            data.put(mime, content);
        }
    }

    /** Stands in for the kernel's MainApp and its running kernel. */
    public static final class FakeApp {
        public static FakeKernel kernel;
    }

    public static final class FakeKernel {
        final List<FakeDisplayData> shown = new ArrayList<>();

        public void display(FakeDisplayData d) {
            shown.add(d);
        }
    }

    public static final class FailingGlobal {
        public static String display(Object o) {
            throw new IllegalStateException("no renderer for " + o);
        }
    }
}
