package agecnn.serve;

import agecnn.io.Fetcher;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * How a {@link PredictServer} runs: where it listens, how much work it takes on, and what it
 * fetches. {@link #defaults()} are safe for a class room: loopback only, two workers and a short
 * queue, 10 MB bodies, 40 megapixels, 30 s per request.
 *
 * @param host        the address to listen on (a name or an IP; "0.0.0.0" for every interface)
 * @param port        the port, 0 for any free one
 * @param detect      whether faces are looked for (false: every image is taken as a face crop)
 * @param workers     predictions running at once, each with its own copy of the model
 * @param queue       requests waiting for a worker; one more is answered 503 with Retry-After
 * @param maxBytes    the largest request body (an image, a form, a JSON request): larger is 413
 * @param maxPixels   the largest image, width times height, read from its header before decoding: larger is 413
 * @param timeLimit   from a request's arrival to its answer; one not answered by then is 503
 * @param urlLimits   the downloads of {@code {"url": ...}} requests (time-outs, size, redirects)
 * @param urls        which hosts URLs may point to
 */
public record ServeOptions(String host, int port, boolean detect, int workers, int queue, long maxBytes, long maxPixels,
                           Duration timeLimit, Fetcher.Limits urlLimits, UrlPolicy urls) {

    /** Which addresses a URL sent to the server may resolve to. */
    public enum UrlPolicy {
        /** Public addresses only when listening beyond loopback, any address on loopback (the default). */
        AUTO,
        /** Public addresses only: no loopback, private, link-local or metadata addresses. */
        PUBLIC_ONLY,
        /** Any address (--allow-private-urls, for a lab network). */
        ANY
    }

    public static final String LOOPBACK = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    public ServeOptions {
        if (host == null || host.isBlank()) throw new IllegalArgumentException("no host to listen on");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
        if (workers < 1 || workers > 64) throw new IllegalArgumentException("workers must be 1 to 64, got " + workers);
        if (queue < 0 || queue > 1000) throw new IllegalArgumentException("queue must be 0 to 1000, got " + queue);
        if (maxBytes < 1024) throw new IllegalArgumentException("the body limit must be at least 1024 bytes, got " + maxBytes);
        if (maxPixels < 1) throw new IllegalArgumentException("the pixel limit must be positive, got " + maxPixels);
        if (timeLimit.isNegative() || timeLimit.isZero()) throw new IllegalArgumentException("the time limit must be positive");
    }

    /**
     * 127.0.0.1:8080, faces detected, 2 workers, 8 waiting, 10 MB, 40 megapixels, 30 s; URLs:
     * 5 s to connect, 10 s without data, 20 s in all, 10 MB, 5 redirects.
     */
    public static ServeOptions defaults() {
        long maxBytes = 10L << 20;
        return new ServeOptions(LOOPBACK, DEFAULT_PORT, true, 2, 8, maxBytes, 40_000_000L, Duration.ofSeconds(30),
                new Fetcher.Limits(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20), maxBytes, 5),
                UrlPolicy.AUTO);
    }

    public ServeOptions withHost(String h) {
        return new ServeOptions(h, port, detect, workers, queue, maxBytes, maxPixels, timeLimit, urlLimits, urls);
    }

    public ServeOptions withPort(int p) {
        return new ServeOptions(host, p, detect, workers, queue, maxBytes, maxPixels, timeLimit, urlLimits, urls);
    }

    public ServeOptions withDetect(boolean d) {
        return new ServeOptions(host, port, d, workers, queue, maxBytes, maxPixels, timeLimit, urlLimits, urls);
    }

    public ServeOptions withWorkers(int w, int q) {
        return new ServeOptions(host, port, detect, w, q, maxBytes, maxPixels, timeLimit, urlLimits, urls);
    }

    /** The body limit; the URL download limit follows it. */
    public ServeOptions withMaxBytes(long b) {
        return new ServeOptions(host, port, detect, workers, queue, b, maxPixels, timeLimit, urlLimits.withMaxBytes(b), urls);
    }

    public ServeOptions withMaxPixels(long p) {
        return new ServeOptions(host, port, detect, workers, queue, maxBytes, p, timeLimit, urlLimits, urls);
    }

    public ServeOptions withTimeLimit(Duration t) {
        return new ServeOptions(host, port, detect, workers, queue, maxBytes, maxPixels, t, urlLimits, urls);
    }

    public ServeOptions withUrlLimits(Fetcher.Limits l) {
        return new ServeOptions(host, port, detect, workers, queue, maxBytes, maxPixels, timeLimit, l, urls);
    }

    public ServeOptions withUrls(UrlPolicy u) {
        return new ServeOptions(host, port, detect, workers, queue, maxBytes, maxPixels, timeLimit, urlLimits, u);
    }

    /** True when the host is a loopback address (127.0.0.1, ::1, localhost): only this machine can connect. */
    public boolean loopbackOnly() {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) if (!a.isLoopbackAddress()) return false;
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether URLs to loopback, private, link-local and metadata addresses are refused. */
    public boolean publicUrlsOnly() {
        return switch (urls) {
            case PUBLIC_ONLY -> true;
            case ANY -> false;
            case AUTO -> !loopbackOnly();
        };
    }
}
