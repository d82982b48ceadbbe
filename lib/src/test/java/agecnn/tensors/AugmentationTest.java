package agecnn.tensors;

import agecnn.testing.Nets;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class AugmentationTest {

    @Test
    void mirroringTwiceGivesTheImagesBack() {
        INDArray x = Nets.images(2, 16, 1);
        INDArray once = Augmentation.flip(x);
        assertNotEquals(x, once);
        assertEquals(x.getFloat(0, 1, 3, 0), once.getFloat(0, 1, 3, 15), 0f);
        assertEquals(x, Augmentation.flip(once));
    }

    @Test
    void cropsKeepShapeAndRangeAndRepeatForTheSameGenerator() {
        INDArray x = Nets.images(4, 32, 2);
        INDArray a = Augmentation.apply(x, new Random(5)), b = Augmentation.apply(x, new Random(5));
        assertArrayEquals(x.shape(), a.shape());
        assertEquals(a, b);
        assertNotEquals(x, a);
        assertTrue(a.minNumber().doubleValue() >= 0 && a.maxNumber().doubleValue() <= 1);
    }
}
