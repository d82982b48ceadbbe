package agecnn.data;

import agecnn.io.DownloadException;
import agecnn.io.Fetcher;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the UTKFace images, trying four ways in order:
 * <ol>
 *   <li>{@code UTKFACE_DIR}, when set (an error if it holds no images: a wrong setting is not skipped);</li>
 *   <li>{@code data/UTKFace/};</li>
 *   <li>an archive in {@code data/}: Kaggle's {@code utkface-new} zip (any {@code *.zip} holding a
 *       {@code UTKFace/} folder) or {@code UTKFace.tar.gz}, unpacked once into {@code data/UTKFace/};</li>
 *   <li>with Kaggle credentials ({@code KAGGLE_USERNAME}/{@code KAGGLE_KEY} or
 *       {@code ~/.kaggle/kaggle.json}), a download of {@code jangedoo/utkface-new}, then 3.</li>
 * </ol>
 * Otherwise it stops with a message that lists these four ways.
 */
public final class DataLocator {

    /** Kaggle's download end point for the data set. */
    static final String KAGGLE_URL = "https://www.kaggle.com/api/v1/datasets/download/jangedoo/utkface-new";
    static final String FOLDER = "UTKFace";

    /** Where the images are and which of the four ways found them. */
    public record Found(Path dir, String how) {
        @Override
        public String toString() {
            return dir + " (" + how + ")";
        }
    }

    private final Path dataDir;
    private final Map<String, String> env;
    private final Path home;
    private final String kaggleUrl;

    /**
     * @param dataDir the project's {@code data/} folder
     * @param env     environment (for {@code KAGGLE_*}); {@code System.getenv()} in real use
     * @param home    the user's home (for {@code ~/.kaggle/kaggle.json})
     */
    public DataLocator(Path dataDir, Map<String, String> env, Path home) {
        this(dataDir, env, home, KAGGLE_URL);
    }

    /** With another download address (tests use a loopback server). */
    DataLocator(Path dataDir, Map<String, String> env, Path home, String kaggleUrl) {
        this.dataDir = dataDir;
        this.env = env;
        this.home = home;
        this.kaggleUrl = kaggleUrl;
    }

