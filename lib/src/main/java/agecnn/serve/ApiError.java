package agecnn.serve;

/**
 * A request the API answers with an error: the HTTP status and a one-line message, sent as
 * {@code {"status": 413, "error": "...", "input": ...}}; a 503 also says when to try again.
 */
public final class ApiError extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String input;
    private final int retryAfterSeconds;

    public ApiError(int status, String message) {
        this(status, message, null, 0);
    }

    /**
     * @param input             what the request sent (a file name, a URL), or null
     * @param retryAfterSeconds the Retry-After of a 503, 0 for none
     */
    public ApiError(int status, String message, String input, int retryAfterSeconds) {
        super(oneLine(message));
        this.status = status;
        this.input = input;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** The same error about {@code newInput}. */
    public ApiError about(String newInput) {
        return new ApiError(status, getMessage(), newInput, retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public String input() {
        return input;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Line breaks and runs of white space become one space; a message stays one line. */
    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }
}
