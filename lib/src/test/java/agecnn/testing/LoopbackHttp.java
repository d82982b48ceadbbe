package agecnn.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/** An HTTP server on 127.0.0.1 with hand-written answers per path, for download tests. */
public final class LoopbackHttp implements AutoCloseable {

    private final HttpServer server;

    public LoopbackHttp() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "loopback-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public LoopbackHttp route(String path, HttpHandler h) {
        server.createContext(path, ex -> {
            try (ex) {
                h.handle(ex);
            } catch (IOException e) {
                // the client hung up (e.g. after its time-out): nothing to answer
            }
        });
        return this;
    }

    /** Answers {@code path} with the bytes and media type, status 200. */
    public LoopbackHttp file(String path, String type, byte[] body) {
        return route(path, ex -> send(ex, 200, type, body));
    }

    public static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        if (type != null) ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