    public static DataLocator forProject(Path projectDir) {
        return new DataLocator(projectDir.resolve("data"), System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** @param utkfaceDir the folder the user named, or null */
    public Found locate(Path utkfaceDir) throws IOException {
        if (utkfaceDir != null) {
            if (countImages(utkfaceDir) == 0) {
                throw new DataNotFoundException("UTKFACE_DIR is set to " + utkfaceDir + ", but "
                        + (Files.isDirectory(utkfaceDir) ? "that folder holds no .jpg or .png files." : "there is no such folder."));
            }
            return new Found(utkfaceDir, "UTKFACE_DIR");
        }
        Path unpacked = dataDir.resolve(FOLDER);
        if (countImages(unpacked) > 0) return new Found(unpacked, "data/" + FOLDER);

        Path archive = findArchive();
        if (archive != null) {
            unpack(archive, unpacked);
            return new Found(unpacked, "unpacked from " + dataDir.relativize(archive));
        }
        String[] credentials = kaggleCredentials();
        if (credentials != null) {
            Path zip = download(credentials[0], credentials[1]);
            unpack(zip, unpacked);
            return new Found(unpacked, "downloaded from Kaggle (jangedoo/utkface-new)");
        }
        throw new DataNotFoundException("""
                The UTKFace images were not found. Give them in one of four ways:
                  1. set UTKFACE_DIR to the folder holding the *.jpg.chip.jpg files;
                  2. put that folder at %s;
                  3. put Kaggle's utkface-new zip, or UTKFace.tar.gz, in %s (it is unpacked once);
                  4. set KAGGLE_USERNAME and KAGGLE_KEY (or write ~/.kaggle/kaggle.json) to download
                     the Kaggle data set jangedoo/utkface-new.
                The data is for non-commercial research only (see README).""".formatted(unpacked, dataDir));
    }

    /** Thrown when no way finds the data; its message says what to do. */
    public static final class DataNotFoundException extends IOException {
        public DataNotFoundException(String message) {
            super(message);
        }
    }

    static long countImages(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(DataLocator::isImageFile).count();
        }
    }

    static boolean isImageFile(Path p) {
        String n = p.getFileName().toString().toLowerCase();
        return Files.isRegularFile(p) && (n.endsWith("jpg") || n.endsWith(".jpeg") || n.endsWith(".png"));
    }

    private Path findArchive() throws IOException {
        if (!Files.isDirectory(dataDir)) return null;
        Path tar = dataDir.resolve(FOLDER + ".tar.gz");
        if (Files.isRegularFile(tar)) return tar;
        try (Stream<Path> s = Files.list(dataDir)) {
            return s.filter(p -> p.getFileName().toString().toLowerCase().endsWith(".zip"))
                    .sorted().findFirst().orElse(null);
        }
    }

    /** Unpacks the entries under a {@code UTKFace/} folder of the archive, via a temp folder. */
    static void unpack(Path archive, Path target) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".unpacking");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        int n = 0;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
             ArchiveInputStream in = archive.toString().endsWith(".zip")
                     ? new ZipArchiveInputStream(raw)
                     : new TarArchiveInputStream(new GzipCompressorInputStream(raw))) {
            ArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                String name = e.getName().replace('\\', '/');
                String[] parts = name.split("/");
                // Kaggle's zip also holds crop_part1/ and utkface_aligned_cropped/: take UTKFace/ only.
                if (e.isDirectory() || parts.length != 2 || !parts[0].equals(FOLDER) || name.contains("..")) continue;
                Files.copy(in, tmp.resolve(parts[1]), StandardCopyOption.REPLACE_EXISTING);
                n++;
            }
        } catch (IOException e) {
            deleteTree(tmp);
            throw new IOException(archive + ": could not be unpacked (" + e.getMessage() + ")", e);
        }
        if (n == 0) {
            deleteTree(tmp);
            throw new IOException(archive + ": holds no files under a '" + FOLDER + "/' folder");
        }
        deleteTree(target);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** {username, key}, or null when no credentials are set. */
    String[] kaggleCredentials() throws IOException {
        String user = env.get("KAGGLE_USERNAME"), key = env.get("KAGGLE_KEY");
        if (user != null && key != null && !user.isBlank() && !key.isBlank()) return new String[]{user, key};
        Path json = home.resolve(".kaggle").resolve("kaggle.json");
        if (!Files.isRegularFile(json)) return null;
        String text = Files.readString(json);
        String u = jsonString(text, "username"), k = jsonString(text, "key");
        if (u == null || k == null) throw new IOException(json + ": expected {\"username\": ..., \"key\": ...}");
        return new String[]{u, k};
    }

    private static String jsonString(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private Path download(String user, String key) throws IOException {
        Path zip = dataDir.resolve("utkface-new.zip");
        String auth = Base64.getEncoder().encodeToString((user + ":" + key).getBytes(StandardCharsets.UTF_8));
        System.out.println("Downloading UTKFace from " + kaggleUrl + " ...");
        try {
            // the credentials go to Kaggle only, not to the storage it redirects to
            return Fetcher.of(Fetcher.Limits.forDatasets()).withHeader("Authorization", "Basic " + auth).fetchTo(kaggleUrl, zip, null);
        } catch (DownloadException e) {
            int status = e.httpStatus();
            throw new IOException("Kaggle download of jangedoo/utkface-new failed: " + e.getMessage()
                    + (status == 401 || status == 403 ? " (check KAGGLE_USERNAME/KAGGLE_KEY)" : ""), e);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(p)) {
            s.forEach(all::add);
        }
        all.sort(Comparator.reverseOrder());
        for (Path q : all) Files.delete(q);
    }
}
