package agecnn.io;

import agecnn.predict.ImageInput;
import agecnn.testing.LoopbackHttp;
import agecnn.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Downloads from a loopback server: good images, and every way a URL can fail, each said
 * clearly; files streamed into place only when complete and of the expected SHA-256.
 */
class FetcherTest {

    static final byte[] JPG = TestImages.encode(TestImages.noise(64, 48, 1), "jpg");
    static final byte[] PNG = TestImages.encode(TestImages.noise(30, 20, 2), "png");
    /** Short limits so that the stalling answers fail fast: 2 s to connect, 0.7 s without data, 4 s in all, 100 kB, 3 redirects. */
    static final Fetcher.Limits LIMITS = new Fetcher.Limits(Duration.ofSeconds(2), Duration.ofMillis(700),
            Duration.ofSeconds(4), 100_000, 3);

    @TempDir
    Path tmp;
    LoopbackHttp http;

    @BeforeEach
    void server() throws IOException {
        http = new LoopbackHttp()
                .file("/face.jpg", "image/jpeg", JPG)
                .file("/face.png", "image/png", PNG)
                .file("/untyped", null, JPG)
                .route("/missing.jpg", ex -> LoopbackHttp.send(ex, 404, "text/plain", "gone".getBytes(StandardCharsets.UTF_8)))
                .file("/page.html", "text/html; charset=utf-8", "<html><body><img src=face.jpg></body></html>".getBytes(StandardCharsets.UTF_8))
                .file("/lies.jpg", "image/jpeg", "this is not a picture".getBytes(StandardCharsets.UTF_8))
                .file("/big.jpg", "image/jpeg", new byte[200_000])
                .route("/big-chunked.jpg", ex -> {
                    ex.getResponseHeaders().set("Content-Type", "image/jpeg");
                    ex.sendResponseHeaders(200, 0);   // chunked: no length announced
                    try (OutputStream out = ex.getResponseBody()) {
                        out.write(JPG, 0, 3);
                        for (int i = 0; i < 30; i++) out.write(new byte[10_000]);
                    }
                })
                .route("/stall.jpg", ex -> {
                    ex.getResponseHeaders().set("Content-Type", "image/jpeg");
                    ex.sendResponseHeaders(200, JPG.length);
                    OutputStream out = ex.getResponseBody();
                    out.write(JPG, 0, 100);
                    out.flush();
                    sleep(5000);   // then nothing: the client must give up
                })
                .route("/silent.jpg", ex -> sleep(5000))   // not even the headers
                .route("/moved.jpg", ex -> redirect(ex, "/face.jpg"))
                .route("/loop", ex -> redirect(ex, "/loop"))
                .route("/to-ftp", ex -> redirect(ex, "ftp://127.0.0.1/face.jpg"))
                .route("/headers", ex -> LoopbackHttp.send(ex, 200, "text/plain", String.valueOf(
                        ex.getRequestHeaders().getFirst("Authorization")).getBytes(StandardCharsets.UTF_8)));
        // the same server under another host name: another origin
        http.route("/to-same-host", ex -> redirect(ex, "/headers"))
                .route("/to-other-host", ex -> redirect(ex, http.url("/headers").replace("127.0.0.1", "localhost")))
                .route("/private", ex -> LoopbackHttp.send(ex, 401, "text/plain", "who?".getBytes(StandardCharsets.UTF_8)));
    }

    @AfterEach
    void stop() {
        http.close();
    }

