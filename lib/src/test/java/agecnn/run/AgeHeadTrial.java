package agecnn.run;

import agecnn.config.Setting;
import agecnn.config.Settings;
import agecnn.data.CleanData;
import agecnn.data.ImageIndex;
import agecnn.data.Split;
import agecnn.eval.Evaluation;
import agecnn.nets.SavedModel;
import agecnn.nets.StudyCnn;
import agecnn.tensors.PreparedData;
import agecnn.train.Progress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A small real trial of the age heads (issue #16): the study's CNN at 32 px trained with each
 * head on the same balanced subset of UTKFace, scored on its validation images (each model's best
 * epoch, the image and its mirror averaged) and on its test images. An indication on a small
 * subset, not the decision (that is the full data's validation set). Prints one line per head:
 * <pre>
 * UTKFACE_DIR=... java -cp lib/target/test-classes:lib/target/classes:$(cat cp.txt) agecnn.run.AgeHeadTrial \
 *     PER_BIN TRAIN VAL TEST EPOCHS SEED bins,years [WORK_DIR]
 * </pre>
 * PER_BIN images per bin are drawn for the seed, then split TRAIN/VAL/TEST per bin; every
 * epoch runs (no early stop). WORK_DIR (default a temporary folder) holds the tensor cache and the runs.
 */
public final class AgeHeadTrial {

    private AgeHeadTrial() {}

    public static void main(String[] a) throws Exception {
        if (a.length < 7) {
            System.err.println("usage: AgeHeadTrial PER_BIN TRAIN VAL TEST EPOCHS SEED bins,years [WORK_DIR]  (UTKFACE_DIR must be set)");
            System.exit(2);
        }
        int perBin = Integer.parseInt(a[0]), train = Integer.parseInt(a[1]), val = Integer.parseInt(a[2]), test = Integer.parseInt(a[3]);
        String epochs = a[4];
        long seed = Long.parseLong(a[5]);
        Path work = a.length > 7 ? Path.of(a[7]) : Files.createTempDirectory("age-head-trial");
        String dir = Settings.environment(Setting.UTKFACE_DIR);
        if (dir == null) throw new IllegalArgumentException("set UTKFACE_DIR to the folder of the UTKFace images");
        Path utk = Path.of(dir);
        ImageIndex index = ImageIndex.build(utk, perBin, seed);
        CleanData clean = CleanData.scrub(index.images());
        Split split = Split.balanced(clean.table(), train, val, test, seed);
        for (String head : a[6].split(",")) {
            Map<String, String> p = new HashMap<>(Map.of("PROJECT_DIR", work.toString(), "UTKFACE_DIR", utk.toString(),
                    "PROFILE", "smoke", "IMAGE_SIZE", "32", "MODELS", StudyCnn.NAME, "EPOCHS", epochs, "PATIENCE", "0",
                    "SEED", Long.toString(seed), "AGE_HEAD", head, "RUN_DIR", work.resolve("run-" + head + "-" + seed).toString()));
            Settings s = Settings.of(p);
            PreparedData data = new PreparedData(s, index, clean, split);
            TrainingSession session = TrainingSession.start(s, data, Progress.quiet());
            long t0 = System.nanoTime();
            ModelScore score = session.train(StudyCnn.NAME);
            double secs = (System.nanoTime() - t0) / 1e9;
            Evaluation v = Evaluation.of(SavedModel.load(session.modelFile(StudyCnn.NAME)), data, Split.VAL);
            System.out.printf("head=%s seed=%d train=%d val=%d test=%d epochs=%s best_epoch=%d | validation: accuracy %.3f one-off %.3f"
                            + " MAE %.2f | test: accuracy %.3f one-off %.3f MAE %.2f | %.0f s%n",
                    head, seed, split.files(Split.TRAIN).size(), split.files(Split.VAL).size(), split.files(Split.TEST).size(), epochs,
                    score.history().best().epoch(), v.metrics().accuracy(), v.metrics().oneOffAccuracy(), v.metrics().maeYears(),
                    score.test().accuracy(), score.test().oneOffAccuracy(), score.test().maeYears(), secs);
        }
    }
}
