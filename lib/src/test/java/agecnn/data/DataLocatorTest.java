package agecnn.data;

import agecnn.testing.LoopbackHttp;
import com.sun.net.httpserver.HttpServer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class DataLocatorTest {

    @TempDir
    Path tmp;

    private static final byte[] JPG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3};

    private DataLocator locator(Map<String, String> env) {
        return new DataLocator(tmp.resolve("data"), env, tmp.resolve("home"));
    }

    @Test
    void utkfaceDirWinsAndAnEmptyOneIsAnError() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("faces"));
        Files.write(dir.resolve("20_0_0_20170116174525125.jpg.chip.jpg"), JPG);
        assertEquals(dir, locator(Map.of()).locate(dir).dir());
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        IOException e = assertThrows(IOException.class, () -> locator(Map.of()).locate(empty));
        assertTrue(e.getMessage().contains("UTKFACE_DIR") && e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void dataUtkfaceIsFound() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data/UTKFace"));
        Files.write(dir.resolve("a.jpg"), JPG);
        DataLocator.Found f = locator(Map.of()).locate(null);
        assertEquals(dir, f.dir());
        assertEquals("data/UTKFace", f.how());
    }

    @Test
    void kaggleZipIsUnpackedOnceTakingOnlyTheUtkfaceFolder() throws IOException {
        Files.createDirectories(tmp.resolve("data"));
        Files.write(tmp.resolve("data/archive.zip"), zip(Map.of(
                "UTKFace/1_0_0_20170116174525125.jpg.chip.jpg", JPG,
                "UTKFace/2_0_0_20170116174525125.jpg.chip.jpg", JPG,
                "crop_part1/3_0_0_x.jpg", JPG,
                "utkface_aligned_cropped/UTKFace/4_0_0_x.jpg", JPG)));
        DataLocator.Found f = locator(Map.of()).locate(null);
        assertEquals(tmp.resolve("data/UTKFace"), f.dir());
        assertTrue(f.how().contains("archive.zip"));
        try (var s = Files.list(f.dir())) {
            assertEquals(List.of("1_0_0_20170116174525125.jpg.chip.jpg", "2_0_0_20170116174525125.jpg.chip.jpg"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        // second call finds the unpacked folder, not the archive
        assertEquals("data/UTKFace", locator(Map.of()).locate(null).how());
    }

    @Test
    void tarGzIsUnpacked() throws IOException {
        Files.createDirectories(tmp.resolve("data"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            TarArchiveEntry e = new TarArchiveEntry("UTKFace/9_1_0_20170116174525125.jpg.chip.jpg");
            e.setSize(JPG.length);
            tar.putArchiveEntry(e);
            tar.write(JPG);
            tar.closeArchiveEntry();
        }
        Files.write(tmp.resolve("data/UTKFace.tar.gz"), bytes.toByteArray());
        assertEquals(1, DataLocator.countImages(locator(Map.of()).locate(null).dir()));
    }

    @Test
    void archiveWithoutUtkfaceFolderIsAClearErrorAndLeavesNothingBehind() throws IOException {
        Files.createDirectories(tmp.resolve("data"));
        Files.write(tmp.resolve("data/other.zip"), zip(Map.of("photos/a.jpg", JPG)));
        IOException e = assertThrows(IOException.class, () -> locator(Map.of()).locate(null));
        assertTrue(e.getMessage().contains("other.zip") && e.getMessage().contains("UTKFace/"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("data/UTKFace")));
        assertFalse(Files.exists(tmp.resolve("data/UTKFace.unpacking")));
    }

    @Test
    void nothingFoundListsTheFourWays() {
        IOException e = assertThrows(DataLocator.DataNotFoundException.class, () -> locator(Map.of()).locate(null));
        for (String way : List.of("UTKFACE_DIR", "data/UTKFace", "UTKFace.tar.gz", "KAGGLE_USERNAME")) {
            assertTrue(e.getMessage().contains(way), way + " missing in: " + e.getMessage());
        }
    }

    @Test
    void kaggleJsonIsRead() throws IOException {
        Files.createDirectories(tmp.resolve("home/.kaggle"));
        Files.writeString(tmp.resolve("home/.kaggle/kaggle.json"), "{\"username\": \"ann\", \"key\": \"k3y\"}");
        assertArrayEquals(new String[]{"ann", "k3y"}, locator(Map.of()).kaggleCredentials());
        assertArrayEquals(new String[]{"bob", "x"}, locator(Map.of("KAGGLE_USERNAME", "bob", "KAGGLE_KEY", "x")).kaggleCredentials());
    }

    @Test
    void kaggleDownloadSendsCredentialsAndUnpacks() throws Exception {
        byte[] body = zip(Map.of("UTKFace/5_0_0_20170116174525125.jpg.chip.jpg", JPG));
        AtomicReference<String> auth = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/download", ex -> {
            auth.set(ex.getRequestHeaders().getFirst("Authorization"));
            boolean ok = ("Basic " + Base64.getEncoder().encodeToString("ann:k3y".getBytes(StandardCharsets.UTF_8))).equals(auth.get());
            ex.sendResponseHeaders(ok ? 200 : 401, ok ? body.length : -1);
            if (ok) try (OutputStream o = ex.getResponseBody()) { o.write(body); }
            ex.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/download";
            DataLocator.Found f = new DataLocator(tmp.resolve("data"), Map.of("KAGGLE_USERNAME", "ann", "KAGGLE_KEY", "k3y"),
                    tmp.resolve("home"), url).locate(null);
            assertTrue(f.how().contains("Kaggle"));
            assertEquals(1, DataLocator.countImages(f.dir()));
            IOException e = assertThrows(IOException.class, () -> new DataLocator(tmp.resolve("data2"),
                    Map.of("KAGGLE_USERNAME", "ann", "KAGGLE_KEY", "wrong"), tmp.resolve("home"), url).locate(null));
            assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("KAGGLE_KEY"), e.getMessage());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void kaggleCredentialsDoNotFollowTheRedirectToItsStorage() throws Exception {
        byte[] body = zip(Map.of("UTKFace/6_0_0_20170116174525125.jpg.chip.jpg", JPG));
        AtomicReference<String> storageAuth = new AtomicReference<>("not asked");
        try (LoopbackHttp http = new LoopbackHttp()) {
            // Kaggle answers with a redirect to its storage, another host (here: the same server as localhost)
            http.route("/download", ex -> {
                ex.getResponseHeaders().set("Location", http.url("/storage/utkface.zip").replace("127.0.0.1", "localhost"));
                ex.sendResponseHeaders(302, -1);
            }).route("/storage/utkface.zip", ex -> {
                storageAuth.set(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                LoopbackHttp.send(ex, 200, "application/zip", body);
            });
            DataLocator.Found f = new DataLocator(tmp.resolve("data"), Map.of("KAGGLE_USERNAME", "ann", "KAGGLE_KEY", "k3y"),
                    tmp.resolve("home"), http.url("/download")).locate(null);
            assertEquals(1, DataLocator.countImages(f.dir()));
        }
        assertEquals("null", storageAuth.get());
        try (var s = Files.list(tmp.resolve("data"))) {
            assertEquals(List.of("UTKFace", "utkface-new.zip"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "the archive and its images, no temporary file");
        }
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