    static void redirect(com.sun.net.httpserver.HttpExchange ex, String to) throws IOException {
        ex.getResponseHeaders().set("Location", to);
        ex.sendResponseHeaders(302, -1);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String fails(String path) {
        String url = http.url(path);
        IOException e = assertThrows(IOException.class, () -> ImageInput.fromUrl(url, LIMITS, null, false));
        assertTrue(e.getMessage().startsWith(url), "the message names the URL: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void jpegAndPngArrive() throws IOException {
        assertArrayEquals(JPG, ImageInput.fromUrl(http.url("/face.jpg"), LIMITS, null, false).bytes());
        assertArrayEquals(PNG, ImageInput.fromUrl(http.url("/face.png"), LIMITS, null, false).bytes());
        assertArrayEquals(JPG, ImageInput.fromUrl(http.url("/untyped"), LIMITS, null, false).bytes(), "no media type: the bytes decide");
    }

    @Test
    void redirectsAreFollowedButCountedAndKeptToHttp() throws IOException {
        assertArrayEquals(JPG, ImageInput.fromUrl(http.url("/moved.jpg"), LIMITS, null, false).bytes());
        assertTrue(fails("/loop").contains("more than 3 redirects"));
        assertTrue(fails("/to-ftp").contains("only http and https"));
    }

    @Test
    void notFoundHtmlAndNonImagesAreRefused() {
        assertTrue(fails("/missing.jpg").contains("HTTP 404"));
        String html = fails("/page.html");
        assertTrue(html.contains("text/html") && html.contains("web page"), html);
        assertTrue(fails("/lies.jpg").contains("not a JPEG or PNG"));
    }

    @Test
    void filesOverTheLimitAreRefusedAnnouncedOrNot() {
        assertTrue(fails("/big.jpg").contains("over the limit"));
        assertTrue(fails("/big-chunked.jpg").contains("over the limit"));
    }

    @Test
    void aServerThatStallsIsGivenUpOn() {
        long t0 = System.nanoTime();
        assertTrue(fails("/stall.jpg").contains("stopped sending"));
        assertTrue(fails("/silent.jpg").contains("no answer in time"));
        assertTrue((System.nanoTime() - t0) / 1e9 < 4, "gave up after the read time-out, not the server's 5 s");
    }

    /**
     * A chain of redirects, each answered after 600 ms, under a deadline of 1 s (and 2 s per
     * read, so no single wait trips): the first redirect arrives in time (at 600 ms, 400 ms to
     * spare), the second could not come before 1200 ms. So the fetch stops at the deadline during
     * the second hop, says so, and the server saw exactly two requests; without the deadline it
     * would follow all 20 redirects allowed (12 s).
     */
    @Test
    void theDeadlineCoversRedirectsAndWaitingForHeadersNotOnlyTheBody() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        http.route("/slow/", ex -> {
            int n = Integer.parseInt(ex.getRequestURI().getPath().substring("/slow/".length()));
            asked.incrementAndGet();
            sleep(600);
            redirect(ex, "/slow/" + (n + 1));
        });
        Fetcher.Limits limits = new Fetcher.Limits(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(1), 100_000, 20);
        String url = http.url("/slow/0");
        DownloadException e = assertThrows(DownloadException.class, () -> Fetcher.forImages(limits).fetch(url));
        assertEquals(url + ": took longer than 1 s in all (connecting, redirects and the answer together); stopped after 1 redirect",
                e.getMessage());
        assertEquals(2, asked.get(), "the first hop and the one it redirected to, no third");
    }

    @Test
    void badUrlsAreRefusedBeforeAnyConnection() {
        for (String u : new String[]{"ftp://example.org/a.jpg", "file:///etc/passwd", "http://", "http://exa mple.org/a.jpg"}) {
            DownloadException e = assertThrows(DownloadException.class, () -> ImageInput.fromUrl(u, LIMITS, null, false), u);
            assertTrue(e.getMessage().startsWith(u), e.getMessage());
        }
    }

    @Test
    void keptUnderTheGivenNameAndNeverOverwrittenUnlessAsked() throws IOException {
        Path f = tmp.resolve("kept/face.jpg");
        ImageInput in = ImageInput.fromUrl(http.url("/face.jpg"), LIMITS, f, false);
        assertEquals(f, in.savedAs());
        assertArrayEquals(JPG, Files.readAllBytes(f));
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> ImageInput.fromUrl(http.url("/face.png"), LIMITS, f, false));
        assertTrue(e.getMessage().contains("not overwritten"), e.getMessage());
        assertArrayEquals(JPG, Files.readAllBytes(f), "the existing file is untouched");
        ImageInput.fromUrl(http.url("/face.png"), LIMITS, f, true);
        assertArrayEquals(PNG, Files.readAllBytes(f));
        // a failed download leaves nothing behind
        Path g = tmp.resolve("kept/none.jpg");
        assertThrows(IOException.class, () -> ImageInput.fromUrl(http.url("/missing.jpg"), LIMITS, g, false));
        assertFalse(Files.exists(g));
        try (var s = Files.list(tmp.resolve("kept"))) {
            assertEquals(1, s.count(), "no temporary files left");
        }
    }

    private static final String JPG_SHA = Sha256.hex(JPG);

