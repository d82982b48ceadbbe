package agecnn.serve;

import agecnn.config.Settings;
import agecnn.io.Fetcher;
import agecnn.testing.LoopbackHttp;
import agecnn.testing.TestImages;
import agecnn.testing.TinyModels;
import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The API on loopback, called with a real HTTP client: images as bodies, forms and URLs; every
 * error with its status; a URL server that stalls; more requests than the workers and the queue
 * take; the refusal of private addresses. A tiny untrained model, no face detection (the faces
 * are {@link ServeFacesTest}'s), so these need no data.
 */
class PredictServerTest {

    @TempDir
    static Path tmp;

    static Path model;
    static PredictServer server;
    static URI base;
    static LoopbackHttp urls;
    static final AtomicInteger hits = new AtomicInteger();
    /** Holds the stalling URL's answer until the test has seen the server give up on it. */
    static final CountDownLatch stallEnds = new CountDownLatch(1);
    static final byte[] JPEG = TestImages.encode(TestImages.noise(120, 90, 3), "jpg");
    static final byte[] PNG = TestImages.encode(TestImages.solid(64, 48, 0x336699), "png");

    @BeforeAll
    static void start() throws IOException {
        model = TinyModels.save(tmp.resolve("tiny.zip"), "tiny", 32, 7);
        ServeOptions o = ServeOptions.defaults().withPort(0).withDetect(false).withMaxBytes(256 * 1024).withMaxPixels(1_000_000)
                .withUrlLimits(new Fetcher.Limits(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(5), 256 * 1024, 3));
        server = PredictServer.start(o, model, settings(), line -> { });
        base = server.uri();
        urls = new LoopbackHttp()
                .route("/face.jpg", ex -> {
                    hits.incrementAndGet();
                    LoopbackHttp.send(ex, 200, "image/jpeg", JPEG);
                })
                .file("/page.html", "text/html", "<html>a page</html>".getBytes(StandardCharsets.UTF_8))
                .route("/missing.jpg", ex -> LoopbackHttp.send(ex, 404, "text/plain", "no".getBytes(StandardCharsets.UTF_8)))
                .route("/broken.jpg", ex -> LoopbackHttp.send(ex, 500, "text/plain", "oops".getBytes(StandardCharsets.UTF_8)))
                .route("/stall.jpg", ex -> {
                    // the headers and a few bytes, then nothing until the test is done with it
                    ex.getResponseHeaders().set("Content-Type", "image/jpeg");
                    ex.sendResponseHeaders(200, JPEG.length);
                    OutputStream out = ex.getResponseBody();
                    out.write(JPEG, 0, 10);
                    out.flush();
                    try {
                        stallEnds.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
    }

    static Settings settings() {
        return Settings.of(Map.of("PROJECT_DIR", tmp.toString()));
    }

    @AfterAll
    static void stop() {
        stallEnds.countDown();
        if (server != null) server.close();
        if (urls != null) urls.close();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void assertPrediction(JsonObject p, String input, int top) {
        assertEquals(input, p.get("input").getAsString());
        assertEquals("tiny", p.get("model").getAsString());
        assertEquals(1, p.getAsJsonArray("faces").size(), p.toString());
        JsonObject face = p.getAsJsonArray("faces").get(0).getAsJsonObject();
        assertEquals(top, face.getAsJsonArray("top").size(), p.toString());
        double age = face.get("expected_age").getAsDouble();
        assertTrue(age >= 1 && age <= 120, p.toString());
        assertTrue(face.get("box").isJsonNull(), "no detection: no box");
        assertEquals(4, face.getAsJsonArray("crop").size());
    }

    // ---------------------------------------------------------------- good requests

    @Test
    void aJpegOrPngBodyGetsTheSameJsonAsPredict() {
        Http.Answer a = Http.postImage(base, "", "image/jpeg", JPEG);
        assertEquals(200, a.status(), a.body());
        assertTrue(a.header("Content-Type").startsWith("application/json"));
        assertPrediction(a.json(), "upload", 3);
        assertEquals(120, a.json().get("width").getAsInt());

        Http.Answer png = Http.postImage(base, "?top=5", "image/png", PNG);
        assertEquals(200, png.status(), png.body());
        assertPrediction(png.json(), "upload", 5);
    }

    @Test
    void aFormFieldWithItsOptions() {
        Http.Answer a = Http.send(Http.form(base, "image", "my face.jpg", "image/jpeg", JPEG, "top", "12", "detect", "false"));
        assertEquals(200, a.status(), a.body());
        assertPrediction(a.json(), "my face.jpg", 12);
    }

    @Test
    void aUrlIsFetched() {
        int before = hits.get();
        Http.Answer a = Http.send(Http.urlRequest(base, "{\"url\": \"" + urls.url("/face.jpg") + "\", \"top\": 2}"));
        assertEquals(200, a.status(), a.body());
        assertPrediction(a.json(), urls.url("/face.jpg"), 2);
        assertEquals(before + 1, hits.get());
    }

    @Test
    void theModelAndHealth() {
        Http.Answer m = Http.get(base, "/api/model");
        assertEquals(200, m.status(), m.body());
        JsonObject j = m.json();
        assertEquals("tiny", j.get("name").getAsString());
        assertEquals(32, j.get("input_size").getAsInt());
        assertEquals(12, j.getAsJsonArray("bins").size());
        assertEquals("(1-3)", j.getAsJsonArray("bins").get(0).getAsString());
        assertTrue(j.has("test"));
        assertEquals("off", j.get("detector").getAsString());
        assertEquals(256 * 1024, j.getAsJsonObject("limits").get("max_bytes").getAsLong());

        Http.Answer h = Http.get(base, "/api/health");
        assertEquals(200, h.status());
        assertEquals("ok", h.json().get("status").getAsString());
        assertEquals(2, h.json().get("workers").getAsInt());
    }

    @Test
    void thePageAndItsFilesComeFromTheJar() {
        Http.Answer page = Http.get(base, "/");
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Type").startsWith("text/html"));
        assertTrue(page.body().contains("<script src=\"app.js\"></script>"), page.body());
        assertFalse(page.body().contains("http://") || page.body().contains("https://cdn"), "nothing from elsewhere");
        assertTrue(page.header("Content-Security-Policy").contains("script-src 'self'"));
        Http.Answer js = Http.get(base, "/app.js");
        assertEquals(200, js.status());
        assertTrue(js.body().contains("api/predict"));
        assertEquals(200, Http.get(base, "/style.css").status());
    }

    // ---------------------------------------------------------------- errors

    @Test
    void notAnImage() {
        Http.Answer a = Http.postImage(base, "", "image/jpeg", "hello, not a photo".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, a.status(), a.body());
        assertTrue(a.error().contains("not a JPEG or PNG image (starts with 68 65 6c 6c"), a.body());
        assertEquals(400, a.json().get("status").getAsInt());
        assertFalse(a.error().contains("\n"));

        Http.Answer form = Http.send(Http.form(base, "image", "notes.txt", "text/plain", "some notes".getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, form.status(), form.body());
        assertTrue(form.error().startsWith("notes.txt: not a JPEG or PNG image"), form.body());

        byte[] cut = java.util.Arrays.copyOf(JPEG, JPEG.length / 2);
        Http.Answer truncated = Http.postImage(base, "", "image/jpeg", cut);
        assertEquals(400, truncated.status(), truncated.body());
    }

    @Test
    void wrongTypes() {
        Http.Answer text = Http.postImage(base, "", "text/plain", "hello".getBytes(StandardCharsets.UTF_8));
        assertEquals(415, text.status(), text.body());
        assertTrue(text.error().contains("cannot take text/plain"), text.body());
        assertEquals(415, Http.postImage(base, "", "image/gif", new byte[]{'G', 'I', 'F'}).status());
        assertEquals(415, Http.postImage(base, "", null, JPEG).status());
    }

    @Test
    void badOptions() {
        Http.Answer top = Http.postImage(base, "?top=13", "image/jpeg", JPEG);
        assertEquals(400, top.status());
        assertTrue(top.error().contains("top must be a number from 1 to 12"), top.body());
        assertEquals(400, Http.postImage(base, "?detect=maybe", "image/jpeg", JPEG).status());
        Http.Answer json = Http.send(Http.urlRequest(base, "[1, 2]"));
        assertEquals(400, json.status(), json.body());
        Http.Answer noUrl = Http.send(Http.urlRequest(base, "{\"uri\": \"x\"}"));
        assertEquals(400, noUrl.status());
        assertTrue(noUrl.error().contains("no \"url\""), noUrl.body());
    }

    @Test
    void tooLarge() {
        byte[] big = new byte[300 * 1024];
        System.arraycopy(JPEG, 0, big, 0, JPEG.length);
        Http.Answer announced = Http.postImage(base, "", "image/jpeg", big);
        assertEquals(413, announced.status(), announced.body());
        assertTrue(announced.error().contains("over the limit of 262144"), announced.body());

        // chunked: no length announced, counted as it arrives
        HttpRequest chunked = HttpRequest.newBuilder(base.resolve("/api/predict")).header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
        Http.Answer streamed = Http.send(chunked);
        assertEquals(413, streamed.status(), streamed.body());

        // a small file announcing a large picture: refused from its header, before decoding
        byte[] wide = TestImages.encode(TestImages.solid(1500, 1000, 0xFFFFFF), "png");
        assertTrue(wide.length < 256 * 1024);
        Http.Answer pixels = Http.postImage(base, "", "image/png", wide);
        assertEquals(413, pixels.status(), pixels.body());
        assertTrue(pixels.error().contains("1500x1000 pixels, over the limit of 1000000"), pixels.body());
    }

    @Test
    void badUrls() {
        assertUrl(422, "ftp://example.org/x.jpg", "only http and https");
        assertUrl(422, "not a url at all", "not a valid URL");
        assertUrl(422, "http:///x.jpg", "no host");
        assertUrl(422, "http://no-such-host.invalid/x.jpg", "unknown host no-such-host.invalid");
        assertUrl(422, urls.url("/missing.jpg"), "HTTP 404");
        assertUrl(422, urls.url("/page.html"), "text/html, not an image");
        assertUrl(502, urls.url("/broken.jpg"), "HTTP 500");
        assertUrl(502, "http://127.0.0.1:9/x.jpg", "cannot connect");
    }

    static void assertUrl(int status, String url, String says) {
        Http.Answer a = Http.postUrl(base, url);
        assertEquals(status, a.status(), url + ": " + a.body());
        assertTrue(a.error().contains(says), a.body());
        assertEquals(url, a.json().get("input").getAsString());
    }

    @Test
    void aUrlWhoseServerStallsIs502() {
        // the URL's server sends nothing more until this test ends: only the read time-out (1 s) can answer
        Http.Answer a = Http.postUrl(base, urls.url("/stall.jpg"));
        assertEquals(502, a.status(), a.body());
        assertEquals(urls.url("/stall.jpg") + ": the server stopped sending: nothing for 1000 ms after 10 bytes", a.error());
    }

    @Test
    void wrongMethodsPathsAndOrigins() throws IOException {
        assertEquals(405, Http.get(base, "/api/predict").status());
        Http.Answer none = Http.get(base, "/api/nothing");
        assertEquals(404, none.status());
        assertTrue(none.error().contains("POST /api/predict"), none.body());

        HttpRequest cross = HttpRequest.newBuilder(base.resolve("/api/predict")).header("Content-Type", "image/jpeg")
                .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.ofByteArray(JPEG)).build();
        Http.Answer a = Http.send(cross);
        assertEquals(403, a.status(), a.body());
        HttpRequest same = HttpRequest.newBuilder(base.resolve("/api/predict")).header("Content-Type", "image/jpeg")
                .header("Origin", "http://127.0.0.1:" + server.port()).POST(HttpRequest.BodyPublishers.ofByteArray(JPEG)).build();
        assertEquals(200, Http.send(same).status());

        // a name that is not this machine's (DNS rebinding): refused on a loopback server
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.getOutputStream().write(("GET /api/health HTTP/1.1\r\nHost: rebound.example:" + server.port()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
        }
    }

    // ---------------------------------------------------------------- limits on work

    /** True when a new connection to the server is refused (it has stopped listening). */
    static boolean refused(URI at) {
        try (Socket ignored = new Socket(at.getHost(), at.getPort())) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** A URL server whose /slow.jpg counts its requests and answers each only once {@code release} opens (20 s at most). */
    static LoopbackHttp slowImage(AtomicInteger started, CountDownLatch release) throws IOException {
        return new LoopbackHttp().route("/slow.jpg", ex -> {
            started.incrementAndGet();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LoopbackHttp.send(ex, 200, "image/jpeg", JPEG);
        });
    }

    /** Waits up to 10 s for {@code condition}. */
    static void await(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "waited 10 s for " + what);
            sleep(20);
        }
    }

    @Test
    void requestsPastTheQueueAre503WithRetryAfter() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        try (LoopbackHttp slow = slowImage(started, release);
             PredictServer one = PredictServer.start(ServeOptions.defaults().withPort(0).withDetect(false).withWorkers(1, 1),
                     model, settings(), line -> { })) {
            URI at = one.uri();
            HttpRequest wait = Http.urlRequest(at, "{\"url\": \"" + slow.url("/slow.jpg") + "\"}");
            CompletableFuture<HttpResponse<String>> first = Http.CLIENT.sendAsync(wait, HttpResponse.BodyHandlers.ofString());
            await(() -> started.get() == 1, "the worker to fetch");
            CompletableFuture<HttpResponse<String>> second = Http.CLIENT.sendAsync(wait, HttpResponse.BodyHandlers.ofString());
            await(() -> Http.get(at, "/api/health").json().get("queued").getAsInt() == 1, "the second request to wait");

            Http.Answer third = Http.postImage(at, "", "image/jpeg", JPEG);
            assertEquals(503, third.status(), third.body());
            assertTrue(third.error().startsWith("busy: 1 worker at work and 1 requests waiting"), third.body());
            int retry = Integer.parseInt(third.header("Retry-After"));
            assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
            assertEquals(1, Http.get(at, "/api/health").json().get("refused_busy").getAsInt());

            release.countDown();
            assertEquals(200, first.get(30, TimeUnit.SECONDS).statusCode());
            assertEquals(200, second.get(30, TimeUnit.SECONDS).statusCode());
            assertEquals(200, Http.postImage(at, "", "image/jpeg", JPEG).status(), "free again");
        }
    }

    @Test
    void concurrentRequestsWithinTheQueueAreAllAnswered() throws Exception {
        // 2 workers + 8 waiting: 10 at once all get their answer
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(Http.CLIENT.sendAsync(Http.post(base, "/api/predict", "image/jpeg", JPEG), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : all) assertEquals(200, f.get(60, TimeUnit.SECONDS).statusCode());
    }

    @Test
    void clientsNoMoreThanWorkersAndQueueAreNeverRefused() throws Exception {
        // each client sends its next request as soon as its answer came: a place must be free again by then
        try (PredictServer one = PredictServer.start(ServeOptions.defaults().withPort(0).withDetect(false).withWorkers(1, 2),
                model, settings(), line -> { })) {
            long end = System.nanoTime() + 2_000_000_000L;
            List<CompletableFuture<List<Integer>>> clients = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                clients.add(CompletableFuture.supplyAsync(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    while (System.nanoTime() < end) statuses.add(Http.postImage(one.uri(), "", "image/jpeg", JPEG).status());
                    return statuses;
                }));
            }
            int answered = 0;
            for (CompletableFuture<List<Integer>> c : clients) {
                for (int status : c.get(60, TimeUnit.SECONDS)) {
                    assertEquals(200, status);
                    answered++;
                }
            }
            assertTrue(answered >= 3, answered + " answered");
        }
    }

    @Test
    void aRequestOverTheTimeLimitIs503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ServeOptions o = ServeOptions.defaults().withPort(0).withDetect(false).withWorkers(1, 2).withTimeLimit(Duration.ofSeconds(1));
        try (LoopbackHttp slow = new LoopbackHttp().route("/slow.jpg", ex -> {
                 try {
                     release.await(20, TimeUnit.SECONDS);
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
                 LoopbackHttp.send(ex, 200, "image/jpeg", JPEG);
             });
             PredictServer one = PredictServer.start(o, model, settings(), line -> { })) {
            // the URL answers only once this test has its answer: only the time limit can give it
            Http.Answer a = Http.postUrl(one.uri(), slow.url("/slow.jpg"));
            release.countDown();
            assertEquals(503, a.status(), a.body());
            assertTrue(a.error().contains("not answered within 1 s"), a.body());
            assertNotNull(a.header("Retry-After"));
        }
    }

    // ---------------------------------------------------------------- server-side request forgery

    @Test
    void aServerForOtherMachinesRefusesUrlsToPrivateAddresses() throws Exception {
        try (PredictServer guarded = PredictServer.start(ServeOptions.defaults().withPort(0).withDetect(false)
                .withUrls(ServeOptions.UrlPolicy.PUBLIC_ONLY), model, settings(), line -> { })) {
            URI at = guarded.uri();
            int before = hits.get();
            String[][] refused = {
                    {urls.url("/face.jpg"), "127.0.0.1, a loopback address"},
                    {urls.url("/face.jpg").replace("127.0.0.1", "localhost"), "a loopback address"},
                    {"http://[::1]:9/x.jpg", "a loopback address"},
                    {"http://169.254.169.254/latest/meta-data/", "a link-local address"},
                    {"http://10.20.30.40/x.jpg", "a private address"},
                    {"http://192.168.1.1/x.jpg", "a private address"},
                    {"http://[fd00::1]/x.jpg", "unique local"},
                    {"http://0.0.0.0:9/x.jpg", "the unspecified address"}};
            for (String[] r : refused) {
                Http.Answer a = Http.postUrl(at, r[0]);
                assertEquals(422, a.status(), r[0] + ": " + a.body());
                assertTrue(a.error().contains(r[1]) && a.error().contains("refused"), a.body());
            }
            assertEquals(before, hits.get(), "nothing was fetched");
            assertTrue(Http.get(at, "/api/model").json().getAsJsonObject("limits").get("public_urls_only").getAsBoolean());
        }
        // the same URL from the loopback server (no policy): fetched
        assertEquals(200, Http.postUrl(base, urls.url("/face.jpg")).status());
    }

    @Test
    void uploadsAreNotRefusedByTheUrlPolicy() throws Exception {
        try (PredictServer guarded = PredictServer.start(ServeOptions.defaults().withPort(0).withDetect(false)
                .withUrls(ServeOptions.UrlPolicy.PUBLIC_ONLY), model, settings(), line -> { })) {
            assertEquals(200, Http.postImage(guarded.uri(), "", "image/jpeg", JPEG).status());
        }
    }

    @Test
    void aBusyPortIsSaid() throws Exception {
        IOException e = assertThrows(IOException.class, () -> PredictServer.start(ServeOptions.defaults().withPort(server.port())
                .withDetect(false).withWorkers(1, 0), model, settings(), line -> { }));
        assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + server.port()), e.getMessage());
    }

    @Test
    void closingAnswersTheRequestsUnderWay() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        try (LoopbackHttp slow = slowImage(started, release)) {
            PredictServer s = PredictServer.start(ServeOptions.defaults().withPort(0).withDetect(false), model, settings(), line -> { });
            CompletableFuture<HttpResponse<String>> under = Http.CLIENT.sendAsync(
                    Http.urlRequest(s.uri(), "{\"url\": \"" + slow.url("/slow.jpg") + "\"}"), HttpResponse.BodyHandlers.ofString());
            await(() -> started.get() == 1, "the worker to fetch");
            URI at = s.uri();   // the port reads -1 once the server has stopped listening
            CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
            await(() -> refused(at), "the server to stop taking connections");
            assertFalse(closing.isDone(), "close waits for the request under way");
            release.countDown();
            closing.get(20, TimeUnit.SECONDS);
            assertEquals(200, under.get(20, TimeUnit.SECONDS).statusCode(), "answered before the server stopped");
        }
    }
}
