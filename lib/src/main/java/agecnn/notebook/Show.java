package agecnn.notebook;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

/**
 * How a notebook shows a figure or a table. A figure is saved as a PNG (the report and the
 * README use the file) and, inside the rapaio Jupyter kernel, displayed under the cell. A table
 * is displayed as HTML, with Tablesaw's text layout beside it as the plain-text fallback (see
 * {@link TableHtml}).
 *
 * <p>The kernel is reached by reflection so that the library runs, and is tested, without the
 * kernel jar; outside the kernel a figure is only saved and a table is printed as text.
 */
public final class Show {

    /** Size of a chart that does not give its own. */
    public static final int DEFAULT_WIDTH = 800;
    public static final int DEFAULT_HEIGHT = 500;

    /** The kernel's entry point for rich output: {@code static String display(Object)}. */
    static final String KERNEL_GLOBAL = "org.rapaio.jupyter.kernel.global.Global";
    /**
     * Display data of several MIME types: {@code static DisplayData withType(String mime, String data)},
     * then {@code putData(String mime, Object data)} for each further type.
     */
    static final String KERNEL_DISPLAY_DATA = "org.rapaio.jupyter.kernel.display.DisplayData";
    /**
     * Holds the running kernel, {@code public static RapaioKernel kernel}, whose {@code display(DisplayData)}
     * publishes display data as it is ({@code Global.display} renders one MIME type, then calls it).
     */
    static final String KERNEL_APP = "org.rapaio.jupyter.kernel.MainApp";

    private Show() {}

    /** Saves the chart as a PNG at its own size (800x500 if it has none), displays it, returns the path. */
    public static Path chart(Chart<?, ?> chart, Path png) {
        return image(render(chart), png);
    }

    /** Saves the image as a PNG, displays it, returns the path. */
    public static Path image(BufferedImage img, Path png) {
        save(img, png);
        displayInline(img, KERNEL_GLOBAL);
        return png;
    }

    /**
     * Shows the table: in the kernel as an HTML table with its text layout as the plain-text
     * fallback; elsewhere the text layout is printed. Either way a table of more than
     * {@value TableHtml#MAX_ROWS} rows shows its first and last {@value TableHtml#MAX_ROWS}/2.
     */
    public static void table(Table t) {
        String text = TableHtml.text(t);
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("text/html", TableHtml.html(t));
        bundle.put("text/plain", text);
        if (!displayData(bundle, KERNEL_DISPLAY_DATA, KERNEL_APP)) {
            System.out.println(text);
            System.out.println();
        }
    }

    static BufferedImage render(Chart<?, ?> chart) {
        if (chart.getWidth() > 0 && chart.getHeight() > 0) return BitmapEncoder.getBufferedImage(chart);
        BufferedImage img = new BufferedImage(DEFAULT_WIDTH, DEFAULT_HEIGHT, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, DEFAULT_WIDTH, DEFAULT_HEIGHT);
            chart.paint(g, DEFAULT_WIDTH, DEFAULT_HEIGHT);
        } finally {
            g.dispose();
        }
        return img;
    }

    static void save(BufferedImage img, Path png) {
        try {
            Path parent = png.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            if (!ImageIO.write(img, "png", png.toFile())) {
                throw new IOException("no PNG writer for an image of type " + img.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the figure to " + png + ": " + e.getMessage(), e);
        }
    }

    /**
     * Calls {@code display(Object)} of the named class when some class loader knows it.
     *
     * @return false when the class is absent, i.e. outside the kernel
     */
    static boolean displayInline(Object o, String globalClass) {
        Class<?> global = find(globalClass);
        if (global == null) return false;
        Method display;
        try {
            display = global.getMethod("display", Object.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(globalClass + " has no display(Object); the figure was saved "
                    + "but cannot be shown inline with this kernel version", e);
        }
        try {
            display.invoke(null, o);
            return true;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException("the Jupyter kernel failed to display the figure (it was saved): " + cause,
                    cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call " + globalClass + ".display(Object): " + e.getMessage(), e);
        }
    }

    /**
     * Publishes one display output holding every MIME type of {@code bundle} (the first one
     * through {@code withType}, the others through {@code putData}), so that Jupyter shows the
     * richest it can and keeps the rest (text/plain) for consoles and text exports.
     *
     * @return false when the kernel's classes are absent or it holds no running kernel
     */
    static boolean displayData(Map<String, String> bundle, String dataClass, String appClass) {
        if (bundle.isEmpty()) throw new IllegalArgumentException("nothing to display");
        Class<?> data = find(dataClass), app = find(appClass);
        if (data == null || app == null) return false;
        try {
            Object kernel = app.getField("kernel").get(null);
            if (kernel == null) return false;
            Method withType = data.getMethod("withType", String.class, String.class);
            Method putData = data.getMethod("putData", String.class, Object.class);
            Method display = kernel.getClass().getMethod("display", data);
            Object out = null;
            for (Map.Entry<String, String> e : bundle.entrySet()) {
                if (out == null) out = withType.invoke(null, e.getKey(), e.getValue());
                else putData.invoke(out, e.getKey(), e.getValue());
            }
            display.invoke(kernel, out);
            return true;
        } catch (NoSuchFieldException | NoSuchMethodException e) {
            throw new IllegalStateException("this kernel version has no " + dataClass + ".withType/putData or "
                    + appClass + ".kernel.display(DisplayData): " + e.getMessage(), e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException("the Jupyter kernel failed to display " + bundle.keySet() + ": " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot reach the kernel's display: " + e.getMessage(), e);
        }
    }

    /**
     * In the kernel, user code and jars added by %jar live in the kernel's own loader, reached
     * through the thread's context loader; a plain JVM or a test finds it through the usual ones.
     */
    private static Class<?> find(String name) {
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(Thread.currentThread().getContextClassLoader());
        loaders.add(Show.class.getClassLoader());
        loaders.add(ClassLoader.getSystemClassLoader());
        for (ClassLoader loader : loaders) {
            if (loader == null) continue;
            try {
                return Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                // not visible from this loader; try the next
            }
        }
        return null;
    }
}
