package agecnn.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import agecnn.config.RunRecord;
import agecnn.data.AgeBins;
import agecnn.predict.FaceBox;
import agecnn.predict.FacePrediction;
import agecnn.predict.ImagePrediction;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 06_predict's examples: their table and the facts kept of them. */
class PredictionExamplesTest {

    @TempDir
    Path tmp;

    static FacePrediction face(int bin, double p, double age, Rectangle crop) {
        float[] probs = new float[AgeBins.COUNT];
        Arrays.fill(probs, (float) ((1 - p) / (AgeBins.COUNT - 1)));
        probs[bin] = (float) p;
        return new FacePrediction(crop == null ? null : new FaceBox(crop.x, crop.y, crop.width, crop.height, 0.9),
                crop == null ? new Rectangle(0, 0, 10, 10) : crop, probs, age);
    }

    static ImagePrediction image(String source, FacePrediction... faces) {
        return new ImagePrediction(source, "m", new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB), "detector d", List.of(faces), null);
    }

    static PredictionExamples examples(ImagePrediction fromUrl) {
        BufferedImage face = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
        SyntheticScene scene = new SyntheticScene(300, 200, 1).place("one", face, 50, 50, 40, 0).place("two", face, 200, 100, 60, 10);
        ImagePrediction fromScene = image("scene.jpg", face(5, 0.5, 30.04, new Rectangle(30, 30, 40, 40)),
                face(8, 0.3, 50, new Rectangle(250, 150, 20, 20)));
        return new PredictionExamples("m", "detector d", "35_0_0_20170117120000000.jpg.chip.jpg",
                image("array [224, 224, 3]", face(6, 0.41, 34.2, null)), image("file.jpg", face(5, 0.39, 31.0, new Rectangle(1, 1, 8, 8))),
                scene, fromScene, fromUrl == null ? image("http://x/scene.jpg", fromScene.faces().toArray(new FacePrediction[0])) : fromUrl);
    }

    @Test
    void predictionExamplesRecordTheSceneAndTabulateEveryInput() throws IOException {
        PredictionExamples e = examples(null);
        e.record(new RunRecord(tmp));
        JsonObject predict = JsonParser.parseString(Files.readString(tmp.resolve("facts.json"))).getAsJsonObject().getAsJsonObject("predict");
        assertEquals(List.of("model", "detector", "scene_faces_placed", "scene_faces_found", "scene_crop_iou"), List.copyOf(predict.keySet()));
        assertEquals("m", predict.get("model").getAsString());
        assertEquals(2, predict.get("scene_faces_placed").getAsInt());
        assertEquals(2, predict.get("scene_faces_found").getAsInt());
        assertEquals(1.0, predict.getAsJsonArray("scene_crop_iou").get(0).getAsDouble(), 1e-9);
        assertEquals(1 + 1 + 2 + 2, e.table().rowCount(), "one row per face of the array, the file, the scene and the URL");
    }

}
