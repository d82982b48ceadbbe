package agecnn.spark;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParameterException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.*;

/** ./agecnn train's command line: the options, their defaults, --help, and usage errors (exit 2). No Spark context is opened. */
class SparkTrainCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private OptionalInt read(String... args) {
        out.reset();
        err.reset();
        return new SparkTrainCommand.Options().read(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void theOptionsAndTheirDefaults() {
        SparkTrainCommand.Options o = SparkTrainCommand.Options.parse(new String[]{"--spark", "local[2]"});
        assertEquals("local[2]", o.master);
        assertNull(o.models, "MODELS then decides");
        assertNull(o.epochs, "EPOCHS then decides");
        assertEquals(SparkEpochFitter.DEFAULT_AVERAGING, o.averaging);
        assertEquals(0, o.workers, "0: as many as the master has");

        o = SparkTrainCommand.Options.parse(new String[]{"--models", "baseline_cnn,mobilenet", "--spark", "spark://h:7077",
                "--epochs", " 4 ", "--averaging", "3", "--workers", "6", "--averaging", "2"});
        assertEquals("spark://h:7077", o.master);
        assertEquals("baseline_cnn,mobilenet", o.models);
        assertEquals(4, o.epochs);
        assertEquals(2, o.averaging, "a repeated option takes its last value");
        assertEquals(6, o.workers);
        assertTrue(read("--spark", "local[*]").isEmpty(), "a good command line goes on to train");
        assertEquals("", err.toString());
    }

    @Test
    void helpGoesToStdoutWithEveryOptionAndExits0() {
        assertEquals(OptionalInt.of(0), read("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.startsWith("usage: ./agecnn train --spark MASTER [--models a,b] [--epochs N] [--averaging N] [--workers N]"), help);
        for (String option : new String[]{"--spark MASTER", "--models a,b", "--epochs N", "--averaging N", "--workers N", "--help"}) {
            assertTrue(help.contains(option), option + " missing from\n" + help);
        }
        assertTrue(help.contains("(default " + SparkEpochFitter.DEFAULT_AVERAGING + ")"), "the default of --averaging: " + help);
        assertTrue(help.contains("RUN_DIR") && help.contains("MODELS") && help.contains("EPOCHS"), help);
        assertEquals("", err.toString());
        assertEquals(OptionalInt.of(0), read("-h", "--spark", "local[2]"));
    }

    @Test
    void usageErrorsExit2WithOneLineNamingTheOption() {
        assertUsageError("Unknown option: '--epoch' (did you mean --epochs?)", "--spark", "local[2]", "--epoch", "3");
        assertUsageError("Unknown option: '--frobnicate'", "--frobnicate", "--spark", "local[2]");
        assertUsageError("Unmatched argument at index 2: 'extra'", "--spark", "local[2]", "extra");
        assertUsageError("Invalid value for option '--epochs': must be a positive whole number, got 'three'",
                "--spark", "local[2]", "--epochs", "three");
        assertUsageError("Invalid value for option '--workers': must be a positive whole number, got '0'",
                "--spark", "local[2]", "--workers", "0");
        assertUsageError("Invalid value for option '--averaging': must be a positive whole number, got '-1'",
                "--averaging", "-1", "--spark", "local[2]");
        assertUsageError("Missing required parameter for option '--models' (a,b)", "--spark", "local[2]", "--models");
        assertUsageError("--spark MASTER is required (e.g. --spark 'local[2]')", "--epochs", "2");
        assertThrows(ParameterException.class, () -> SparkTrainCommand.Options.parse(new String[0]));
    }

    private void assertUsageError(String message, String... args) {
        assertEquals(OptionalInt.of(2), read(args), err.toString());
        String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(message, lines[0]);
        assertTrue(lines[1].startsWith("usage: ./agecnn train --spark MASTER"), "then the usage: " + err);
        assertFalse(err.toString().contains("Exception"), "no stack trace: " + err);
        assertEquals("", out.toString());
    }
}
