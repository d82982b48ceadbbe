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

import static org.junit.jupiter.api.Assertions.*;

/** Downloads from a loopback server: good images, and every way a URL can fail, each said clearly. */
class DownloadTest {

    static final byte[] JPG = TestImages.encode(TestImages.noise(64, 48, 1), "jpg");
    static final byte[] PNG = TestImages.encode(TestImages.noise(30, 20, 2), "png");
    /** Short limits so that the stalling answers fail fast: 2 s without data, 4 s in all, 100 kB. */
    static final Download.Limits LIMITS = new Download.Limits(Duration.ofSeconds(2), Duration.ofMillis(700),
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
                .route("/to-ftp", ex -> redirect(ex, "ftp://127.0.0.1/face.jpg"));
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
}
