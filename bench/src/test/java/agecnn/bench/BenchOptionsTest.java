package agecnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.junit.jupiter.api.Test;

/** bench/run's command line: the options, their defaults, the worker's arguments, --help, and usage errors (exit 2). */
class BenchOptionsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private OptionalInt read(String... args) {
        out.reset();
        err.reset();
        return new BenchOptions().read(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void defaults() {
        BenchOptions o = BenchOptions.parse(new String[0]);
        assertEquals(List.of(64, 128), o.sizes);
        assertEquals(64, o.size);
        assertEquals(32, o.batch);
        assertEquals(2, o.threads);
        assertEquals(12, o.classes);
        assertEquals(3, o.warmup);
        assertEquals(5.0, o.seconds);
        assertEquals(5, o.minIters);
        assertEquals(42, o.seed);
        assertEquals(3, o.repeats);
        assertFalse(o.plain || o.profile || o.worker || o.skipTorch);
        assertNull(o.cache);
        assertNull(o.workspace);
        assertNull(o.format);
        assertEquals("/usr/bin/python3", o.python);
        assertEquals("bench/torch_cnn.py", o.script);
    }

    @Test
    void everyOptionAndTheWorkersArgumentsReadBackTheSame() {
        BenchOptions o = BenchOptions.parse(new String[] {"--sizes", "32, 96", "--batch", "16", "--threads", "1",
                "--classes", "5", "--warmup", "1", "--seconds", "2.5", "--min-iters", "7", "--seed", "9", "--repeats", "4",
                "--plain", "--profile", "--skip-torch", "--cache", "none", "--workspace", "Enabled", "--format", "nhwc",
                "--python", "py", "--script", "t.py", "--sizes", "48"});
        assertEquals(List.of(48), o.sizes, "a repeated option takes its last value");
        assertEquals(4, o.repeats);
        assertEquals(CacheMode.NONE, o.cache);
        assertEquals(WorkspaceMode.ENABLED, o.workspace);
        assertEquals(CNN2DFormat.NHWC, o.format);
        assertTrue(o.plain && o.profile && o.skipTorch);
        assertEquals("py", o.python);
        assertEquals("t.py", o.script);

        BenchOptions w = BenchOptions.parse(o.workerArgs(48).toArray(new String[0]));
        assertTrue(w.worker);
        assertEquals(48, w.size);
        assertEquals(16, w.batch);
        assertEquals(1, w.threads);
        assertEquals(5, w.classes);
        assertEquals(1, w.warmup);
        assertEquals(2.5, w.seconds);
        assertEquals(7, w.minIters);
        assertEquals(9, w.seed);
        assertTrue(w.plain && w.profile);
        assertEquals(CacheMode.NONE, w.cache);
        assertEquals(WorkspaceMode.ENABLED, w.workspace);
        assertEquals(CNN2DFormat.NHWC, w.format);
        assertEquals(1.25, w.withSeconds(1.25).seconds);
        assertEquals(List.of("py", "t.py", "--size", "48", "--batch", "16", "--threads", "1", "--classes", "5", "--warmup", "1",
                "--seconds", "2.5", "--min-iters", "7", "--seed", "9", "--profile"), o.torchArgs(48));
        assertTrue(read("--sizes", "64", "--repeats", "1").isEmpty(), "a good command line goes on to measure");
    }

    @Test
    void helpGoesToStdoutWithEveryOptionAndExits0() {
        assertEquals(OptionalInt.of(0), read("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.startsWith("usage: bench/run [options]"), help);
        for (String option : new String[] {"--sizes N,N", "--repeats N", "--batch N", "--threads N", "--classes N",
                "--warmup N", "--seconds S", "--min-iters N", "--seed N", "--plain", "--profile", "--cache MODE",
                "--workspace MODE", "--format LAYOUT", "--skip-torch", "--python FILE", "--script FILE", "--worker",
                "--size N", "--help"}) {
            assertTrue(help.contains(option), option + " missing from\n" + help);
        }
        assertTrue(help.contains("(default 64,128)") && help.contains("(default 32)") && help.contains("(default 5.0)")
                && help.contains("(default /usr/bin/python3)"), "the defaults: " + help);
        assertTrue(help.contains("DEVICE, HOST, NONE") || help.contains("NONE, HOST, DEVICE"), "the cache modes: " + help);
        assertTrue(help.contains("UTKFACE_DIR"), help);
        assertEquals("", err.toString());
        assertEquals(OptionalInt.of(0), read("-h"));
    }

    @Test
    void usageErrorsExit2WithOneLineNamingTheOption() {
        assertUsageError("Unknown option: '--repeat' (did you mean --repeats?)", "--repeat", "2");
        assertUsageError("Unknown option: '--frobnicate'", "--sizes", "64", "--frobnicate");
        assertUsageError("Invalid value for option '--batch': 'lots' is not an int", "--batch", "lots");
        assertUsageError("Invalid value for option '--seconds': 'soon' is not a double", "--seconds", "soon");
        assertUsageError("Invalid value for option '--sizes': '64,big' is not a list of whole numbers, as 64,128",
                "--sizes", "64,big");
        assertUsageError("Invalid value for option '--cache': expected one of [DEVICE, HOST, NONE] (case-insensitive) but was 'disk'",
                "--cache", "disk");
        assertUsageError("Missing required parameter for option '--threads' (N)", "--threads");
    }

    private void assertUsageError(String message, String... args) {
        assertEquals(OptionalInt.of(2), read(args), err.toString());
        String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(message, lines[0]);
        assertTrue(lines[1].startsWith("usage: bench/run [options]"), "then the usage: " + err);
        assertFalse(err.toString().contains("Exception"), "no stack trace: " + err);
        assertEquals("", out.toString());
    }
}
