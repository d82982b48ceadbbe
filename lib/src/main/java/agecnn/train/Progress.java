package agecnn.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Progress of training, one plain line at a time (no carriage returns, so it reads the same in
 * a notebook, in a log file and in a terminal): epoch, batch, images per second and time left,
 * at most every few seconds, and a summary line per epoch. Lines also go to a log file
 * ({@code RUN_DIR/progress.log}) that a terminal can follow while a notebook runs headless.
 */
public final class Progress {

    private final String model;
    private final PrintStream out;
    private final Path log;
    private final long everyNanos;

    private String what;
    private int epoch, epochs, batches, images, batch;
    private long startedAt, lastPrint;

    /**
     * @param model name shown at the start of every line
     * @param out   where lines are printed; null prints nowhere
     * @param log   file lines are appended to; null for none
     * @param every least time between two progress lines
     */
    public Progress(String model, PrintStream out, Path log, Duration every) {
        this.model = model;
        this.out = out;
        this.log = log;
        this.everyNanos = every.toNanos();
    }

    /** Prints nothing (tests). */
    public static Progress quiet() {
        return new Progress("", null, null, Duration.ofDays(1));
    }

    /** The same output, for another model. */
    public Progress forModel(String name) {
        return new Progress(name, out, log, Duration.ofNanos(everyNanos));
    }

    /**
     * A pass over {@code images} in {@code batches} batches begins.
     *
     * @param what   e.g. {@code epoch} or {@code features}
     * @param epoch  1-based number of this pass
     * @param epochs passes planned
     */
    public void start(String what, int epoch, int epochs, int batches, int images) {
        this.what = what;
        this.epoch = epoch;
        this.epochs = epochs;
        this.batches = batches;
        this.images = images;
        this.batch = 0;
        this.startedAt = this.lastPrint = System.nanoTime();
    }

    /** One more batch is done; {@code imagesDone} images of this pass so far. Prints when a line is due. */
    public void batch(int imagesDone) {
        batch++;
        long now = System.nanoTime();
        if (now - lastPrint < everyNanos || batch >= batches) return;
        lastPrint = now;
        double seconds = (now - startedAt) / 1e9;
        double rate = imagesDone / Math.max(seconds, 1e-9);
        double passLeft = (images - imagesDone) / rate;
        String s = String.format("[%s] %s %d/%d  batch %d/%d  %.0f images/s  left: %s", model, what, epoch, epochs, batch, batches,
                rate, clock(passLeft));
        if (epochs > epoch) s += String.format(", at most %s for the %d epochs after this one", clock((epochs - epoch) * images / rate), epochs - epoch);
        line(s);
    }

    /** The pass is over. */
    public void finish() {
        batch = batches;
    }

    /** Seconds since the current pass began. */
    public double seconds() {
        return (System.nanoTime() - startedAt) / 1e9;
    }

    /** Prints a line now (to the output and the log). */
    public void line(String s) {
        if (out != null) {
            out.println(s);
            out.flush();
        }
        if (log != null) {
            try {
                Files.createDirectories(log.toAbsolutePath().getParent());
                Files.writeString(log, s + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the progress log " + log, e);
            }
        }
    }

    /** {@code m:ss}, or {@code h:mm:ss} past an hour. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }
}
