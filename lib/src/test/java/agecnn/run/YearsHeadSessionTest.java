package agecnn.run;

import agecnn.data.AgeBins;
import agecnn.data.Split;
import agecnn.nets.AgeHead;
import agecnn.nets.SavedModel;
import agecnn.nets.StudyCnn;
import agecnn.tensors.ImageExamples;
import agecnn.tensors.PreparedData;
import agecnn.tensors.TensorCache;
import agecnn.testing.TinyData;
import agecnn.train.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code AGE_HEAD=years} through the normal session: a tiny run of the study's CNN with a softmax over years. */
class YearsHeadSessionTest {

    @TempDir
    Path tmp;

    @Test
    void aYearsRunSavesAModelThatSaysSoAndPredictsTwelveBins() throws IOException {
        PreparedData data = TinyData.scrubbed(tmp, 3, 1, 1, 1, Map.of("MODELS", StudyCnn.NAME, "IMAGE_SIZE", "32", "EPOCHS", "1",
                "BATCH_SIZE", "6", "AGE_HEAD", "years", "AGE_SIGMA", "2"));
        TrainingSession session = TrainingSession.start(data.settings(), data, Progress.quiet());
        assertEquals(AgeHead.YEARS, session.plan().ageHead());
        ModelScore score = session.train(StudyCnn.NAME);
        assertEquals(1, score.history().size());

        SavedModel saved = SavedModel.load(session.modelFile(StudyCnn.NAME));
        assertEquals(AgeHead.YEARS, saved.info().head(), "the file says which head it has");
        assertEquals("years", saved.info().training().get("age_head"));
        assertEquals(2.0, ((Number) saved.info().training().get("age_sigma")).doubleValue(), 0);

        TensorCache cache = data.cache(32);
        java.util.List<String> files = data.split().files(Split.TEST);
        ImageExamples test = new ImageExamples(cache, files, data.split().bins(Split.TEST), new int[files.size()]);
        INDArray x = test.inputs(agecnn.tensors.Examples.range(0, files.size()), null);
        INDArray p = saved.predict(x);
        assertArrayEquals(new long[] {files.size(), AgeBins.COUNT}, p.shape());
        for (int i = 0; i < files.size(); i++) {
            // 120 float32 probabilities summed: rounding below 120 * 2^-24 < 1e-5
            assertEquals(1, p.getRow(i).sumNumber().doubleValue(), 1e-5, "row " + i + " is a distribution over the 12 bins");
        }
        for (double age : saved.expectedAges(x)) assertTrue(age >= 1 && age <= 120, "an age in years: " + age);
    }
}
