package agecnn.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

class TableHtmlTest {

    /** The HTML parsed as XML: it must be well formed, every entity known. */
    static Element parse(String html) throws Exception {
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        return d.getDocumentElement();
    }

    /** The text of each cell of each row of the body, in order. */
    static List<List<String>> body(Element table) {
        List<List<String>> rows = new ArrayList<>();
        NodeList trs = ((Element) table.getElementsByTagName("tbody").item(0)).getElementsByTagName("tr");
        for (int r = 0; r < trs.getLength(); r++) {
            List<String> cells = new ArrayList<>();
            NodeList tds = ((Element) trs.item(r)).getElementsByTagName("td");
            for (int c = 0; c < tds.getLength(); c++) cells.add(tds.item(c).getTextContent());
            rows.add(cells);
        }
        return rows;
    }

    static List<String> header(Element table) {
        List<String> names = new ArrayList<>();
        NodeList ths = table.getElementsByTagName("th");
        for (int i = 0; i < ths.getLength(); i++) names.add(ths.item(i).getTextContent());
        return names;
    }

    @Test
    void captionHeaderAndRowsAsTheTextLayoutFormatsThem() throws Exception {
        DoubleColumn percent = DoubleColumn.create("percent", new double[] {1234.5678, 0.04});
        percent.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(1));
        Table t = Table.create("models on the test images", StringColumn.create("model", "baseline", "mobilenet"),
                IntColumn.create("input px", 32, 96), percent, DoubleColumn.create("loss", new double[] {2.6646, 0.125}));
        Element table = parse(TableHtml.html(t));
        assertEquals("table", table.getTagName());
        assertEquals("models on the test images", table.getElementsByTagName("caption").item(0).getTextContent());
        assertEquals(List.of("model", "input px", "percent", "loss"), header(table));
        assertEquals(List.of(List.of("baseline", "32", "1,234.6", "2.6646"), List.of("mobilenet", "96", "0.0", "0.125")), body(table));
        // the same strings stand in the text layout
        String text = TableHtml.text(t);
        for (String cell : List.of("1,234.6", "2.6646", "0.125", "mobilenet")) assertTrue(text.contains(cell), text);
    }

    @Test
    void textIsLeftAlignedAndNumbersAreNot() throws Exception {
        Table t = Table.create("t", StringColumn.create("name", "a"), IntColumn.create("n", new int[] {1}));
        Element table = parse(TableHtml.html(t));
        Element text = (Element) table.getElementsByTagName("td").item(0), number = (Element) table.getElementsByTagName("td").item(1);
        assertEquals("text-align:left", text.getAttribute("style"));
        assertEquals("", number.getAttribute("style"));
        assertEquals("text-align:left", ((Element) table.getElementsByTagName("th").item(0)).getAttribute("style"));
    }

    @Test
    void markupInNamesAndValuesIsEscaped() throws Exception {
        String nasty = "<script>alert('x')</script> & \"quoted\"";
        Table t = Table.create("a <b>bold</b> title", StringColumn.create("<th>", nasty), IntColumn.create("a&b", new int[] {1}));
        String html = TableHtml.html(t);
        assertFalse(html.contains("<script>"), html);
        assertFalse(html.contains("<b>"), html);
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;"), html);
        Element table = parse(html);
        assertEquals("a <b>bold</b> title", table.getElementsByTagName("caption").item(0).getTextContent());
        assertEquals(List.of("<th>", "a&b"), header(table));
        assertEquals(List.of(List.of(nasty, "1")), body(table));
        assertEquals("", TableHtml.escape(null));
    }

    @Test
    void missingValuesAreEmptyCellsAsInTheTextLayout() throws Exception {
        IntColumn n = IntColumn.create("n");
        n.append(7).appendMissing();
        StringColumn s = StringColumn.create("s");
        s.append("x").appendMissing();
        Table t = Table.create("gaps", s, n, DoubleColumn.create("d", new double[] {Double.NaN, 2.5}));
        assertEquals(List.of(List.of("x", "7", ""), List.of("", "", "2.5")), body(parse(TableHtml.html(t))));
        String[] lines = TableHtml.text(t).split("\n");
        assertFalse(lines[lines.length - 1].contains("NaN"), TableHtml.text(t));
    }

    @Test
    void aTableWithoutRowsHasItsHeaderOnly() throws Exception {
        Element table = parse(TableHtml.html(Table.create("problems", StringColumn.create("file"), StringColumn.create("problem"))));
        assertEquals(List.of("file", "problem"), header(table));
        assertEquals(List.of(), body(table));
    }

    @Test
    void aLongTableShowsItsFirstAndLastRowsAndSaysHowManyItHas() throws Exception {
        Table t = Table.create("epochs", IntColumn.indexColumn("epoch", 100, 1));
        Element table = parse(TableHtml.html(t));
        assertEquals("epochs (100 rows, 60 shown)", table.getElementsByTagName("caption").item(0).getTextContent());
        List<List<String>> rows = body(table);
        assertEquals(TableHtml.MAX_ROWS + 1, rows.size());
        assertEquals(List.of("1"), rows.get(0));
        assertEquals(List.of("30"), rows.get(29));
        assertEquals(List.of("\u2026 rows 31 to 70 not shown \u2026"), rows.get(30));
        assertEquals(List.of("71"), rows.get(31));
        assertEquals(List.of("100"), rows.get(60));
        String text = TableHtml.text(t);
        assertTrue(text.contains("..."), text);
        assertTrue(text.contains("(100 rows, 60 shown)"), text);
        assertFalse(text.contains(" 50 "), text);
        assertTrue(text.contains(" 100 "), text);

        // up to the limit, every row
        Table whole = Table.create("epochs", IntColumn.indexColumn("epoch", TableHtml.MAX_ROWS, 1));
        assertEquals(TableHtml.MAX_ROWS, body(parse(TableHtml.html(whole))).size());
        assertEquals(whole.printAll(), TableHtml.text(whole));
    }
}
