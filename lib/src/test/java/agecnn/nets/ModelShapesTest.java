package agecnn.nets;

import agecnn.nets.backbones.Backbone;
import agecnn.nets.backbones.TransferNet;
import agecnn.nets.backbones.EfficientNetB0;
import agecnn.nets.backbones.MobileNetV1;
import agecnn.nets.backbones.SqueezeNet11;
import agecnn.nets.backbones.ZooBackbone;
import agecnn.testing.Nets;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.*;

/** Every model takes NCHW RGB images of its size and gives 12 probabilities per image. */
class ModelShapesTest {

    static void assertProbabilities(ComputationGraph net, int size) {
        INDArray p = net.outputSingle(false, Nets.images(2, size, 1));
        assertArrayEquals(new long[] {2, 12}, p.shape());
        for (int i = 0; i < 2; i++) assertEquals(1.0, p.getRow(i).sumNumber().doubleValue(), 1e-4);
    }

    static TransferNet keras(Backbone b, int size, int trainable) {
        return TransferNet.keras(b, null, size, trainable, StudyHead.study(), Nets.EQUAL_WEIGHTS, Nets.plan(1).updater(), 1);
    }

    @Test
    void studyBaseline() {
        ComputationGraph net = StudyCnn.build(32, Nets.EQUAL_WEIGHTS, Nets.plan(1).updater(), 1);
        assertProbabilities(net, 32);
        // conv 32x3x3x3+32, conv 32x32x4x4+32, conv 64x32x3x3+64, dense (2*2*64)x64+64, out 64x12+12
        assertEquals(896 + 16416 + 18496 + 16448 + 780, net.numParams());
        assertThrows(IllegalArgumentException.class, () -> StudyCnn.build(16, Nets.EQUAL_WEIGHTS, Nets.plan(1).updater(), 1));
    }

    @Test
    void mobileNet() {
        TransferNet tn = keras(new MobileNetV1(), 64, 1);
        assertProbabilities(tn.graph(), 64);
        assertEquals("conv_pw_12_relu", tn.frozenUntil());
        // Keras MobileNet 0.25 without top: 218,544 weights and BN moving statistics
        long backbone = tn.graph().numParams() - tn.graph().getLayer(StudyHead.DENSE).numParams()
                - tn.graph().getLayer(StudyHead.OUTPUT).numParams() - tn.graph().getLayer(InputScaling.LAYER).numParams();
        assertEquals(218_544, backbone);
    }

    @Test
    void squeezeNet() {
        TransferNet tn = keras(new SqueezeNet11(), 64, 1);
        assertProbabilities(tn.graph(), 64);
        assertEquals("fire8_concat", tn.frozenUntil());
        long backbone = tn.graph().numParams() - tn.graph().getLayer(StudyHead.DENSE).numParams()
                - tn.graph().getLayer(StudyHead.OUTPUT).numParams() - tn.graph().getLayer(InputScaling.LAYER).numParams();
        assertEquals(722_496, backbone);   // keras-squeezenet v1.1 without top
    }

    @Test
    void efficientNetB0() {
        TransferNet tn = keras(new EfficientNetB0(), 64, 1);
        assertProbabilities(tn.graph(), 64);
        assertEquals("block6d_add", tn.frozenUntil());
        long backbone = tn.graph().numParams() - tn.graph().getLayer(StudyHead.DENSE).numParams()
                - tn.graph().getLayer(StudyHead.OUTPUT).numParams() - tn.graph().getLayer(InputScaling.LAYER).numParams();
        assertEquals(4_049_571 - 7, backbone);   // Keras EfficientNetB0 without top, less its normalization layer's 7 numbers
    }

    @Test
    void zooBackbonesLoseTheirClassifierAndTakeTheHead() {
        for (ZooBackbone z : new ZooBackbone[] {ZooBackbone.VGG16, ZooBackbone.VGG19}) {
            ComputationGraph zoo = (ComputationGraph) z.zooModel(32).init();
            TransferNet tn = z.transferNet(zoo, "random (test)", 32, 1, StudyHead.study(), Nets.EQUAL_WEIGHTS, Nets.plan(1).updater(), 1);
            assertProbabilities(tn.graph(), 32);
            // frozen up to the fourth pooling layer: the last block (three or four convolutions and a pooling) trains
            assertTrue(tn.graph().getLayer(tn.frozenUntil()) instanceof org.deeplearning4j.nn.layers.FrozenLayer, tn.frozenUntil());
        }
        ComputationGraph resnet = (ComputationGraph) ZooBackbone.RESNET50.zooModel(96).init();
        TransferNet tn = ZooBackbone.RESNET50.transferNet(resnet, "random (test)", 96, 1, StudyHead.study(), Nets.EQUAL_WEIGHTS,
                Nets.plan(1).updater(), 1);
        // shape only: fifty untrained layers on caffe-scaled input (0-255) overflow to NaN, trained ones do not
        assertArrayEquals(new long[] {2, 12}, tn.graph().outputSingle(false, Nets.images(2, 96, 1)).shape());
        assertTrue(tn.frozenUntil().startsWith("res5b"), tn.frozenUntil());
    }

    @Test
    void trainableBlocksOutOfRangeNamesTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> keras(new MobileNetV1(), 64, 14));
        assertTrue(e.getMessage().startsWith("TRAINABLE_BLOCKS must be between 0 and 13 for mobilenet"), e.getMessage());
        assertEquals("conv_pw_13_relu", keras(new MobileNetV1(), 64, 0).frozenUntil());
    }
}
