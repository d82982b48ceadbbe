package agecnn.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SavedModelTest {

    @Test
    void roundTripKeepsTheInfoAndTheOutputs(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new OutputLayer.Builder().nOut(12).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(4, 4, 3)).build());
        net.init();
        double[] binAges = new double[12];
        for (int b = 0; b < 12; b++) binAges[b] = 2 + 6 * b;
        ModelInfo info = ModelInfo.of("tiny", "none", 4, binAges, Map.of("epochs", 1), Map.of("accuracy", 0.5));
        SavedModel saved = new SavedModel(net, info);
        saved.save(dir.resolve("m.zip"));

        SavedModel loaded = SavedModel.load(dir.resolve("m.zip"));
        assertEquals("tiny", loaded.info().name());
        assertEquals(4, loaded.info().imageSize());
        assertArrayEquals(binAges, loaded.info().binAges());
        assertEquals(info.bins(), loaded.info().bins());
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3, 4, 4);
        assertEquals(saved.predict(x), loaded.predict(x));
    }
}
