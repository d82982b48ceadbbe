package agecnn.notebook;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A notebook as the runner wrote it after executing it: its code cells' outputs, for the integration tests. */
record ExecutedNotebook(Path file, List<JsonObject> codeCells) {

    static ExecutedNotebook read(Path ipynb) throws IOException {
        List<JsonObject> cells = new ArrayList<>();
        for (JsonElement c : JsonParser.parseString(Files.readString(ipynb)).getAsJsonObject().getAsJsonArray("cells")) {
            if (c.getAsJsonObject().get("cell_type").getAsString().equals("code")) cells.add(c.getAsJsonObject());
        }
        return new ExecutedNotebook(ipynb, cells);
    }

    /** What the last code cell printed (its stream outputs, joined): where each notebook says what it found. */
    String lastOutput() {
        return text(codeCells.get(codeCells.size() - 1));
    }

    /** The source of the last code cell. */
    String lastSource() {
        return join(codeCells.get(codeCells.size() - 1).get("source"));
    }

    /**
     * The display outputs that show a table named {@code name}: an HTML table with that caption, and its text
     * layout as the text/plain beside it.
     */
    List<JsonObject> tables(String name) {
        List<JsonObject> found = new ArrayList<>();
        for (JsonObject cell : codeCells) {
            for (JsonElement o : cell.getAsJsonArray("outputs")) {
                JsonObject out = o.getAsJsonObject();
                if (!out.has("data")) continue;
                JsonObject data = out.getAsJsonObject("data");
                if (data.has("text/html") && join(data.get("text/html")).contains(">" + TableHtml.escape(name) + "</caption>")) found.add(data);
            }
        }
        return found;
    }

    private static String text(JsonObject cell) {
        StringBuilder sb = new StringBuilder();
        for (JsonElement o : cell.getAsJsonArray("outputs")) {
            JsonObject out = o.getAsJsonObject();
            if (out.has("text")) sb.append(join(out.get("text")));
        }
        return sb.toString();
    }

    static String join(JsonElement e) {
        if (!e.isJsonArray()) return e.getAsString();
        StringBuilder sb = new StringBuilder();
        for (JsonElement line : e.getAsJsonArray()) sb.append(line.getAsString());
        return sb.toString();
    }
}
