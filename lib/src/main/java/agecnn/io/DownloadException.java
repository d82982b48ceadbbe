package agecnn.io;

import java.io.IOException;

/** A URL that did not give a usable file: the message names the URL and what went wrong. */
public class DownloadException extends IOException {

    private static final long serialVersionUID = 1L;

    public DownloadException(String url, String reason) {
        super(url + ": " + reason);
    }
}