    @Test
    void aFileIsStreamedIntoPlaceWithTheExpectedHashAndNothingElseLeft() throws IOException {
        Path target = tmp.resolve("w/face.jpg");
        assertEquals(target, Fetcher.of(LIMITS).fetchTo(http.url("/moved.jpg"), target, JPG_SHA));
        assertArrayEquals(JPG, Files.readAllBytes(target));
        // an existing file is replaced by a complete, checked download; no expected hash: any bytes
        Fetcher.of(LIMITS).fetchTo(http.url("/face.png"), target, null);
        assertArrayEquals(PNG, Files.readAllBytes(target));
        try (var s = Files.list(tmp.resolve("w"))) {
            assertEquals(List.of(target), s.toList(), "no temporary files left");
        }
    }

    @Test
    void aWrongHashIsRefusedNamingTheUrlAndBothHashesAndNothingIsKept() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("w"));
        Path target = Files.write(dir.resolve("face.jpg"), PNG);
        String url = http.url("/face.jpg");
        String expected = "ab".repeat(32);
        DownloadException e = assertThrows(DownloadException.class, () -> Fetcher.of(LIMITS).fetchTo(url, target, expected));
        assertEquals(url + ": served other bytes: their SHA-256 is " + JPG_SHA + ", expected " + expected + "; refused, nothing kept",
                e.getMessage());
        assertArrayEquals(PNG, Files.readAllBytes(target), "the file there before is untouched");
        Path absent = dir.resolve("none.jpg");
        assertThrows(DownloadException.class, () -> Fetcher.of(LIMITS).fetchTo(url, absent, expected.toUpperCase()));
        assertFalse(Files.exists(absent));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(target), s.toList(), "no temporary files left");
        }
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Fetcher.of(LIMITS).fetchTo(url, absent, "abc"));
        assertTrue(bad.getMessage().contains("64 hex digits"), bad.getMessage());
    }

    @Test
    void filesKeepTheGuardsOfImagesAndLeaveNothingWhenStopped() throws IOException {
        Path dir = tmp.resolve("w");
        Fetcher files = Fetcher.of(LIMITS);
        DownloadException big = assertThrows(DownloadException.class, () -> files.fetchTo(http.url("/big-chunked.jpg"), dir.resolve("a"), null));
        assertTrue(big.getMessage().contains("more than 100000 bytes arrived, over the limit; stopped"), big.getMessage());
        DownloadException stall = assertThrows(DownloadException.class, () -> files.fetchTo(http.url("/stall.jpg"), dir.resolve("b"), null));
        assertTrue(stall.getMessage().contains("the server stopped sending: nothing for 700 ms after 100 bytes"), stall.getMessage());
        DownloadException loop = assertThrows(DownloadException.class, () -> files.fetchTo(http.url("/loop"), dir.resolve("c"), null));
        assertTrue(loop.getMessage().contains("more than 3 redirects"), loop.getMessage());
        // any media type is taken for a file, but the status still decides
        assertArrayEquals("<html><body><img src=face.jpg></body></html>".getBytes(StandardCharsets.UTF_8),
                Files.readAllBytes(files.fetchTo(http.url("/page.html"), dir.resolve("page"), null)));
        DownloadException gone = assertThrows(DownloadException.class, () -> files.fetchTo(http.url("/missing.jpg"), dir.resolve("d"), null));
        assertEquals(404, gone.httpStatus());
        try (var s = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("page")), s.toList(), "nothing of the failed downloads is left");
        }
    }

    @Test
    void theStatusOfAFailedAnswerIsKeptAndOtherFailuresHaveNone() {
        assertEquals(401, assertThrows(DownloadException.class, () -> Fetcher.of(LIMITS).fetch(http.url("/private"))).httpStatus());
        assertEquals(0, assertThrows(DownloadException.class, () -> Fetcher.of(LIMITS).fetch(http.url("/loop"))).httpStatus());
        assertEquals(0, assertThrows(DownloadException.class, () -> Fetcher.of(LIMITS).fetch("http://127.0.0.1:9/x")).httpStatus());
    }

    @Test
    void extraHeadersGoToTheUrlsOwnHostOnly() throws IOException {
        Fetcher withAuth = Fetcher.of(LIMITS).withHeader("Authorization", "Basic secret");
        assertEquals("Basic secret", text(withAuth.fetch(http.url("/headers"))));
        assertEquals("Basic secret", text(withAuth.fetch(http.url("/to-same-host"))), "kept on a redirect on the same host");
        assertEquals("null", text(withAuth.fetch(http.url("/to-other-host"))), "dropped on a redirect to another host");
        assertEquals("null", text(Fetcher.of(LIMITS).fetch(http.url("/headers"))));
    }

    private static String text(Fetcher.Fetched f) {
        return new String(f.bytes(), StandardCharsets.UTF_8);
    }
}
