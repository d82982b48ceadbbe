package agecnn.run;

import agecnn.config.Settings;
import agecnn.data.Split;
import agecnn.eval.Evaluation;
import agecnn.eval.Metrics;
import agecnn.nets.SavedModel;
import agecnn.tensors.PreparedData;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores saved models, each alone and all of them as one ensemble ({@link SavedModel#ensemble}),
 * on the validation and test images of a run (issue #16: which combination of models is worth
 * its time). The settings come from the environment, as a run's do, so {@code RUN_ID} and
 * {@code PROFILE} name the run whose split is scored; models trained on another run are fine when
 * that run had the same split (compare the two runs' {@code split.csv}). Prints a line per model
 * and split, then the per-bin table of each on the test images:
 * <pre>
 * PROJECT_DIR=$PWD RUN_ID=default-full8 PROFILE=default java -cp lib/target/test-classes:lib/target/classes:$(cat cp.txt) agecnn.run.EnsembleTrial \
 *     reports/default-full8/models/faceresnet.zip reports/trial-hse2/models/hseface.zip
 * </pre>
 */
public final class EnsembleTrial {

    private EnsembleTrial() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) throw new IllegalArgumentException("give the saved models to score (two or more for an ensemble)");
        Settings settings = Settings.fromEnvironment();
        PreparedData data = PreparedData.load(settings);
        List<SavedModel> models = new ArrayList<>();
        for (String f : args) models.add(SavedModel.load(Path.of(f)));
        List<SavedModel> scored = new ArrayList<>(models);
        if (models.size() > 1) scored.add(SavedModel.ensemble(TrainingSession.ENSEMBLE, models));
        for (SavedModel m : scored) {
            for (String split : List.of(Split.VAL, Split.TEST)) {
                long t0 = System.nanoTime();
                Metrics x = Evaluation.of(m, data, split).metrics();
                System.out.printf("%-12s %-5s exact %.1f%% one-off %.1f%% MAE %.2f  95%% intervals %s  (%.0f s)%n", m.info().name(), split,
                        100 * x.accuracy(), 100 * x.oneOffAccuracy(), x.maeYears(), x.intervals95(), (System.nanoTime() - t0) / 1e9);
                if (split.equals(Split.TEST)) System.out.println(x.perBin().printAll());
            }
        }
    }
}
