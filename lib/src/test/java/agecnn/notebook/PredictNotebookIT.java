package agecnn.notebook;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What 06_predict produced in the shared smoke run: predictions from an array, a file, a
 * composed scene and a loopback URL, and the clear messages for wrong input. Needs 04_model's
 * best.zip in the run.
 */
class PredictNotebookIT {

    @BeforeAll
    static void runNotebooks() throws Exception {
        SmokeRun.get();
    }

    @Test
    void predictOutputs() throws Exception {
        check(SmokeRun.RUN_DIR);
    }

    static void check(Path runDir) throws Exception {
        JsonObject run = new JsonParser().parse(Files.readString(runDir.resolve("run.json"))).getAsJsonObject();
        assertEquals("ok", InterpretNotebookIT.status(run, "06_predict.ipynb"), "06 ran: " + run);
        String nb = Files.readString(runDir.resolve("notebooks/06_predict.ipynb"));
        String text = outputs(nb);

        // the array, the file, the scene: shown with their predictions
        assertTrue(text.contains("array [224, 224, 3] (1 face)"), text);
        for (String f : new String[]{"predict_array.png", "predict_file.png", "predict_scene.png"}) {
            assertNotNull(ImageIO.read(runDir.resolve("figures/faces").resolve(f).toFile()), f);
        }
        assertEquals(3, InterpretNotebookIT.count(nb, "\"image/png\""));

        // wrong arrays, no face, an existing file and a 404: each said clearly
        assertTrue(text.contains("channels-first"), text);
        assertTrue(text.contains("divide by 255 first"), text);
        assertTrue(text.contains("wall.png: no face found"), text);
        assertTrue(text.contains("not overwritten"), text);
        assertTrue(text.contains("HTTP 404"), text);

        // the URL's JSON line: faces with boxes, top bins and an expected age; the image was kept
        String json = text.lines().filter(l -> l.startsWith("{\"input\":\"http://127.0.0.1:")).findFirst().orElseThrow();
        JsonObject p = new JsonParser().parse(json).getAsJsonObject();
        JsonArray faces = p.getAsJsonArray("faces");
        assertTrue(faces.size() >= 1, json);
        for (JsonElement f : faces) {
            JsonObject o = f.getAsJsonObject();
            assertEquals(4, o.getAsJsonArray("box").size());
            assertEquals(3, o.getAsJsonArray("top").size());
            double age = o.get("expected_age").getAsDouble();
            assertTrue(age >= 1 && age <= 120, json);
        }
        assertTrue(Files.isRegularFile(Path.of(p.get("saved_as").getAsString())));

        // the composed scene: its faces found where they were put
        JsonObject facts = run.getAsJsonObject("facts").getAsJsonObject("predict");
        assertEquals(3, facts.get("scene_faces_placed").getAsInt());
        assertEquals(faces.size(), facts.get("scene_faces_found").getAsInt(), "the URL served the scene");

        // the server started in the notebook (./agecnn serve's), asked about the scene over HTTP: the same faces
        assertTrue(text.matches("(?s).*POST http://127\\.0\\.0\\.1:\\d+/api/predict -> HTTP 200\n.*"), text);
        String served = text.lines().filter(l -> l.startsWith("{\"input\":\"upload\"")).findFirst().orElseThrow();
        JsonObject api = new JsonParser().parse(served).getAsJsonObject();
        assertEquals(facts.get("scene_faces_found").getAsInt(), api.getAsJsonArray("faces").size(), served);
        for (JsonElement f : api.getAsJsonArray("faces")) assertEquals(2, f.getAsJsonObject().getAsJsonArray("top").size(), served);
        long framed = 0;
        for (JsonElement iou : facts.getAsJsonArray("scene_crop_iou")) if (iou.getAsDouble() > 0.5) framed++;
        // the ONNX detector finds turned faces too; the Haar fallback (no detector file, offline) may miss them
        boolean onnx = facts.get("detector").getAsString().contains("ONNX");
        assertTrue(framed >= (onnx ? 2 : 1), "placed faces found and framed by " + facts.get("detector") + ": " + facts);

        // what it found, from what it recorded: the model, the array and file, the scene, and the URL giving the scene's answer
        ExecutedNotebook executed = ExecutedNotebook.read(runDir.resolve("notebooks/06_predict.ipynb"));
        String found = executed.lastOutput();
        assertTrue(executed.lastSource().contains("Findings.predict"), executed.lastSource());
        assertTrue(found.startsWith("Model " + facts.get("model").getAsString() + ", face detector " + facts.get("detector").getAsString() + "."),
                found);
        assertTrue(found.contains(") as an array: (") && found.contains("\nThe same image as a file: ("), found);
        assertTrue(found.contains(String.format("%nThe scene: %d faces placed, %d found, %d framed as placed", 3,
                facts.get("scene_faces_found").getAsInt(), framed)), found);
        assertTrue(found.contains("\nThe scene from a URL: the same faces and predictions as from the file."), found);
        assertEquals(1, executed.tables("predictions").size(), "the predictions table is shown as HTML");
    }

    /** The text outputs of all code cells, joined. */
    static String outputs(String notebook) {
        StringBuilder sb = new StringBuilder();
        for (JsonElement c : new JsonParser().parse(notebook).getAsJsonObject().getAsJsonArray("cells")) {
            JsonObject cell = c.getAsJsonObject();
            if (!cell.has("outputs")) continue;
            for (JsonElement o : cell.getAsJsonArray("outputs")) {
                JsonObject out = o.getAsJsonObject();
                if (!out.has("text")) continue;
                JsonElement t = out.get("text");
                if (t.isJsonArray()) for (JsonElement line : t.getAsJsonArray()) sb.append(line.getAsString());
                else sb.append(t.getAsString());
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
