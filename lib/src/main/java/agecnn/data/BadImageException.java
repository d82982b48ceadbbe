package agecnn.data;

import java.io.IOException;

/**
 * A file that cannot serve as an image: missing, unreadable, not a JPEG or PNG, truncated,
 * corrupt or empty. Carries the file and the reason apart so that a stage can list the bad
 * files in a report instead of stopping at the first one.
 */
public class BadImageException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final String reason;

    public BadImageException(String file, String reason) {
        super(file + ": " + reason);
        this.file = file;
        this.reason = reason;
    }

    /** The file as the caller named it (a path, or the name given with the bytes). */
    public String file() {
        return file;
    }

    /** What is wrong with it, in words, without the file name. */
    public String reason() {
        return reason;
    }
}
