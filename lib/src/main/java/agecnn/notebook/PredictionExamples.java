package agecnn.notebook;

import agecnn.config.RunRecord;
import agecnn.predict.ImagePrediction;
import agecnn.predict.PredictionTable;
import agecnn.predict.Predictor;
import tech.tablesaw.api.Table;

/**
 * What 06_predict gave the predictor and what came back: one test image as an array and as a
 * file, a scene composed of test faces ({@link SyntheticScene}) given as a file and from a URL.
 *
 * @param model     the predictor's model
 * @param detector  its face detector
 * @param testFile  the test image given as an array and as a file (its name carries the true age)
 */
public record PredictionExamples(String model, String detector, String testFile, ImagePrediction fromArray,
                                 ImagePrediction fromFile, SyntheticScene scene, ImagePrediction fromScene,
                                 ImagePrediction fromUrl) {

    public static PredictionExamples of(Predictor predictor, String testFile, ImagePrediction fromArray, ImagePrediction fromFile,
                                        SyntheticScene scene, ImagePrediction fromScene, ImagePrediction fromUrl) {
        return new PredictionExamples(predictor.info().name(), predictor.detector(), testFile, fromArray, fromFile, scene,
                fromScene, fromUrl);
    }

    /** The four predictions as {@code ./agecnn predict --table} prints them. */
    public Table table() {
        return new PredictionTable().add(fromArray).add(fromFile).add(fromScene).add(fromUrl).table();
    }

    /** How the placed faces were found: each placed face beside the crop that overlaps it most ({@link SyntheticScene#check}). */
    public Table sceneCheck() {
        return scene.check(fromScene.faces());
    }

    /** Facts for run.json under {@code predict}: model, detector, faces placed and found in the scene, each placed face's IoU. */
    public void record(RunRecord record) {
        record.put("predict", "model", model);
        record.put("predict", "detector", detector);
        record.put("predict", "scene_faces_placed", scene.placements().size());
        record.put("predict", "scene_faces_found", fromScene.faces().size());
        record.put("predict", "scene_crop_iou", sceneCheck().doubleColumn("IoU").asList());
    }
}
