package agecnn.predict;

import agecnn.eval.Metrics;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The predictions for one input (an array, a file, a URL): one per face found, in the
 * detector's order (most confident first), or one for the whole image when detection is off.
 *
 * @param image    the picture as read (upright), for drawing
 * @param detector the detector's name, or "off"
 * @param savedAs  where a downloaded image was kept, or null
 */
public record ImagePrediction(String source, String model, BufferedImage image, String detector,
                              List<FacePrediction> faces, Path savedAs) {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    /** One line of JSON: input, model, detector, image size, saved_as, and per face box, score, crop, top bins, expected age. */
    public String toJson(int top) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input", source);
        m.put("model", model);
        m.put("detector", detector);
        m.put("width", image.getWidth());
        m.put("height", image.getHeight());
        m.put("saved_as", savedAs == null ? null : savedAs.toString());
        List<Object> fs = new ArrayList<>();
        for (FacePrediction f : faces) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("box", f.face() == null ? null : box(f.face().rounded()));
            o.put("score", f.face() == null || Double.isNaN(f.face().score()) ? null : Metrics.round(f.face().score(), 4));
            o.put("crop", box(f.crop()));
            List<Object> bins = new ArrayList<>();
            for (BinProbability b : f.top(top)) {
                Map<String, Object> bm = new LinkedHashMap<>();
                bm.put("bin", b.label());
                bm.put("probability", Metrics.round(b.probability(), 4));
                bins.add(bm);
            }
            o.put("top", bins);
            o.put("expected_age", Metrics.round(f.expectedAge(), 1));
            fs.add(o);
        }
        m.put("faces", fs);
        return GSON.toJson(m);
    }

    /** {"input": ..., "error": ...}: the line for an input that could not be handled. */
    public static String errorJson(String input, String error) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input", input);
        m.put("error", error);
        return GSON.toJson(m);
    }

    private static int[] box(Rectangle r) {
        return new int[]{r.x, r.y, r.width, r.height};
    }


    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(source + " (" + faces.size() + (faces.size() == 1 ? " face" : " faces") + ")");
        for (FacePrediction f : faces) sb.append("\n  ").append(f);
        return sb.toString();
    }
}
