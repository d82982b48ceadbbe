package agecnn.predict;

import agecnn.data.BadImageException;
import agecnn.data.ImageDecoder;
import agecnn.io.DownloadException;
import agecnn.io.Fetcher;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/** A photo to predict on, as its encoded bytes, with where it came from and where it was kept. */
public record ImageInput(String source, byte[] bytes, Path savedAs) {

    private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

    /** True for anything written as {@code scheme://...}; only http and https are then fetched. */
    public static boolean isUrl(String s) {
        return URL.matcher(s.trim()).matches();
    }

    public static ImageInput fromFile(Path file) throws BadImageException {
        return new ImageInput(file.toString(), ImageDecoder.readBytes(file), null);
    }

    /**
     * Downloads a JPEG or PNG within {@code limits}. With {@code keepAs} the image is also kept in
     * that file, which is never replaced unless {@code overwrite} (checked before downloading).
     */
    public static ImageInput fromUrl(String url, Fetcher.Limits limits, Path keepAs, boolean overwrite) throws IOException {
        if (keepAs != null && !overwrite && Files.exists(keepAs)) {
            throw new FileAlreadyExistsException(keepAs.toString(), null,
                    "exists already; not overwritten (ask for overwrite to replace it)");
        }
        Fetcher.Fetched f = Fetcher.forImages(limits).fetch(url);
        if (ImageDecoder.format(f.bytes()) == null) {
            throw new DownloadException(url, "the " + f.bytes().length + " bytes sent" + (f.contentType().isEmpty() ? "" : " as "
                    + f.contentType()) + " are not a JPEG or PNG image");
        }
        Path saved = keepAs == null ? null : keep(f.bytes(), keepAs, overwrite);
        return new ImageInput(url, f.bytes(), saved);
    }

    /** Writes via a temporary file beside the target, so that a half-written image never has the name. */
    static Path keep(byte[] bytes, Path file, boolean overwrite) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // createTempFile would make the kept image private to this user; a plain new file does not
        Path tmp = Files.createFile(dir.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime()) + ".part"));
        try {
            Files.write(tmp, bytes);
            if (overwrite) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                try {
                    // Without REPLACE_EXISTING the move fails if another writer got there first.
                    Files.move(tmp, file);
                } catch (FileAlreadyExistsException e) {
                    throw new FileAlreadyExistsException(file.toString(), null, "exists already; not overwritten");
                }
            }
            return file;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
