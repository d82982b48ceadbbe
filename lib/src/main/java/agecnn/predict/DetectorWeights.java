package agecnn.predict;

import agecnn.io.Fetcher;
import agecnn.io.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the ONNX face detector's model file comes from: a local folder that holds it (checked
 * against its SHA-256), else its public source, downloaded once, checked and cached. A file
 * with other bytes is refused wherever it comes from.
 */
public final class DetectorWeights {

    public static final String FILE = "face_detector_rfb_320.onnx";
    public static final String SHA256 = "34cd7e60aeff28744c657de7a3dc64e872d506741de66987f3426f2b79f88017";
    /** The raw file models/onnx/version-RFB-320.onnx of Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB (MIT). */
    public static final String SOURCE = "https://raw.githubusercontent.com/Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB/"
            + "master/models/onnx/version-RFB-320.onnx";
    /** Environment variable or system property naming a folder that holds the file. */
    public static final String ENV = "AGECNN_WEIGHTS";

    private DetectorWeights() {}

    /**
     * Folders searched, in order: {@code AGECNN_WEIGHTS} when set, {@code ../shared/weights}
     * beside the project (where this project is developed), and {@code data/weights} (the cache
     * a download goes to, the last entry).
     */
    public static List<Path> defaultFolders(Path projectDir) {
        List<Path> folders = new ArrayList<>();
        String env = System.getProperty(ENV, System.getenv(ENV));
        if (env != null && !env.isBlank()) folders.add(Path.of(env));
        folders.add(projectDir.resolve("../shared/weights").normalize());
        folders.add(projectDir.resolve("data/weights"));
        return folders;
    }

    /**
     * The model file: the first folder that holds it, else (with a {@code source}) downloaded into
     * the last folder. A local copy with the wrong checksum is an error naming it, not skipped.
     *
     * @param source where to fetch it from when no folder has it; null: do not download
     */
    public static Path locate(List<Path> folders, String source) throws IOException {
        for (Path dir : folders) {
            Path f = dir.resolve(FILE);
            if (Files.isRegularFile(f)) {
                check(Files.readAllBytes(f), f.toString());
                return f;
            }
        }
        if (source == null) throw new IOException(FILE + " is in none of " + folders);
        return Fetcher.of(Fetcher.Limits.forWeights()).fetchTo(source, folders.get(folders.size() - 1).resolve(FILE), SHA256);
    }

    private static void check(byte[] bytes, String where) throws IOException {
        String actual = Sha256.hex(bytes);
        if (!actual.equals(SHA256)) {
            throw new IOException(where + ": SHA-256 is " + actual + ", expected " + SHA256 + " for " + FILE + "; refused");
        }
    }
}
