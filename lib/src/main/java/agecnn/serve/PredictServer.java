package agecnn.serve;

import agecnn.config.Settings;
import agecnn.data.BadImageException;
import agecnn.eval.Metrics;
import agecnn.io.AddressPolicy;
import agecnn.io.DownloadException;
import agecnn.io.Fetcher;
import agecnn.nets.ModelInfo;
import agecnn.predict.ImageInput;
import agecnn.predict.ImagePrediction;
import agecnn.predict.NoFaceFoundException;
import agecnn.predict.Predictor;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.http.MultiPartConfig;
import org.eclipse.jetty.http.MultiPartFormData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Attributes;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The predictor over HTTP ({@code ./agecnn serve}): a JSON API and a web page, on Jetty's core
 * server (no servlets). The routes:
 * <ul>
 *   <li>{@code POST /api/predict}: an image as the body ({@code image/jpeg}, {@code image/png}),
 *   or as the {@code image} field of a {@code multipart/form-data} form, or {@code {"url": "..."}};
 *   options {@code top} (1 to 12) and {@code detect} (true/false) in the query, the form or the
 *   JSON. Answers the JSON line of {@code ./agecnn predict}.</li>
 *   <li>{@code GET /api/model}: the model's name, bins, input size and test scores;
 *   {@code GET /api/health}: the workers' state.</li>
 *   <li>{@code GET /}: the page (with {@code /app.js} and {@code /style.css}), from the jar.</li>
 * </ul>
 * Errors are {@code {"status": ..., "error": "one line", "input": ...}} with a status that fits
 * (400, 403, 404, 405, 413, 415, 422, 502, 503 with Retry-After). The limits are the
 * {@link ServeOptions}: body size, pixels, a few workers and a short queue, a time limit per
 * request, and for URLs the guarded {@link Fetcher} with, when the server is reachable from other
 * machines, only public addresses ({@link AddressPolicy#publicOnly()}).
 */
public final class PredictServer implements AutoCloseable {

    /** Loads one predictor; called once per worker. */
    @FunctionalInterface
    public interface PredictorFactory {
        Predictor load() throws IOException;
    }

    static final String JSON = "application/json; charset=utf-8";
    private static final String ACCEPT_IMAGES = "image/jpeg, image/png;q=0.9, */*;q=0.1";
    private static final int MAX_JSON_BYTES = 64 * 1024;
    /** Bodies up to this many times the limit are read to their end before the 413 (see {@link #body}). */
    private static final long DRAIN_FACTOR = 4;
    /** A request attribute set once its body has been read to its end. */
    private static final String BODY_READ = "agecnn.serve.bodyRead";
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private static final String PAGE_POLICY = "default-src 'self'; img-src 'self' blob: data: http: https:; media-src 'self' blob:; "
            + "style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private final ServeOptions options;
    private final Workers workers;
    private final ModelInfo info;
    private final String detector;
    private final Consumer<String> log;
    private final Server jetty;
    private final ServerConnector connector;
    private final Map<String, Page> pages;
    private final long startedNanos = System.nanoTime();
    /** Decided once, not per request (the host may be a name to resolve). */
    private final boolean loopbackOnly;
    private final boolean publicUrlsOnly;
    private volatile boolean closed;

    private record Page(String type, byte[] bytes) {}

    /** What a predict request asked for: an image's bytes or a URL, and the options. */
    private record Ask(String input, byte[] bytes, String url, int top, boolean detect) {}

    private PredictServer(ServeOptions options, List<Predictor> predictors, Consumer<String> log) {
        this.options = options;
        this.loopbackOnly = options.loopbackOnly();
        this.publicUrlsOnly = options.publicUrlsOnly();
        this.workers = new Workers(predictors, options.queue());
        this.info = predictors.get(0).info();
        this.detector = predictors.get(0).detector();
        this.log = log;
        this.pages = Map.of(
                "/", page("index.html", "text/html; charset=utf-8"),
                "/app.js", page("app.js", "text/javascript; charset=utf-8"),
                "/style.css", page("style.css", "text/css; charset=utf-8"));

        // Jetty's own threads read requests and write answers; the workers predict. Bounded both:
        // the threads, and the connections (each idle one closed after 15 s), so the tasks too.
        int threads = Math.max(16, 2 * (options.workers() + options.queue()) + 8);
        QueuedThreadPool pool = new QueuedThreadPool(threads, 4, 60_000);
        pool.setName("serve-http");
        pool.setDaemon(true);
        jetty = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(options.host());
        connector.setPort(options.port());
        connector.setIdleTimeout(15_000);
        jetty.addConnector(connector);
        jetty.addBean(new NetworkConnectionLimit(Math.max(32, 4 * (options.workers() + options.queue())), jetty));
        // On stop: no new requests, those under way answered (up to the time limit, at most 10 s).
        jetty.setHandler(new GracefulHandler(new Routes()));
        jetty.setStopTimeout(Math.min(10_000, options.timeLimit().toMillis()));
        jetty.setStopAtShutdown(false);
    }

    /**
     * Loads the model in {@code model} once per worker (with the standard face detector when
     * {@code options.detect()}, its file found through {@code settings}), then listens.
     */
    public static PredictServer start(ServeOptions options, Path model, Settings settings, Consumer<String> log)
            throws IOException {
        return start(options, () -> Predictor.load(model, settings, options.detect()), log);
    }

    /**
     * Calls {@code factory} once per worker, then listens.
     *
     * @param log gets one line per request answered (method, path, status, milliseconds)
     * @throws IOException when a predictor cannot be loaded or the address cannot be listened on
     */
    public static PredictServer start(ServeOptions options, PredictorFactory factory, Consumer<String> log) throws IOException {
        List<Predictor> predictors = new ArrayList<>();
        try {
            for (int i = 0; i < options.workers(); i++) predictors.add(factory.load());
        } catch (IOException | RuntimeException e) {
            predictors.forEach(Predictor::close);
            throw e;
        }
        PredictServer s = new PredictServer(options, predictors, log);
        try {
            s.jetty.start();
        } catch (Exception e) {
            s.close();
            throw new IOException("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + (e.getMessage() == null ? e.toString() : e.getMessage())
                    + (String.valueOf(e.getMessage()).contains("in use") ? " (another server there? choose another --port)" : ""), e);
        }
        return s;
    }

    /** The address it listens on, e.g. {@code http://127.0.0.1:8080/} (an IPv6 host in brackets). */
    public URI uri() {
        String h = options.host();
        if (h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) h = "localhost";
        if (h.contains(":") && !h.startsWith("[")) h = "[" + h + "]";
        return URI.create("http://" + h + ":" + port() + "/");
    }

    public int port() {
        return connector.getLocalPort();
    }

    public ServeOptions options() {
        return options;
    }

    public ModelInfo model() {
        return info;
    }

    /** Waits until the server has stopped. */
    public void join() throws InterruptedException {
        jetty.join();
    }

    /** Stops listening, answers the requests under way (for up to 10 s), then frees the models. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            jetty.stop();
        } catch (Exception e) {
            log.accept("stopping the HTTP server: " + e);
        } finally {
            workers.shutdown(2);
        }
    }

    // ---------------------------------------------------------------- routes

    private final class Routes extends Handler.Abstract {
        @Override
        public boolean handle(Request req, Response res, Callback cb) {
            long t0 = System.nanoTime();
            String path = req.getHttpURI().getPath();
            String method = req.getMethod();
            try {
                checkHost(req);
                switch (path == null ? "" : path) {
                    case "/", "/index.html", "/app.js", "/style.css" -> {
                        allow(method, "GET", "HEAD");
                        Page p = pages.get(path.equals("/index.html") ? "/" : path);
                        res.getHeaders().put(HttpHeader.CONTENT_TYPE, p.type());
                        res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
                        res.getHeaders().put("X-Content-Type-Options", "nosniff");
                        res.getHeaders().put("Referrer-Policy", "no-referrer");
                        if (p.type().startsWith("text/html")) res.getHeaders().put("Content-Security-Policy", PAGE_POLICY);
                        res.setStatus(200);
                        res.write(true, method.equals("HEAD") ? ByteBuffer.allocate(0) : ByteBuffer.wrap(p.bytes()), cb);
                    }
                    case "/favicon.ico" -> {
                        res.setStatus(204);
                        res.write(true, ByteBuffer.allocate(0), cb);
                    }
                    case "/api/health" -> {
                        allow(method, "GET");
                        json(res, cb, 200, GSON.toJson(health()));
                    }
                    case "/api/model" -> {
                        allow(method, "GET");
                        json(res, cb, 200, GSON.toJson(modelJson()));
                    }
                    case "/api/predict" -> {
                        allow(method, "POST");
                        checkOrigin(req);
                        Ask ask = read(req);
                        submit(ask).whenComplete((out, err) -> {
                            if (err == null) {
                                json(res, cb, 200, out);
                                logLine(method, path, 200, t0, ask.input());
                            } else {
                                ApiError e = failure(err, ask);
                                error(res, cb, e);
                                logLine(method, path, e.status(), t0, e.getMessage());
                            }
                        });
                        return true;
                    }
                    default -> throw new ApiError(404, "no such page: " + path + " (the API is POST /api/predict, GET /api/model, "
                            + "GET /api/health; the page is /)");
                }
                logLine(method, path, res.getStatus(), t0, null);
            } catch (ApiError e) {
                // a body left unread (refused before it was read): the connection closes after the answer,
                // so that a client does not send its next request after the rest of this one
                if (req.getAttribute(BODY_READ) == null && req.getLength() != 0 && !method.equals("GET") && !method.equals("HEAD")) {
                    res.getHeaders().put(HttpHeader.CONNECTION, "close");
                }
                error(res, cb, e);
                logLine(method, path, e.status(), t0, e.getMessage());
            } catch (RuntimeException e) {
                ApiError a = new ApiError(500, "internal error: " + e);
                error(res, cb, a);
                logLine(method, path, 500, t0, e.toString());
            }
            return true;
        }
    }

    private static void allow(String method, String... allowed) throws ApiError {
        for (String a : allowed) if (a.equals(method)) return;
        throw new ApiError(405, method + " is not served here; use " + String.join(" or ", allowed));
    }

    /**
     * A server on loopback answers only to names of this machine: a web page elsewhere cannot
     * reach it through a name of its own that resolves to 127.0.0.1 (DNS rebinding).
     */
    private void checkHost(Request req) throws ApiError {
        if (!loopbackOnly) return;
        String host = Request.getServerName(req);
        if (host == null) return;
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) h = h.substring(1, h.length() - 1);
        if (h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equalsIgnoreCase(options.host())) return;
        throw new ApiError(403, "this server answers to localhost and 127.0.0.1 only, not to '" + host + "'");
    }

    /** A form or script of another web site may not post to the API from a visitor's browser. */
    private static void checkOrigin(Request req) throws ApiError {
        String origin = req.getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) return;
        String host = req.getHeaders().get(HttpHeader.HOST);
        try {
            URI o = new URI(origin);
            if (host != null && o.getRawAuthority() != null && o.getRawAuthority().equalsIgnoreCase(host)) return;
        } catch (URISyntaxException e) {
            // refused below
        }
        throw new ApiError(403, "a request from the page of another site (Origin " + origin + ") is refused");
    }

    // ---------------------------------------------------------------- reading a request

    /** The request's image or URL and options, checked: 400, 413, 415, 422. */
    private Ask read(Request req) throws ApiError {
        Fields query = Request.extractQueryParameters(req);
        int top = top(query.getValue("top"), 3);
        boolean detect = detect(query.getValue("detect"), true);
        String type = req.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        switch (mime) {
            case "image/jpeg", "image/jpg", "image/png", "application/octet-stream" -> {
                byte[] body = body(req, options.maxBytes());
                ImageCheck.check(body, "upload", options.maxPixels());
                return new Ask("upload", body, null, top, detect);
            }
            case "multipart/form-data" -> {
                return form(req, type, top, detect);
            }
            case "application/json" -> {
                byte[] body = body(req, MAX_JSON_BYTES);
                JsonObject o;
                try {
                    JsonElement e = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
                    if (!e.isJsonObject()) throw new JsonParseException("not an object");
                    o = e.getAsJsonObject();
                } catch (JsonParseException | IllegalStateException e) {
                    throw new ApiError(400, "the JSON body is not an object like {\"url\": \"https://...\"} (" + e.getMessage() + ")");
                }
                String url = string(o, "url");
                if (url == null || url.isBlank()) throw new ApiError(400, "the JSON body has no \"url\"");
                String t = string(o, "top");
                String d = string(o, "detect");
                checkUrl(url);
                return new Ask(url, null, url, t == null ? top : top(t, top), d == null ? detect : detect(d, detect));
            }
            case "" -> throw new ApiError(415, "no Content-Type: send an image as image/jpeg or image/png, a form as "
                    + "multipart/form-data, or {\"url\": ...} as application/json");
            default -> throw new ApiError(415, "cannot take " + mime + ": send an image as image/jpeg or image/png, a form as "
                    + "multipart/form-data, or {\"url\": ...} as application/json");
        }
    }

    /** A form: the file in field "image" (else the first file), or a field "url"; fields "top" and "detect". */
    private Ask form(Request req, String type, int top, boolean detect) throws ApiError {
        byte[] body = body(req, options.maxBytes() + 64 * 1024);
        MultiPartConfig config = new MultiPartConfig.Builder().maxParts(16).maxSize(body.length).maxPartSize(body.length)
                .maxMemoryPartSize(body.length).maxHeadersSize(8 * 1024).build();
        try (MultiPartFormData.Parts parts = MultiPartFormData.getParts(Content.Source.from(ByteBuffer.wrap(body)),
                new Attributes.Mapped(), type, config)) {
            MultiPart.Part image = parts.getFirst("image");
            if (image == null) {
                for (MultiPart.Part p : parts) {
                    if (p.getFileName() != null) {
                        image = p;
                        break;
                    }
                }
            }
            MultiPart.Part t = parts.getFirst("top"), d = parts.getFirst("detect"), u = parts.getFirst("url");
            if (t != null) top = top(t.getContentAsString(StandardCharsets.UTF_8), top);
            if (d != null) detect = detect(d.getContentAsString(StandardCharsets.UTF_8), detect);
            if (image != null) {
                String name = fileName(image.getFileName());
                byte[] bytes = bytes(image);
                if (bytes.length > options.maxBytes()) {
                    throw new ApiError(413, name + ": " + bytes.length + " bytes, over the limit of " + options.maxBytes(), name, 0);
                }
                ImageCheck.check(bytes, name, options.maxPixels());
                return new Ask(name, bytes, null, top, detect);
            }
            if (u != null) {
                String url = u.getContentAsString(StandardCharsets.UTF_8).trim();
                checkUrl(url);
                return new Ask(url, null, url, top, detect);
            }
            throw new ApiError(400, "the form has no file (field \"image\") and no field \"url\"");
        } catch (ApiError e) {
            throw e;
        } catch (RuntimeException | IOException e) {
            throw new ApiError(400, "the multipart form cannot be read: " + e.getMessage());
        }
    }

    private static byte[] bytes(MultiPart.Part p) throws IOException {
        ByteBuffer b = Content.Source.asByteBuffer(p.getContentSource());
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** A file name as the browser sent it, without folders or control characters, at most 100 characters. */
    private static String fileName(String sent) {
        if (sent == null || sent.isBlank()) return "upload";
        String n = sent.substring(Math.max(sent.lastIndexOf('/'), sent.lastIndexOf('\\')) + 1).replaceAll("\\p{Cntrl}", "");
        if (n.isBlank()) return "upload";
        return n.length() > 100 ? n.substring(0, 100) : n;
    }

    /**
     * The body, at most {@code max} bytes: larger is 413, announced or not. The rest of a body
     * up to {@link #DRAIN_FACTOR} times the limit is read and dropped first, so that a browser,
     * which sends the whole body before it reads an answer, gets the 413 and not a broken
     * connection; a larger one is answered at once and its connection closed.
     */
    private static byte[] body(Request req, long max) throws ApiError {
        long announced = req.getLength();
        long drainable = DRAIN_FACTOR * max;
        try (InputStream in = Request.asInputStream(req)) {
            if (announced > max) {
                if (announced <= drainable) in.skipNBytes(announced);
                throw new ApiError(413, "the body is " + announced + " bytes, over the limit of " + max);
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (bytes.length <= max) req.setAttribute(BODY_READ, Boolean.TRUE);
            if (bytes.length > max) {
                long dropped = bytes.length;
                while (dropped <= drainable) {
                    long n = in.skip(64 * 1024);
                    if (n <= 0 && in.read() < 0) break;
                    dropped += Math.max(n, 1);
                }
                throw new ApiError(413, "the body is over the limit of " + max + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new ApiError(400, "the body could not be read (" + e.getMessage() + ")");
        }
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    private static int top(String v, int dflt) throws ApiError {
        if (v == null || v.isBlank()) return dflt;
        try {
            int k = Integer.parseInt(v.trim());
            if (k >= 1 && k <= 12) return k;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new ApiError(400, "top must be a number from 1 to 12, got '" + v + "'");
    }

    private static boolean detect(String v, boolean dflt) throws ApiError {
        if (v == null || v.isBlank()) return dflt;
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> { return true; }
            case "false", "0", "no", "off" -> { return false; }
            default -> throw new ApiError(400, "detect must be true or false, got '" + v + "'");
        }
    }

    /** 422 for a URL that cannot be fetched as it is written. */
    private static void checkUrl(String url) throws ApiError {
        URI u;
        try {
            u = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new ApiError(422, url + ": not a valid URL (" + e.getReason() + ")", url, 0);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new ApiError(422, url + ": only http and https URLs are fetched", url, 0);
        }
        if (u.getHost() == null) throw new ApiError(422, url + ": no host in the URL", url, 0);
    }

    // ---------------------------------------------------------------- predicting

    /** Queues the work (503 when full); the future fails with a TimeoutException past the time limit. */
    private CompletableFuture<String> submit(Ask ask) throws ApiError {
        return workers.submit(p -> predict(p, ask)).orTimeout(options.timeLimit().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** On a worker: fetch (for a URL), decode, find the faces, predict; the JSON line. */
    private String predict(Predictor p, Ask ask) throws Exception {
        Predictor use = ask.detect() || !options.detect() ? p : p.withoutFaceDetection();
        byte[] bytes = ask.bytes();
        if (ask.url() != null) {
            bytes = fetch(ask.url());
            ImageCheck.check(bytes, ask.url(), options.maxPixels());
        }
        ImagePrediction r = use.predict(new ImageInput(ask.input(), bytes, null));
        return r.toJson(ask.top());
    }

    /** The URL's image through the project's one guarded downloader: 422 for the URL's fault, 502 for its server's. */
    private byte[] fetch(String url) throws ApiError {
        String host = URI.create(url.trim()).getHost();
        try {
            InetAddress.getAllByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            throw new ApiError(422, url + ": unknown host " + host, url, 0);
        }
        AtomicReference<String> notImage = new AtomicReference<>();
        Fetcher f = Fetcher.of(options.urlLimits()).accepting(ACCEPT_IMAGES, type -> {
            if (Fetcher.looksLikeImage(type)) return true;
            notImage.set(type);
            return false;
        }, "an image");
        if (publicUrlsOnly) f = f.withAddressPolicy(AddressPolicy.publicOnly());
        try {
            return f.fetch(url).bytes();
        } catch (AddressPolicy.Refused e) {
            throw new ApiError(422, e.getMessage() + (options.urls() == ServeOptions.UrlPolicy.PUBLIC_ONLY ? ""
                    : " (this server can be reached from other machines; --allow-private-urls allows them on a lab network)"), url, 0);
        } catch (DownloadException e) {
            int s = e.httpStatus();
            boolean urlsFault = notImage.get() != null || s >= 400 && s < 500;
            throw new ApiError(urlsFault ? 422 : 502, e.getMessage(), url, 0);
        }
    }

    /** The error to answer for a failed prediction. */
    private ApiError failure(Throwable err, Ask ask) {
        Throwable e = err;
        while ((e instanceof CompletionException || e instanceof ExecutionException || e instanceof UncheckedIOException)
                && e.getCause() != null) e = e.getCause();
        String in = ask.input();
        if (e instanceof ApiError a) return a.input() == null ? a.about(in) : a;
        if (e instanceof TimeoutException) {
            return new ApiError(503, "not answered within " + options.timeLimit().toSeconds() + " s (the server is busy"
                    + (ask.url() != null ? ", or the URL slow" : "") + "); try again", in, workers.retryAfterSeconds());
        }
        if (e instanceof NoFaceFoundException) {
            return new ApiError(400, in + ": no face found (detector: " + detector + "); if the image is already a face crop, "
                    + "ask with detect=false", in, 0);
        }
        if (e instanceof BadImageException b) {
            return new ApiError(b.reason().contains("too large") ? 413 : 400, e.getMessage(), in, 0);
        }
        if (e instanceof IllegalArgumentException) return new ApiError(400, in + ": " + e.getMessage(), in, 0);
        if (e instanceof OutOfMemoryError) {
            return new ApiError(503, "out of memory for this image; try a smaller one, or later", in, workers.retryAfterSeconds());
        }
        return new ApiError(500, "internal error: " + e, in, 0);
    }

    // ---------------------------------------------------------------- answering

    private Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("model", info.name());
        m.put("detector", detector);
        m.put("workers", workers.size());
        m.put("busy", workers.busy());
        m.put("queued", workers.waiting());
        m.put("queue_limit", workers.queueLimit());
        m.put("answered", workers.done());
        m.put("refused_busy", workers.refused());
        m.put("uptime_s", (System.nanoTime() - startedNanos) / 1_000_000_000L);
        return m;
    }

    private Map<String, Object> modelJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", info.name());
        m.put("backbone", info.backbone());
        m.put("input_size", info.imageSize());
        m.put("channel_order", info.channelOrder());
        m.put("bins", info.bins());
        m.put("bin_ages", info.binAges() == null ? null : Arrays.stream(info.binAges()).map(a -> Metrics.round(a, 2)).toArray());
        Map<String, Object> test = new LinkedHashMap<>();
        if (info.metrics() != null) {
            info.metrics().forEach((k, v) -> {
                if (k.startsWith("test_")) test.put(k.substring(5), tidy(v));
            });
        }
        m.put("test", test);
        m.put("detector", detector);
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("max_bytes", options.maxBytes());
        limits.put("max_pixels", options.maxPixels());
        limits.put("time_limit_s", options.timeLimit().toSeconds());
        limits.put("workers", options.workers());
        limits.put("queue", options.queue());
        limits.put("public_urls_only", publicUrlsOnly);
        m.put("limits", limits);
        return m;
    }

    /** A score as it reads best: whole numbers without ".0", others to 4 decimals (lists too). */
    private static Object tidy(Object v) {
        if (v instanceof Double d && !d.isNaN() && !d.isInfinite()) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) d.longValue() : (Object) Metrics.round(d, 4);
        }
        if (v instanceof List<?> l) return l.stream().map(PredictServer::tidy).toList();
        return v;
    }

    private static void json(Response res, Callback cb, int status, String body) {
        res.setStatus(status);
        res.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        res.getHeaders().put("X-Content-Type-Options", "nosniff");
        res.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), cb);
    }

    private static void error(Response res, Callback cb, ApiError e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", e.status());
        m.put("error", e.getMessage());
        if (e.input() != null) m.put("input", e.input());
        if (e.retryAfterSeconds() > 0) res.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(e.retryAfterSeconds()));
        json(res, cb, e.status(), GSON.toJson(m));
    }

    private void logLine(String method, String path, int status, long t0, String note) {
        log.accept(String.format(Locale.ROOT, "%s %s %d %.0f ms%s", method, path, status, (System.nanoTime() - t0) / 1e6,
                note == null ? "" : "  " + note));
    }

    private static Page page(String name, String type) {
        String res = "/agecnn/serve/page/" + name;
        try (InputStream in = PredictServer.class.getResourceAsStream(res)) {
            if (in == null) throw new IllegalStateException("the page's file " + res + " is missing from the jar");
            return new Page(type, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
