package agecnn.nets.weights;

import agecnn.io.Sha256;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Weight files are found locally first, downloaded once into the cache otherwise, and always checked. */
class WeightStoreTest {

    static final byte[] CONTENT = "pretend weights".getBytes(StandardCharsets.UTF_8);

    static WeightFile file(String url) {
        return new WeightFile("w.h5", Sha256.hex(CONTENT), url == null ? List.of() : List.of(url), "test weights");
    }

    @Test
    void aLocalFileWithTheRightBytesIsUsedAsItIs(@TempDir Path dir) throws IOException {
        Path local = dir.resolve("local");
        Files.createDirectories(local);
        Files.write(local.resolve("w.h5"), CONTENT);
        assertEquals(local.resolve("w.h5"), new WeightStore(local, dir.resolve("cache")).resolve(file(null)));
    }

    @Test
    void aLocalFileWithOtherBytesIsRefusedByName(@TempDir Path dir) throws IOException {
        Path local = dir.resolve("local");
        Files.createDirectories(local);
        Files.writeString(local.resolve("w.h5"), "damaged");
        IOException e = assertThrows(IOException.class, () -> new WeightStore(local, dir.resolve("cache")).resolve(file(null)));
        assertTrue(e.getMessage().startsWith(local.resolve("w.h5") + " is not the expected test weights"), e.getMessage());
    }

    @Test
    void missingEverywhereAndNoNetworkSaysWhereItLooked(@TempDir Path dir) throws IOException {
        WeightFile f = file("http://127.0.0.1:9/w.h5");
        IOException e = assertThrows(IOException.class, () -> new WeightStore(dir.resolve("local"), dir.resolve("cache")).resolve(f));
        assertTrue(e.getMessage().contains("w.h5 is neither in WEIGHTS_DIR (" + dir.resolve("local")), e.getMessage());
        assertTrue(e.getMessage().contains("http://127.0.0.1:9/w.h5"), e.getMessage());
    }

    @Test
    void downloadedOnceIntoTheCacheAndRefusedWhenTheServerSendsOtherBytes(@TempDir Path dir) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int[] hits = {0};
        server.createContext("/good", x -> { hits[0]++; x.sendResponseHeaders(200, CONTENT.length); try (OutputStream o = x.getResponseBody()) { o.write(CONTENT); } });
        server.createContext("/bad", x -> { byte[] b = "other".getBytes(); x.sendResponseHeaders(200, b.length); try (OutputStream o = x.getResponseBody()) { o.write(b); } });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            WeightStore store = new WeightStore(dir.resolve("local"), dir.resolve("cache"));
            Path p = store.resolve(file(base + "/good"));
            assertEquals(dir.resolve("cache").resolve("w.h5"), p);
            assertArrayEquals(CONTENT, Files.readAllBytes(p));
            store.resolve(file(base + "/good"));
            assertEquals(1, hits[0], "the second call uses the cache");

            WeightStore other = new WeightStore(dir.resolve("local2"), dir.resolve("cache2"));
            IOException e = assertThrows(IOException.class, () -> other.resolve(file(base + "/bad")));
            assertTrue(e.getMessage().contains("served other bytes"), e.getMessage());
            assertFalse(Files.exists(dir.resolve("cache2").resolve("w.h5")));
        } finally {
            server.stop(0);
        }
    }
}
