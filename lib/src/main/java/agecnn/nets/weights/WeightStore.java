package agecnn.nets.weights;

import agecnn.config.Settings;
import agecnn.io.DownloadException;
import agecnn.io.Fetcher;
import agecnn.io.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where pretrained weight files come from: the local folder (WEIGHTS_DIR) first, then the
 * download cache ({@code data/cache/weights}), then their public sources, downloaded once into
 * the cache ({@link Fetcher}, within {@link Fetcher.Limits#forWeights()}). Every file of a
 * {@link WeightFile} is checked against its SHA-256 before use, wherever it was found, so a
 * damaged or foreign file is refused with its path, instead of silently giving random features.
 */
public final class WeightStore {

    private static final Fetcher FETCHER = Fetcher.of(Fetcher.Limits.forWeights());

    private final Path localDir;
    private final Path cacheDir;

    /**
     * @param localDir folder searched first (WEIGHTS_DIR), never written to
     * @param cacheDir where downloads are kept
     */
    public WeightStore(Path localDir, Path cacheDir) {
        this.localDir = localDir;
        this.cacheDir = cacheDir;
    }

    /** WEIGHTS_DIR, then {@code data/cache/weights}. */
    public static WeightStore of(Settings settings) {
        return new WeightStore(settings.paths().weightsDir(), settings.paths().cacheDir().resolve("weights"));
    }

    public Path localDir() { return localDir; }

    public Path cacheDir() { return cacheDir; }

    /**
     * The verified path of the file: from WEIGHTS_DIR, else the cache, else downloaded into the
     * cache. A local copy with the wrong checksum is an error (it is the user's file; it is not
     * replaced); a cached one is downloaded again.
     */
    public Path resolve(WeightFile file) throws IOException {
        Path local = localDir.resolve(file.fileName());
        if (Files.isRegularFile(local)) {
            verify(local, file);
            return local;
        }
        Path cached = cacheDir.resolve(file.fileName());
        if (Files.isRegularFile(cached)) {
            String actual = Sha256.hex(cached);
            if (actual.equals(file.sha256())) return cached;
            System.err.println(cached + " has SHA-256 " + actual + ", expected " + file.sha256() + "; downloading it again");
            Files.delete(cached);
        }
        return download(file, cached);
    }

    /** A file without a published checksum (e.g. a DL4J zoo zip or a user's Keras file), when present locally or in the cache. */
    public Optional<Path> find(String fileName) {
        for (Path dir : List.of(localDir, cacheDir)) {
            Path p = dir.resolve(fileName);
            if (Files.isRegularFile(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** Fails, naming the file, when its bytes are not the expected ones. */
    public static void verify(Path path, WeightFile file) throws IOException {
        String actual = Sha256.hex(path);
        if (!actual.equals(file.sha256())) {
            throw new IOException(path + " is not the expected " + file.what() + ": its SHA-256 is " + actual + ", expected "
                    + file.sha256() + " (" + Files.size(path) + " bytes; damaged, truncated or another file). "
                    + "Replace it with the original, or remove it to download it again.");
        }
    }

    private Path download(WeightFile file, Path target) throws IOException {
        List<String> failures = new ArrayList<>();
        for (String url : file.urls()) {
            try {
                System.err.println("Downloading " + file.what() + " from " + url);
                return FETCHER.fetchTo(url, target, file.sha256());
            } catch (DownloadException e) {
                failures.add(e.getMessage());
            }
        }
        throw new IOException("the " + file.what() + " file " + file.fileName() + " is neither in WEIGHTS_DIR (" + localDir
                + ") nor in the download cache (" + cacheDir + "), and could not be downloaded: "
                + (failures.isEmpty() ? "no source is known" : String.join("; ", failures))
                + ". Put the file (SHA-256 " + file.sha256() + ") in WEIGHTS_DIR.");
    }
}
