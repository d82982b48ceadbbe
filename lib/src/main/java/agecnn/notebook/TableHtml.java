package agecnn.notebook;

import java.util.Locale;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * A Tablesaw table as a notebook shows it: an HTML table (its name as the caption, a header, one row per row),
 * and Tablesaw's text layout as the plain-text fallback. Every cell is the column's own
 * formatted text ({@code Column.getString}), so numbers read exactly as in the text layout, and
 * a missing value is an empty cell there as here. Text columns are aligned left, numbers right.
 *
 * <p>Long tables are cut: up to {@value #MAX_ROWS} rows show whole; a longer one shows its
 * first and last {@value #MAX_ROWS}/2 rows, with a row (HTML) or Tablesaw's "..." line (text)
 * where the others were, and the caption says how many rows the table has.
 */
final class TableHtml {

    /** Rows shown whole; a longer table shows the first and last half of this many. */
    static final int MAX_ROWS = 60;

    private TableHtml() {}

    /** The HTML table (a fragment, no page around it). */
    static String html(Table t) {
        int rows = t.rowCount(), cols = t.columnCount();
        boolean cut = rows > MAX_ROWS;
        int head = cut ? MAX_ROWS / 2 : rows;
        StringBuilder sb = new StringBuilder("<table>\n");
        String caption = t.name() == null ? "" : t.name();
        if (cut) caption += (caption.isEmpty() ? "" : " ") + String.format(Locale.ROOT, "(%,d rows, %,d shown)", rows, MAX_ROWS);
        // the title reads as a heading over the table, on one line, however narrow the table
        if (!caption.isEmpty()) {
            sb.append("<caption style=\"text-align:left;white-space:nowrap\">").append(escape(caption)).append("</caption>\n");
        }
        sb.append("<thead><tr>");
        for (int c = 0; c < cols; c++) {
            sb.append("<th").append(align(t.column(c))).append('>').append(escape(t.column(c).name())).append("</th>");
        }
        sb.append("</tr></thead>\n<tbody>\n");
        for (int r = 0; r < head; r++) row(sb, t, r);
        if (cut) {
            int from = head + 1, to = rows - MAX_ROWS / 2;
            sb.append("<tr><td colspan=\"").append(Math.max(1, cols)).append("\" style=\"text-align:center\">")
                    .append(escape(String.format(Locale.ROOT, "\u2026 rows %,d to %,d not shown \u2026", from, to))).append("</td></tr>\n");
            for (int r = rows - MAX_ROWS / 2; r < rows; r++) row(sb, t, r);
        }
        return sb.append("</tbody>\n</table>").toString();
    }

    /** Tablesaw's text layout of the same rows (all of them up to {@value #MAX_ROWS}). */
    static String text(Table t) {
        if (t.rowCount() <= MAX_ROWS) return t.printAll();
        return t.print(MAX_ROWS) + String.format(Locale.ROOT, "%n(%,d rows, %,d shown)", t.rowCount(), MAX_ROWS);
    }

    private static void row(StringBuilder sb, Table t, int r) {
        sb.append("<tr>");
        for (int c = 0; c < t.columnCount(); c++) {
            Column<?> col = t.column(c);
            sb.append("<td").append(align(col)).append('>').append(escape(col.getString(r))).append("</td>");
        }
        sb.append("</tr>\n");
    }

    /** Numbers stay right-aligned (the notebook's default for cells); everything else reads from the left. */
    private static String align(Column<?> c) {
        return c instanceof NumericColumn<?> ? "" : " style=\"text-align:left\"";
    }

    /** The text with the five characters that mean something in HTML replaced by their entities. */
    static String escape(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
