package agecnn.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CsvTest {

    @TempDir
    Path tmp;

    private Path file(String content) throws IOException {
        Path csv = Files.createTempFile(tmp, "t", ".csv");
        Files.writeString(csv, content);
        return csv;
    }

    @Test
    void textIsReadAsItIsWithoutGuessing() throws IOException {
        Csv.Rows rows = Csv.readText(file("\uFEFFfile,note\n007,NA\n#1.jpg,\"a, b\"\n\"x\"\"y\",\n"));
        Table t = rows.table();
        assertEquals(List.of("file", "note"), t.columnNames());
        assertEquals(ColumnType.STRING, t.column("file").type());
        assertEquals(List.of("007", "#1.jpg", "x\"y"), t.stringColumn("file").asList());
        assertEquals(List.of("NA", "a, b", ""), t.stringColumn("note").asList());
        assertTrue(t.stringColumn("note").isMissing(2));
    }

    @Test
    void eachRowKnowsTheLineItStartsOn() throws IOException {
        // blank lines are skipped and a quoted value spans two lines; \r\n or \n alike
        Csv.Rows rows = Csv.readText(file("\na,b\r\n1,2\r\n\r\n  \r\n3,\"x\ny\"\n4,5\n\n6,7"));
        assertEquals(4, rows.table().rowCount());
        assertEquals(3, rows.line(0));
        assertEquals(6, rows.line(1));
        assertEquals("x\ny", rows.table().getString(1, "b"));
        assertEquals(8, rows.line(2));
        assertEquals(10, rows.line(3));
        assertEquals(rows.file() + ": line 10: ", rows.at(3));
    }

    @Test
    void aRowWithAFieldTooManyOrTooFewNamesItsLine() throws IOException {
        Path csv = file("a,b\n1,2\n\n3,\"x\ny\"\n4\n5,6\n");
        IOException e = assertThrows(IOException.class, () -> Csv.readText(csv));
        assertEquals(csv + ": line 6: 1 fields, but the header (line 1) has 2", e.getMessage());
        Path more = file("a,b\n1,2\n3,4,5\n");
        e = assertThrows(IOException.class, () -> Csv.readText(more));
        assertEquals(more + ": line 3: 3 fields, but the header (line 1) has 2", e.getMessage());
    }

    @Test
    void aValueNotOfItsColumnsTypeNamesTheLineAndTheColumn() throws IOException {
        Path csv = file("file,age\na.jpg,3\n\nb.jpg,x\n");
        IOException e = assertThrows(IOException.class,
                () -> Csv.read(csv, name -> name.equals("age") ? ColumnType.INTEGER : ColumnType.STRING));
        assertEquals(csv + ": line 4, column 'age': expected INTEGER, found 'x'", e.getMessage());
    }

    @Test
    void requireNamesTheHeaderAndTheMissingColumn() throws IOException {
        Path csv = file("\nfile,split\nx,train\n");
        IOException e = assertThrows(IOException.class, () -> Csv.readText(csv).require(List.of("file", "split", "bin")));
        assertEquals(csv + ": line 2 (the header) has no column 'bin': found file,split, expected the columns file,split,bin",
                e.getMessage());
        Path empty = file("");
        e = assertThrows(IOException.class, () -> Csv.readText(empty).require(List.of("file")));
        assertEquals(empty + ": the file is empty; expected a header line with the columns file", e.getMessage());
        Path absent = tmp.resolve("absent.csv");
        assertEquals(absent + ": no such file", assertThrows(IOException.class, () -> Csv.readText(absent)).getMessage());
        Path latin1 = tmp.resolve("latin1.csv");
        Files.write(latin1, "file\nb\u00e9b\u00e9.jpg\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(latin1 + ": not UTF-8 text", assertThrows(IOException.class, () -> Csv.readText(latin1)).getMessage());
    }

    @Test
    void writeThenReadGivesTheTableBack() throws IOException {
        Table t = Table.create("t", StringColumn.create("file", new String[] {"a,b.jpg", "say \"hi\".jpg", "007", "", "\u00e9t\u00e9.jpg"}),
                IntColumn.create("age", new Integer[] {1, null, 3, 4, 116}),
                DoubleColumn.create("loss", new double[] {0.1234, 1e-5, 3.0, Double.NaN, 12345678.9}));
        Path csv = tmp.resolve("sub/t.csv");
        Csv.write(t, csv);
        assertEquals("file,age,loss\n\"a,b.jpg\",1,0.1234\nsay \"hi\".jpg,,1.0E-5\n007,3,3.0\n,4,\n\u00e9t\u00e9.jpg,116,1.23456789E7\n",
                Files.readString(csv, StandardCharsets.UTF_8));
        Table back = Csv.read(csv, name -> t.column(name).type()).table();
        assertEquals(t.columnNames(), back.columnNames());
        for (int c = 0; c < t.columnCount(); c++) {
            assertEquals(t.column(c).type(), back.column(c).type());
            for (int r = 0; r < t.rowCount(); r++) {
                assertEquals(t.column(c).isMissing(r), back.column(c).isMissing(r), t.column(c).name() + " row " + r);
                assertEquals(t.getString(r, c), back.getString(r, c), t.column(c).name() + " row " + r);
            }
        }
    }
}
