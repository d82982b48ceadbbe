package agecnn.predict;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.Rectangle;
import java.util.List;

/** Predictions as a readable table: one row per face, and one per input that failed. */
public final class PredictionTable {

    private final Table table = Table.create("predictions", StringColumn.create("input"), StringColumn.create("face box"),
            StringColumn.create("1st"), StringColumn.create("2nd"), StringColumn.create("3rd"),
            DoubleColumn.create("expected age"), StringColumn.create("error"));

    public PredictionTable add(ImagePrediction p) {
        for (FacePrediction f : p.faces()) {
            List<BinProbability> top = f.top(3);
            table.stringColumn("input").append(p.source());
            Rectangle r = f.face() == null ? null : f.face().rounded();
            table.stringColumn("face box").append(r == null ? "whole image" : r.x + "," + r.y + " " + r.width + "x" + r.height);
            table.stringColumn("1st").append(top.get(0).toString());
            table.stringColumn("2nd").append(top.size() > 1 ? top.get(1).toString() : "");
            table.stringColumn("3rd").append(top.size() > 2 ? top.get(2).toString() : "");
            table.doubleColumn("expected age").append(Math.round(f.expectedAge() * 10) / 10.0);
            table.stringColumn("error").append("");
        }
        return this;
    }

    public PredictionTable addError(String input, String error) {
        table.stringColumn("input").append(input);
        for (String c : List.of("face box", "1st", "2nd", "3rd")) table.stringColumn(c).append("");
        table.doubleColumn("expected age").appendMissing();
        table.stringColumn("error").append(error);
        return this;
    }

    public Table table() {
        return table;
    }
}
