package agecnn.io;

import java.io.IOException;

/** A URL that did not give a usable file: the message names the URL and what went wrong. */
public class DownloadException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int httpStatus;

    public DownloadException(String url, String reason) {
        this(url, 0, reason);
    }

    /** @param httpStatus the server's answer when that is what went wrong (e.g. 404), else 0 */
    public DownloadException(String url, int httpStatus, String reason) {
        super(url + ": " + reason);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status the server answered when that was the failure (e.g. 401, 404), else 0. */
    public int httpStatus() {
        return httpStatus;
    }
}
