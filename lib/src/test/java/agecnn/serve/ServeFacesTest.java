package agecnn.serve;

import agecnn.testing.TinyModels;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The API with face detection on: a composed scene of three UTKFace faces gets three faces with
 * their boxes, one face crop gets one, a photo without a face is a 400 that says how to go on.
 * Skipped where the UTKFace images or the detector's file are absent.
 */
class ServeFacesTest {

    @TempDir
    static Path tmp;

    static PredictServer server;
    static URI base;

    @BeforeAll
    static void start() throws IOException {
        Path model = TinyModels.save(tmp.resolve("tiny.zip"), "tiny", 32, 7);
        server = PredictServer.start(ServeOptions.defaults().withPort(0).withWorkers(1, 4), Scenes.withDetector(model), line -> { });
        base = server.uri();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void aComposedSceneGetsEachFaceWithItsBox() throws IOException {
        byte[] scene = Scenes.jpeg(Scenes.threeFaces());
        Http.Answer a = Http.postImage(base, "?top=2", "image/jpeg", scene);
        assertEquals(200, a.status(), a.body());
        JsonObject p = a.json();
        assertTrue(p.get("detector").getAsString().contains("ONNX"), a.body());
        assertEquals(960, p.get("width").getAsInt());
        assertEquals(3, p.getAsJsonArray("faces").size(), a.body());
        for (JsonElement e : p.getAsJsonArray("faces")) {
            JsonObject f = e.getAsJsonObject();
            assertEquals(4, f.getAsJsonArray("box").size());
            assertTrue(f.get("score").getAsDouble() > 0.7);
            assertEquals(2, f.getAsJsonArray("top").size());
        }
    }

    @Test
    void oneFaceCropGetsOneFaceAndDetectFalseTakesTheWholeImage() throws IOException {
        byte[] face = Scenes.face(Scenes.FACES[0]);
        Http.Answer a = Http.postImage(base, "", "image/jpeg", face);
        assertEquals(200, a.status(), a.body());
        assertEquals(1, a.json().getAsJsonArray("faces").size(), a.body());
        assertFalse(a.json().getAsJsonArray("faces").get(0).getAsJsonObject().get("box").isJsonNull());

        Http.Answer whole = Http.postImage(base, "?detect=false", "image/jpeg", face);
        assertEquals(200, whole.status(), whole.body());
        assertEquals("off", whole.json().get("detector").getAsString());
        assertEquals("[0,0,200,200]", whole.json().getAsJsonArray("faces").get(0).getAsJsonObject().get("crop").toString());
    }

    @Test
    void noFaceIs400SayingHowToGoOn() {
        byte[] wall = agecnn.testing.TestImages.encode(agecnn.testing.TestImages.solid(320, 240, 0x8899AA), "png");
        Http.Answer a = Http.postImage(base, "", "image/png", wall);
        assertEquals(400, a.status(), a.body());
        assertTrue(a.error().startsWith("upload: no face found (detector: ultra-light"), a.body());
        assertTrue(a.error().contains("detect=false"), a.body());
    }
}
