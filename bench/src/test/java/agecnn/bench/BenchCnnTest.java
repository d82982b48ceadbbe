package agecnn.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class BenchCnnTest {

    @Test
    void defaultShapeMatchesTheBenchmarkNetwork() {
        MultiLayerNetwork net = BenchCnn.build(64, 12, 1);
        assertEquals(8, net.getnLayers()); // 3 x (conv, pool), dense, output
        // conv 3->32, 32->64, 64->128 (3x3 + bias), dense 8*8*128 -> 128, output 128 -> 12
        long expected = (3 * 32 * 9 + 32) + (32 * 64 * 9 + 64) + (64 * 128 * 9 + 128)
                + (8 * 8 * 128 * 128 + 128) + (128 * 12 + 12);
        assertEquals(expected, net.numParams());
        assertArrayEquals(new long[] {2, 12}, net.output(Nd4j.rand(DataType.FLOAT, 2, 3, 64, 64)).shape());
        assertEquals(CacheMode.DEVICE, net.getLayerWiseConfigurations().getConf(0).getCacheMode());
    }

    @Test
    void filtersAndDenseSizeAreParameters() {
        MultiLayerNetwork net = BenchCnn.build(BenchCnn.config(32, 5, 1, new int[] {8, 16}, 20));
        assertEquals(6, net.getnLayers());
        assertArrayEquals(new long[] {3, 5}, net.output(Nd4j.rand(DataType.FLOAT, 3, 3, 32, 32)).shape());
    }

    @Test
    void rejectsImagesTooSmallForThePooling() {
        assertThrows(IllegalArgumentException.class, () -> BenchCnn.config(4, 12, 1));
    }
}
