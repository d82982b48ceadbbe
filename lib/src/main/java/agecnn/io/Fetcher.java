package agecnn.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The project's one HTTP client: everything that downloads (photos to predict on, pretrained
 * weights, the face detector's model, the data set) fetches through it. One file over http or
 * https, defensively: time-outs for connecting, for each read (a server that stops sending) and
 * one deadline for the whole fetch, from the call on: the name lookup, connecting, every
 * redirect, the headers and the body all count against it; a size limit checked against the
 * announced length and against what actually arrives; redirects followed by hand, at most a few and never to another scheme than
 * http/https; and a check of the media type the server names, before the body is read. Every
 * failure of the URL is a {@link DownloadException} saying which URL and why.
 *
 * <p>Configured per use: the {@link Limits}, the media types taken ({@link #forImages} or any),
 * extra request headers (sent to the URL's own host only, never after a redirect elsewhere).
 * Which hosts may be reached is an {@link AddressPolicy} (any, unless {@link #withAddressPolicy} says
 * otherwise), checked on the URL and on every redirect before connecting.
 * {@link #fetch} keeps the bytes in memory; {@link #fetchTo} streams them into a temporary file
 * beside the target, checking an expected SHA-256 on the way, and moves it into place only when
 * everything checked out, so a failed or refused download leaves nothing behind.
 */
public final class Fetcher {

    /** The limits of one download. */
    public record Limits(Duration connect, Duration read, Duration total, long maxBytes, int maxRedirects) {
        public Limits {
            if (maxBytes <= 0 || maxRedirects < 0) throw new IllegalArgumentException("maxBytes > 0 and maxRedirects >= 0 needed");
        }

        /** For photos: 10 s to connect, 15 s without data, 60 s in all, 20 MB, 5 redirects. */
        public static Limits forImages() {
            return new Limits(Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(60), 20L << 20, 5);
        }

        /** For pretrained weight files (the largest known, face-api's package, is 12.7 MB): 20 s to connect, 60 s without data, 20 min in all, 512 MB, 5 redirects. */
        public static Limits forWeights() {
            return new Limits(Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofMinutes(20), 512L << 20, 5);
        }

        /** For a data set archive (Kaggle's UTKFace zip is about 330 MB): 20 s to connect, 60 s without data, 2 h in all, 4 GB, 5 redirects. */
        public static Limits forDatasets() {
            return new Limits(Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofHours(2), 4L << 30, 5);
        }

        /** The same with another size limit. */
        public Limits withMaxBytes(long bytes) {
            return new Limits(connect, read, total, bytes, maxRedirects);
        }
    }

    /** What arrived: the bytes, the media type the server gave (may be empty) and the URL after redirects. */
    public record Fetched(URI url, String contentType, byte[] bytes) {}

    /** The Accept header of {@link #forImages}. */
    static final String IMAGE_TYPES = "image/jpeg, image/png;q=0.9, */*;q=0.1";

    private final Limits limits;
    private final String acceptHeader;
    private final Predicate<String> acceptType;
    private final String what;
    private final Map<String, String> headers;
    private final AddressPolicy addresses;

    private Fetcher(Limits limits, String acceptHeader, Predicate<String> acceptType, String what, Map<String, String> headers,
                    AddressPolicy addresses) {
        this.limits = limits;
        this.acceptHeader = acceptHeader;
        this.acceptType = acceptType;
        this.what = what;
        this.headers = Map.copyOf(headers);
        this.addresses = addresses;
    }

    /** A fetcher within {@code limits} taking any media type (files checked by their SHA-256, archives). */
    public static Fetcher of(Limits limits) {
        return new Fetcher(limits, "*/*", type -> true, "a file", Map.of(), AddressPolicy.ANY);
    }

    /** A fetcher for photos within {@code limits}: asks for JPEG or PNG, refuses what {@link #looksLikeImage} refuses. */
    public static Fetcher forImages(Limits limits) {
        return of(limits).accepting(IMAGE_TYPES, Fetcher::looksLikeImage, "an image");
    }

    /**
     * The same fetcher taking other media types.
     *
     * @param acceptHeader the request's Accept header
     * @param acceptType   decides on the server's media type (empty when it names none); a refused
     *                     type fails before the body is read
     * @param what         what is expected, with its article, for the message ("an image")
     */
    public Fetcher accepting(String acceptHeader, Predicate<String> acceptType, String what) {
        return new Fetcher(limits, acceptHeader, acceptType, what, headers, addresses);
    }

    /** The same fetcher sending one more request header, to the URL's own host only (not after a redirect to another). */
    public Fetcher withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new Fetcher(limits, acceptHeader, acceptType, what, more, addresses);
    }

    /**
     * The same fetcher connecting only to hosts that {@code policy} allows: the URL's and every
     * redirect's, checked before connecting ({@link AddressPolicy.Refused} when refused).
     */
    public Fetcher withAddressPolicy(AddressPolicy policy) {
        return new Fetcher(limits, acceptHeader, acceptType, what, headers, policy);
    }

    public Limits limits() {
        return limits;
    }

    /** Media types refused outright for an image: a web page or text is no photo, whatever it contains. */
    public static boolean looksLikeImage(String contentType) {
        String t = contentType.toLowerCase(Locale.ROOT);
        return !(t.startsWith("text/") || t.contains("html") || t.contains("json") || t.contains("xml") && !t.contains("svg"));
    }

    /** Fetches {@code url} into memory. */
    public Fetched fetch(String url) throws DownloadException {
        try {
            return get(url, (at, type, c, deadline) -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                copy(url, c, out, deadline);
                return new Fetched(at, type, out.toByteArray());
            });
        } catch (DownloadException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);   // a ByteArrayOutputStream does not throw
        }
    }

    /**
     * Fetches {@code url} into {@code target} (its folder is made when missing; an existing file
     * is replaced, but only by a complete, checked download): the bytes go to a temporary file
     * beside it, hashed on the way, which is then moved into place in one step.
     *
     * @param expectedSha256 the SHA-256 the bytes must have (hex), or null to take any; other
     *                       bytes are refused, naming both hashes, and nothing is kept
     * @return {@code target}
     * @throws DownloadException when the URL does not give the file
     * @throws IOException       when the file cannot be written (the message names it)
     */
    public Path fetchTo(String url, Path target, String expectedSha256) throws IOException {
        String expected = expectedSha256 == null ? null : expectedSha256.trim().toLowerCase(Locale.ROOT);
        if (expected != null && !expected.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("expected SHA-256 must be 64 hex digits, got '" + expectedSha256 + "'");
        }
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path part = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime()) + ".part");
        try {
            String actual = get(url, (at, type, c, deadline) -> {
                MessageDigest md = Sha256.digest();
                OutputStream file;
                try {
                    file = Files.newOutputStream(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (IOException e) {
                    throw new IOException("cannot write " + part + " (downloading " + url + "): " + e, e);
                }
                try (OutputStream out = new DigestOutputStream(file, md)) {
                    copy(url, c, out, deadline);
                } catch (DownloadException e) {
                    throw e;
                } catch (IOException e) {
                    throw new IOException("cannot write " + part + " (downloading " + url + "): " + e, e);
                }
                return Sha256.hex(md);
            });
            if (expected != null && !actual.equals(expected)) {
                throw new DownloadException(url, "served other bytes: their SHA-256 is " + actual + ", expected " + expected
                        + "; refused, nothing kept");
            }
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Reads the body of an answer that passed every check. */
    private interface Body<T> {
        T read(URI at, String contentType, HttpURLConnection c, long deadline) throws IOException;
    }

    private <T> T get(String url, Body<T> body) throws IOException {
        URI first = parse(url);
        URI current = first;
        long deadline = System.nanoTime() + limits.total().toNanos();
        for (int hop = 0; ; hop++) {
            resolveBefore(url, current, deadline, hop);
            addresses.check(url, current);   // after the lookup above, so it reads the JVM's cached answer
            long left = left(url, deadline, hop);
            HttpURLConnection c = open(url, current, sameOrigin(first, current), left);
            // A server can answer each read just before the read time-out: at the deadline the
            // connection is closed under whatever is reading from it.
            ScheduledFuture<?> guard = WATCHDOG.schedule(c::disconnect, left, TimeUnit.NANOSECONDS);
            try {
                int status = status(url, c);
                if (status >= 300 && status < 400 && status != 304) {
                    String location = c.getHeaderField("Location");
                    if (location == null) throw new DownloadException(url, "redirect (HTTP " + status + ") without a Location");
                    if (hop >= limits.maxRedirects()) {
                        throw new DownloadException(url, "more than " + limits.maxRedirects() + " redirects (last to " + location + ")");
                    }
                    current = redirect(url, current, location);
                    continue;
                }
                if (status != 200) {
                    throw new DownloadException(url, status, "the server answered HTTP " + status + (status == 404 ? " (no such file there)" : ""));
                }
                String type = c.getContentType() == null ? "" : c.getContentType().trim();
                if (!acceptType.test(type)) {
                    throw new DownloadException(url, "the server sent " + type + ", not " + what
                            + (type.toLowerCase(Locale.ROOT).contains("html")
                            ? " (a web page: give the " + what.substring(what.indexOf(' ') + 1) + "'s own address)" : ""));
                }
                long announced = c.getContentLengthLong();
                if (announced > limits.maxBytes()) {
                    throw new DownloadException(url, "the file is " + announced + " bytes, over the limit of " + limits.maxBytes());
                }
                return body.read(current, type, c, deadline);
            } catch (DownloadException e) {
                // a time-out, or the watchdog's disconnect, at the deadline: said as the deadline
                if (System.nanoTime() - deadline >= 0 && !e.getMessage().contains(IN_ALL)) throw overDeadline(url, hop);
                throw e;
            } finally {
                guard.cancel(false);
                c.disconnect();
            }
        }
    }

    /** Words of every deadline message. */
    private static final String IN_ALL = "s in all";

    /** Closes connections at their deadline. */
    private static final ScheduledThreadPoolExecutor WATCHDOG = new ScheduledThreadPoolExecutor(1, daemon("fetch-deadline"));
    /** Looks up host names, so that a slow lookup cannot outlast the deadline. */
    private static final ExecutorService RESOLVER = Executors.newCachedThreadPool(daemon("fetch-lookup"));

    static {
        WATCHDOG.setRemoveOnCancelPolicy(true);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Nanoseconds to the deadline; none left is the deadline's error. */
    private long left(String url, long deadline, int hops) throws DownloadException {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw overDeadline(url, hops);
        return left;
    }

    private DownloadException overDeadline(String url, int hops) {
        return new DownloadException(url, "took longer than " + seconds(limits.total()) + " " + IN_ALL
                + " (connecting, redirects and the answer together); stopped after " + hops + (hops == 1 ? " redirect" : " redirects"));
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? String.valueOf(d.toSeconds()) : String.valueOf(d.toMillis() / 1000.0);
    }

    /**
     * Looks up the host's name within the time left (the connection's own lookup has no time-out),
     * so that it is cached when the connection asks. A failed lookup is left to the connection to report.
     */
    private void resolveBefore(String url, URI u, long deadline, int hops) throws DownloadException {
        Future<?> lookup = RESOLVER.submit(() -> InetAddress.getAllByName(u.getHost()));
        try {
            lookup.get(left(url, deadline, hops), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw overDeadline(url, hops);
        } catch (ExecutionException e) {
            // unknown host and the like: the connection says it in its own words
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadException(url, "interrupted while looking up " + u.getHost());
        }
    }

    private static URI parse(String url) throws DownloadException {
        try {
            URI u = new URI(url.trim());
            checkScheme(url, u);
            if (u.getHost() == null) throw new DownloadException(url, "no host in the URL");
            return u;
        } catch (URISyntaxException e) {
            throw new DownloadException(url, "not a valid URL (" + e.getReason() + ")");
        }
    }

    private static void checkScheme(String url, URI u) throws DownloadException {
        String s = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!s.equals("http") && !s.equals("https")) {
            throw new DownloadException(url, "only http and https URLs are fetched, not '" + (s.isEmpty() ? u : s + ":") + "'");
        }
    }

    private static URI redirect(String url, URI from, String location) throws DownloadException {
        try {
            URI next = from.resolve(new URI(location.trim()));
            checkScheme(url, next);
            if (next.getHost() == null) throw new DownloadException(url, "redirect to '" + location + "', which names no host");
            return next;
        } catch (URISyntaxException e) {
            throw new DownloadException(url, "redirect to an invalid URL '" + location + "'");
        }
    }

    /** Same scheme, host and port: where the request's own headers (credentials) may go. */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** A connection whose time-outs end by the deadline, {@code left} nanoseconds away. */
    private HttpURLConnection open(String url, URI u, boolean withHeaders, long left) throws DownloadException {
        try {
            HttpURLConnection c = (HttpURLConnection) u.toURL().openConnection();
            c.setInstanceFollowRedirects(false);   // followed by hand: counted and scheme-checked
            long leftMillis = TimeUnit.NANOSECONDS.toMillis(left);
            c.setConnectTimeout((int) Math.max(1, Math.min(limits.connect().toMillis(), leftMillis)));
            c.setReadTimeout((int) Math.max(1, Math.min(limits.read().toMillis(), leftMillis)));
            c.setRequestProperty("User-Agent", "agecnn");
            c.setRequestProperty("Accept", acceptHeader);
            if (withHeaders) headers.forEach(c::setRequestProperty);
            return c;
        } catch (MalformedURLException e) {
            throw new DownloadException(url, "not a valid URL (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new DownloadException(url, "cannot open a connection (" + e.getMessage() + ")");
        }
    }

    private static int status(String url, HttpURLConnection c) throws DownloadException {
        try {
            return c.getResponseCode();
        } catch (SocketTimeoutException e) {
            throw new DownloadException(url, "no answer in time (" + e.getMessage() + ")");
        } catch (UnknownHostException e) {
            throw new DownloadException(url, "unknown host " + e.getMessage() + " (offline?)");
        } catch (IOException e) {
            throw new DownloadException(url, "cannot connect (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    /**
     * Copies the body into {@code out} within the size limit and the deadline. A failure to read
     * is the URL's ({@link DownloadException}); a failure to write is passed on as it is.
     */
    private void copy(String url, HttpURLConnection c, OutputStream out, long deadline) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long size = 0;
        InputStream in = null;
        try {
            while (true) {
                int n;
                try {
                    if (in == null) in = c.getInputStream();
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    throw new DownloadException(url, "the server stopped sending: nothing for " + limits.read().toMillis()
                            + " ms after " + size + " bytes");
                } catch (IOException e) {
                    throw new DownloadException(url, "the transfer broke off after " + size + " bytes (" + e.getMessage() + ")");
                }
                if (n < 0) return;
                out.write(buf, 0, n);
                size += n;
                if (size > limits.maxBytes()) {
                    throw new DownloadException(url, "more than " + limits.maxBytes() + " bytes arrived, over the limit; stopped");
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new DownloadException(url, "took longer than " + seconds(limits.total()) + " " + IN_ALL + "; stopped after "
                            + size + " bytes");
                }
            }
        } finally {
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    // the body was read, or its failure is already being reported
                }
            }
        }
    }
}
