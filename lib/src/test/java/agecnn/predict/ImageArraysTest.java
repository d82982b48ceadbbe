package agecnn.predict;

import agecnn.io.Fetcher;
import agecnn.testing.TestImages;
import agecnn.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.*;

/** Arrays in the study's form (224x224x3, scaled by 1/255), other sizes, and wrong arrays refused clearly. */
class ImageArraysTest {

    final Predictor predictor = new Predictor(TinyModels.random("tiny", 16, 1), null, Fetcher.Limits.forImages());

    private static String refused(INDArray a) {
        return assertThrows(IllegalArgumentException.class, () -> ImageArrays.toImage(a)).getMessage();
    }

    @Test
    void aPhotoBecomesTheStudysArrayAndBackWithoutLoss() {
        BufferedImage photo = TestImages.noise(300, 200, 5);
        INDArray a = ImageArrays.hwc(photo, ImageArrays.STUDY_SIZE);
        assertArrayEquals(new long[]{224, 224, 3}, a.shape());
        assertTrue(a.minNumber().doubleValue() >= 0 && a.maxNumber().doubleValue() <= 1);
        BufferedImage back = ImageArrays.toImage(a);
        assertArrayEquals(agecnn.tensors.Resizer.toSquareRgb(photo, 224), agecnn.tensors.Resizer.toSquareRgb(back, 224));
        // channel order: a red pixel is [1, 0, 0]
        INDArray red = ImageArrays.hwc(TestImages.solid(4, 4, 0xFF0000), 2);
        assertEquals(1.0, red.getDouble(0, 0, 0), 1e-6);
        assertEquals(0.0, red.getDouble(0, 0, 1), 1e-6);
    }

    @Test
    void theStudysArrayGivesOnePredictionAndOtherSizesAreResized() {
        INDArray a = ImageArrays.hwc(TestImages.noise(200, 200, 6), 224);
        ImagePrediction p = predictor.predictArray(a);
        assertEquals(1, p.faces().size());
        FacePrediction f = p.faces().get(0);
        assertNull(f.face());
        double sum = 0;
        for (float v : f.probabilities()) sum += v;
        assertEquals(1, sum, 1e-4);
        assertTrue(f.expectedAge() >= 1 && f.expectedAge() <= 120);
        assertEquals(3, f.top(3).size());
        assertTrue(f.top(3).get(0).probability() >= f.top(3).get(1).probability());
        // a batch of one, and another size, are accepted
        assertEquals(1, predictor.predictArray(a.reshape(1, 224, 224, 3)).faces().size());
        assertEquals(1, predictor.predictArray(Nd4j.rand(100, 80, 3)).faces().size());
        // a plain Java array too
        float[][][] plain = new float[20][20][3];
        plain[3][4][0] = 1f;
        assertEquals(0xFF0000, ImageArrays.toImage(plain).getRGB(4, 3) & 0xFFFFFF);
    }

    @Test
    void wrongArraysAreRefusedSayingWhatWasExpected() {
        assertTrue(refused(Nd4j.rand(224, 224)).contains("expected an image array [height, width, 3]"));
        assertTrue(refused(Nd4j.rand(2, 224, 224, 3)).contains("got shape [2, 224, 224, 3]"));
        assertTrue(refused(Nd4j.rand(3, 224, 224)).contains("channels-first"));
        assertTrue(refused(Nd4j.rand(224, 224, 4)).contains("[224, 224, 4]"));
        INDArray nan = Nd4j.rand(8, 8, 3);
        nan.putScalar(new long[]{2, 5, 1}, Double.NaN);
        String m = refused(nan);
        assertTrue(m.contains("NaN") && m.contains("[2, 5, 1]") && m.contains("finite"), m);
        INDArray unscaled = Nd4j.rand(8, 8, 3).muli(255);
        assertTrue(refused(unscaled).contains("divide by 255"));
        INDArray negative = Nd4j.rand(8, 8, 3).subi(2);
        assertTrue(refused(negative).contains("0..1"));
        INDArray inf = Nd4j.rand(8, 8, 3);
        inf.putScalar(new long[]{0, 0, 0}, Double.POSITIVE_INFINITY);
        assertTrue(refused(inf).contains("Infinity"));
        assertThrows(IllegalArgumentException.class, () -> ImageArrays.toImage(new float[2][2][4]));
        assertThrows(IllegalArgumentException.class, () -> predictor.predictArray(Nd4j.rand(5, 5)));
    }
}
