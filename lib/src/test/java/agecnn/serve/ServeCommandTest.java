package agecnn.serve;

import agecnn.io.Fetcher;
import agecnn.testing.TinyModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.*;

/** {@code ./agecnn serve}'s command line: defaults, checks, the model chosen as predict chooses it, warnings, the address printed. */
class ServeCommandTest {

    @TempDir
    Path tmp;

    ServeCommand.Options parse(Map<String, String> env, String... args) {
        ServeCommand.Arguments a = new ServeCommand.Arguments();
        CommandLine cli = new CommandLine(a);
        cli.parseArgs(args);
        return ServeCommand.resolve(cli, a, env, tmp);
    }

    /** A start, with what it printed (stderr read when asked: the server goes on writing to it). */
    record Run(ServeCommand.Started started, ByteArrayOutputStream outBytes, ByteArrayOutputStream errBytes) {
        String out() {
            return outBytes.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return errBytes.toString(StandardCharsets.UTF_8);
        }
    }

    Run start(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        ServeCommand.Started s = ServeCommand.start(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, tmp);
        return new Run(s, out, err);
    }

    @Test
    void defaultsAreLoopback8080AndTheNewestBestModel() throws Exception {
        Path older = TinyModels.save(tmp.resolve("reports/a/models/best.zip"), "a", 32, 1);
        Path newer = TinyModels.save(tmp.resolve("reports/b/models/best.zip"), "b", 32, 1);
        Files.setLastModifiedTime(older, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        ServeCommand.Options o = parse(Map.of());
        assertEquals(newer, o.model());
        ServeOptions s = o.serve();
        assertEquals("127.0.0.1", s.host());
        assertEquals(8080, s.port());
        assertTrue(s.detect());
        assertEquals(2, s.workers());
        assertEquals(8, s.queue());
        assertEquals(10L << 20, s.maxBytes());
        assertEquals(10L << 20, s.urlLimits().maxBytes(), "the download limit follows the body limit");
        assertEquals(40_000_000L, s.maxPixels());
        assertEquals(Duration.ofSeconds(30), s.timeLimit());
        assertTrue(s.loopbackOnly());
        assertFalse(s.publicUrlsOnly(), "on loopback the user is the only client");
        assertTrue(ServeCommand.warnings(s).isEmpty());

        assertEquals(older, parse(Map.of("MODEL", older.toString())).model());
        assertEquals(newer, parse(Map.of("MODEL", older.toString()), "--model", newer.toString()).model());
    }

    @Test
    void listeningWiderWarnsAndRefusesPrivateUrlsUnlessAllowed() throws Exception {
        TinyModels.save(tmp.resolve("m.zip"), "m", 32, 1);
        ServeOptions wide = parse(Map.of(), "--host", "0.0.0.0", "--model", tmp.resolve("m.zip").toString()).serve();
        assertFalse(wide.loopbackOnly());
        assertTrue(wide.publicUrlsOnly());
        List<String> w = ServeCommand.warnings(wide);
        assertEquals("WARNING: listening on 0.0.0.0: every machine that can reach this one can use the model.", w.get(0));
        assertTrue(w.get(1).startsWith("URLs that resolve to loopback, private, link-local or metadata addresses are refused"));

        ServeOptions lab = parse(Map.of(), "--host", "0.0.0.0", "--allow-private-urls", "--model", tmp.resolve("m.zip").toString()).serve();
        assertFalse(lab.publicUrlsOnly());
        assertTrue(ServeCommand.warnings(lab).get(1).startsWith("WARNING: --allow-private-urls"));
        assertTrue(parse(Map.of(), "--host", "localhost", "--model", tmp.resolve("m.zip").toString()).serve().loopbackOnly());
    }

    @Test
    void badUsageAndNoModelAreExit2WithTheReason() {
        Run none = start(Map.of());
        assertEquals(2, none.started().exit());
        assertTrue(none.err().startsWith("no model given and no " + tmp.resolve("reports") + "/*/models/best.zip"), none.err());
        assertTrue(none.err().contains("usage: ./agecnn serve [options]"));

        Run missing = start(Map.of(), "--model", tmp.resolve("nothing.zip").toString());
        assertEquals(2, missing.started().exit());
        assertTrue(missing.err().startsWith("no model file at "), missing.err());

        for (String[] bad : new String[][]{{"--port", "70000"}, {"--workers", "0"}, {"--max-mb", "0"}, {"--time-limit", "0"},
                {"--queue", "-1"}, {"--port", "x"}, {"--nonsense"}}) {
            Run r = start(Map.of("MODEL", "m.zip"), bad);
            assertEquals(2, r.started().exit(), String.join(" ", bad) + ": " + r.err());
            assertNull(r.started().server());
        }
        Run help = start(Map.of(), "--help");
        assertEquals(0, help.started().exit());
        assertTrue(help.out().contains("--allow-private-urls"), help.out());
    }

    @Test
    void aShortTimeLimitShortensTheDownloads() {
        Fetcher.Limits l = ServeOptions.defaults().urlLimits();
        assertSame(l, ServeCommand.urlLimitsWithin(l, Duration.ofSeconds(30)));
        Fetcher.Limits shorter = ServeCommand.urlLimitsWithin(l, Duration.ofSeconds(12));   // 5 s, 10 s, 20 s -> 5 s, 8 s, 8 s
        assertEquals(Duration.ofSeconds(8), shorter.total());
        assertEquals(Duration.ofSeconds(8), shorter.read());
        assertEquals(Duration.ofSeconds(5), shorter.connect());
        assertEquals(Duration.ofSeconds(2), ServeCommand.urlLimitsWithin(l, Duration.ofSeconds(3)).connect());
    }

    @Test
    void startsAndPrintsItsAddress() throws Exception {
        Path model = TinyModels.save(tmp.resolve("m.zip"), "m", 32, 1);
        Run r = start(Map.of(), "--port", "0", "--model", model.toString(), "--no-detect", "--workers", "1");
        try (PredictServer s = r.started().server()) {
            assertNotNull(s, r.err());
            assertTrue(r.out().contains("Serving on http://127.0.0.1:" + s.port() + "/"), r.out());
            assertTrue(r.out().startsWith("Model m (" + model + "), faces: not detected (--no-detect), 1 workers, queue 8"), r.out());
            assertEquals("m", Http.get(s.uri(), "/api/model").json().get("name").getAsString());
            Http.get(s.uri(), "/api/health");
        }
        assertTrue(r.err().contains("GET /api/model 200"), "one line per request: " + r.err());
    }

    /** An ensemble's file serves like any model; /api/model names it, its members (as its backbone) and its input size. */
    @Test
    void servesAnEnsemble() throws Exception {
        Path model = tmp.resolve("ensemble.zip");
        agecnn.nets.SavedModel.ensemble("ensemble", java.util.List.of(TinyModels.random("a", 32, 1), TinyModels.random("b", 16, 2))).save(model);
        Run r = start(Map.of(), "--port", "0", "--model", model.toString(), "--no-detect", "--workers", "1");
        try (PredictServer s = r.started().server()) {
            assertNotNull(s, r.err());
            var m = Http.get(s.uri(), "/api/model").json();
            assertEquals("ensemble", m.get("name").getAsString());
            assertEquals("ensemble of a + b", m.get("backbone").getAsString());
            assertEquals(32, m.get("input_size").getAsInt());
        }
    }
}
