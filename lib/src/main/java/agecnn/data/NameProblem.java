package agecnn.data;

/** One thing wrong with a file, named by file and field, e.g. {@code race: missing}. */
public record NameProblem(String file, String field, String message) {
    @Override
    public String toString() {
        return field + ": " + message;
    }
}
