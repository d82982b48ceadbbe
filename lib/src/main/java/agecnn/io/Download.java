package agecnn.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLConnection;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Fetches one file over http or https, defensively: time-outs for connecting, for each read
 * (a server that stops sending) and for the whole transfer; a size limit checked against the
 * announced length and against what actually arrives; redirects followed by hand, at most a
 * few and never to another scheme than http/https; and a content check on the media type the
 * server names. Every failure is a {@link DownloadException} saying which URL and why.
 */
public final class Download {

    /** The limits of one download. */
    public record Limits(Duration connect, Duration read, Duration total, long maxBytes, int maxRedirects) {
        public Limits {
            if (maxBytes <= 0 || maxRedirects < 0) throw new IllegalArgumentException("maxBytes > 0 and maxRedirects >= 0 needed");
        }

        /** For photos: 10 s to connect, 15 s without data, 60 s in all, 20 MB, 5 redirects. */
        public static Limits forImages() {
            return new Limits(Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(60), 20L << 20, 5);
        }

        /** The same with another size limit. */
        public Limits withMaxBytes(long bytes) {
            return new Limits(connect, read, total, bytes, maxRedirects);
        }
    }

    /** What arrived: the bytes, the media type the server gave (may be empty) and the URL after redirects. */
    public record Fetched(URI url, String contentType, byte[] bytes) {}

    private Download() {}

    /** Media types refused outright for an image: a web page or text is no photo, whatever it contains. */
    public static boolean looksLikeImage(String contentType) {
        String t = contentType.toLowerCase(Locale.ROOT);
        return !(t.startsWith("text/") || t.contains("html") || t.contains("json") || t.contains("xml") && !t.contains("svg"));
    }

    /**
     * Fetches {@code url}.
     *
     * @param acceptType decides on the server's media type (empty when it names none); a refused
     *                   type fails before the body is read
     */
    public static Fetched fetch(String url, Limits limits, Predicate<String> acceptType) throws DownloadException {
        URI current = parse(url);
        long deadline = System.nanoTime() + limits.total().toNanos();
        for (int hop = 0; ; hop++) {
            HttpURLConnection c = open(url, current, limits);
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
                    throw new DownloadException(url, "the server answered HTTP " + status + (status == 404 ? " (no such file there)" : ""));
                }
                String type = c.getContentType() == null ? "" : c.getContentType().trim();
                if (!acceptType.test(type)) {
                    throw new DownloadException(url, "the server sent " + type + ", not an image"
                            + (type.toLowerCase(Locale.ROOT).contains("html") ? " (a web page: give the image's own address)" : ""));
                }
                long announced = c.getContentLengthLong();
                if (announced > limits.maxBytes()) {
                    throw new DownloadException(url, "the file is " + announced + " bytes, over the limit of " + limits.maxBytes());
                }
                return new Fetched(current, type, body(url, c, limits, deadline));
            } finally {
                c.disconnect();
            }
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
            return next;
        } catch (URISyntaxException e) {
            throw new DownloadException(url, "redirect to an invalid URL '" + location + "'");
        }
    }

    private static HttpURLConnection open(String url, URI u, Limits limits) throws DownloadException {
        try {
            URLConnection conn = u.toURL().openConnection();
            HttpURLConnection c = (HttpURLConnection) conn;
            c.setInstanceFollowRedirects(false);   // followed by hand: counted and scheme-checked
            c.setConnectTimeout((int) Math.max(1, limits.connect().toMillis()));
            c.setReadTimeout((int) Math.max(1, limits.read().toMillis()));
            c.setRequestProperty("User-Agent", "agecnn-predictor");
            c.setRequestProperty("Accept", "image/jpeg, image/png;q=0.9, */*;q=0.1");
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

    private static byte[] body(String url, HttpURLConnection c, Limits limits, long deadline) throws DownloadException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = c.getInputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                if (out.size() > limits.maxBytes()) {
                    throw new DownloadException(url, "more than " + limits.maxBytes() + " bytes arrived, over the limit; stopped");
                }
                if (System.nanoTime() > deadline) {
                    throw new DownloadException(url, "took longer than " + limits.total().toSeconds() + " s in all; stopped after "
                            + out.size() + " bytes");
                }
            }
        } catch (SocketTimeoutException e) {
            throw new DownloadException(url, "the server stopped sending: nothing for " + limits.read().toMillis()
                    + " ms after " + out.size() + " bytes");
        } catch (DownloadException e) {
            throw e;
        } catch (IOException e) {
            throw new DownloadException(url, "the transfer broke off after " + out.size() + " bytes (" + e.getMessage() + ")");
        }
        return out.toByteArray();
    }
}
