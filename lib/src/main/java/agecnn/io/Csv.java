package agecnn.io;

import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.AddCellToColumnException;
import tech.tablesaw.io.csv.CsvReadOptions;
import tech.tablesaw.io.csv.CsvWriteOptions;

import java.io.IOException;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's CSV files, read and written by Tablesaw's CSV reader and writer with one set of
 * options: UTF-8, a header line, {@code \n} line ends, quotes where a value needs them (a comma,
 * a quote, a line break); the column types come from the caller, so nothing is guessed (a file
 * name such as {@code 007} stays text), only an empty field is missing (not {@code NA}), and no
 * line is a comment. Tablesaw skips blank lines and trims the spaces around unquoted values (its
 * writer trims them too). Reading also gives the line of the file each row starts on, so that every check made
 * after reading can name it; a row Tablesaw cannot read (a field too many or too few, a value
 * that is not of its column's type) is reported with its line too.
 */
public final class Csv {

    /** Tablesaw's message for a row whose field count differs from the header's. */
    private static final Pattern FIELD_COUNT = Pattern.compile("Row number (\\d+) contains (\\d+) columns\\. (\\d+) expected");
    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

    private Csv() {}

    /** The rows of a CSV file as Tablesaw read them, and the line (1-based, as an editor shows it) each starts on. */
    public static final class Rows {
        private final Path file;
        private final Table table;
        private final int headerLine;
        private final int[] lines;

        private Rows(Path file, Table table, int headerLine, int[] lines) {
            this.file = file;
            this.table = table;
            this.headerLine = headerLine;
            this.lines = lines;
        }

        public Path file() { return file; }

        public Table table() { return table; }

        /** The line of a row (0-based, as in {@link #table()}). */
        public int line(int row) { return lines[row]; }

        /** {@code <file>: line <n>: }, to start a message about a row. */
        public String at(int row) {
            return file + ": line " + lines[row] + ": ";
        }

        /** Fails, naming the header line, unless every one of these columns is there (in any order; others may follow). */
        public Rows require(List<String> columns) throws IOException {
            if (table.columnCount() == 0) {
                throw new IOException(file + ": the file is empty; expected a header line with the columns " + String.join(",", columns));
            }
            for (String c : columns) {
                if (!table.containsColumn(c)) {
                    throw new IOException(file + ": line " + headerLine + " (the header) has no column '" + c + "': found "
                            + String.join(",", table.columnNames()) + ", expected the columns " + String.join(",", columns));
                }
            }
            return this;
        }
    }

    /** Reads a CSV file with every column as text. */
    public static Rows readText(Path csv) throws IOException {
        return read(csv, name -> ColumnType.STRING);
    }

    /**
     * Reads a CSV file, each column with the type {@code typeOf} gives for its name in the header.
     * Errors name the file and, where there is one, the line and the column.
     */
    public static Rows read(Path csv, Function<String, ColumnType> typeOf) throws IOException {
        if (!Files.isRegularFile(csv)) throw new IOException(csv + ": no such file");
        String text;
        try {
            text = Files.readString(csv, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException(csv + ": not UTF-8 text", e);
        }
        if (text.startsWith("\uFEFF")) text = text.substring(1);
        List<String> physical = List.of(LINE_BREAK.split(text, -1));
        Table table;
        try {
            table = parse(csv, text, typeOf, false);
        } catch (RuntimeException e) {
            throw readError(csv, text, physical, typeOf, e);
        }
        int[] lines = startLines(physical, table, table.rowCount());
        return new Rows(csv, table, headerLine(physical), Arrays.copyOf(lines, table.rowCount()));
    }

    /** Writes a table with its header line (creating the folder): what {@link #read} reads back. */
    public static void write(Table table, Path csv) throws IOException {
        Path dir = csv.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            table.write().usingOptions(CsvWriteOptions.builder(w).header(true).separator(',').quoteChar('"').lineEnd("\n").build());
        }
    }

    private static Table parse(Path csv, String text, Function<String, ColumnType> typeOf, boolean skipInvalidRows) {
        return Table.read().usingOptions(CsvReadOptions.builder(new StringReader(text))
                .tableName(csv.getFileName().toString())
                .header(true)
                .separator(',')
                .quoteChar('"')
                .commentPrefix('\0')
                .missingValueIndicator("")
                .columnTypes(typeOf)
                .skipRowsWithInvalidColumnCount(skipInvalidRows));
    }

    /** What Tablesaw could not read, said with the file, the line and the column. */
    private static IOException readError(Path csv, String text, List<String> physical, Function<String, ColumnType> typeOf,
                                         RuntimeException e) {
        String message = e instanceof AddCellToColumnException && e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
        Matcher m = FIELD_COUNT.matcher(String.valueOf(message));
        if (m.find()) {
            Table upTo = upTo(csv, text, Integer.parseInt(m.group(1)));
            return new IOException(csv + ": line " + startLines(physical, upTo, upTo.rowCount())[upTo.rowCount()] + ": " + m.group(2)
                    + " fields, but the header (line " + headerLine(physical) + ") has " + m.group(3), e);
        }
        if (e instanceof AddCellToColumnException a) {
            // the failing record has the header's field count: read as text, it is the last row
            Table upTo = upTo(csv, text, (int) a.getRowNumber() + 1);
            int row = upTo.rowCount() - 1;
            String column = a.getColumnName();
            if (row < 0 || !upTo.containsColumn(column)) return new IOException(csv + ": cannot be read as CSV: " + message, e);
            return new IOException(csv + ": line " + startLines(physical, upTo, row)[row] + ", column '" + column + "': expected "
                    + typeOf.apply(column).name() + ", found '" + upTo.getString(row, column) + "'", e);
        }
        return new IOException(csv + ": cannot be read as CSV: " + message, e);
    }

    /**
     * The records before the {@code n}-th after the header (1-based, as Tablesaw counts them when it
     * fails on one), read again as text: what it takes to know the line the {@code n}-th starts on.
     */
    private static Table upTo(Path csv, String text, int n) {
        Table rows = parse(csv, text, name -> ColumnType.STRING, true);
        return rows.first(Math.max(0, Math.min(n - 1, rows.rowCount())));
    }

    /**
     * The line each of the first {@code rows} rows starts on, and then the line the next record
     * would start on: Tablesaw skips blank lines, and a quoted value may hold line breaks.
     */
    private static int[] startLines(List<String> physical, Table table, int rows) {
        int[] out = new int[rows + 1];
        int at = nextNonBlank(physical, 0);
        at += 1 + breaks(String.join(",", table.columnNames()));
        for (int r = 0; r < rows; r++) {
            at = nextNonBlank(physical, at);
            out[r] = at + 1;
            int inside = 0;
            for (int c = 0; c < table.columnCount(); c++) inside += breaks(table.getString(r, c));
            at += 1 + inside;
        }
        out[rows] = nextNonBlank(physical, at) + 1;
        return out;
    }

    private static int headerLine(List<String> physical) {
        return nextNonBlank(physical, 0) + 1;
    }

    /** The index of the first line from {@code from} on that is not blank (or the end). */
    private static int nextNonBlank(List<String> physical, int from) {
        int i = from;
        while (i < physical.size() && physical.get(i).isBlank()) i++;
        return Math.min(i, Math.max(physical.size() - 1, 0));
    }

    private static int breaks(String s) {
        Matcher m = LINE_BREAK.matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}
