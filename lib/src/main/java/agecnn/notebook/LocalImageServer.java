package agecnn.notebook;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Serves the files of one folder on the loopback interface (127.0.0.1, a free port), so that a
 * notebook or a test can show prediction from a URL without the internet. Only plain file
 * names are served; anything else is 404.
 */
public final class LocalImageServer implements AutoCloseable {

    private final HttpServer server;
    private final Path folder;

    private LocalImageServer(HttpServer server, Path folder) {
        this.server = server;
        this.folder = folder;
    }

    public static LocalImageServer serve(Path folder) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        LocalImageServer server = new LocalImageServer(s, folder.toAbsolutePath().normalize());
        s.createContext("/", exchange -> {
            try (exchange) {
                String name = exchange.getRequestURI().getPath().substring(1);
                Path f = server.folder.resolve(name).normalize();
                if (name.isEmpty() || name.contains("/") || !f.getParent().equals(server.folder) || !Files.isRegularFile(f)) {
                    byte[] msg = "not found".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(404, msg.length);
                    exchange.getResponseBody().write(msg);
                    return;
                }
                byte[] bytes = Files.readAllBytes(f);
                exchange.getResponseHeaders().set("Content-Type", contentType(name));
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        });
        s.start();
        return server;
    }

    /** The URL of a file in the folder, e.g. {@code http://127.0.0.1:41234/face.jpg}. */
    public String url(String fileName) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/"
                + URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String contentType(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) return "image/jpeg";
        if (n.endsWith(".png")) return "image/png";
        if (n.endsWith(".html")) return "text/html; charset=utf-8";
        return "application/octet-stream";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
