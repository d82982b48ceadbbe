package agecnn.nets;

import agecnn.nets.backbones.SqueezeNet11;
import agecnn.nets.backbones.TransferNet;
import agecnn.tensors.Augmentation;
import agecnn.testing.Nets;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A saved model loads back with the same outputs and everything the predictor needs. */
class SavedModelTest {

    @TempDir
    Path tmp;



    void assertRoundTrip(ComputationGraph net, int size, String backbone) throws IOException {
        ModelInfo info = ModelInfo.of("m", backbone, size, Nets.BIN_AGES, Map.of("epochs_run", 3, "optimizer", "Adam"),
                Map.of("test_accuracy", 0.4));
        SavedModel model = new SavedModel(net, info);
        INDArray x = Nets.images(3, size, 9);
        INDArray before = model.predict(x);
        Path file = tmp.resolve(backbone + ".zip");
        model.save(file);
        SavedModel loaded = SavedModel.load(file);
        assertEquals(before, loaded.predict(x));
        assertEquals(info.name(), loaded.info().name());
        assertEquals(size, loaded.info().imageSize());
        assertEquals(ModelInfo.RGB, loaded.info().channelOrder());
        assertEquals(1.0 / 255, loaded.info().scale(), 1e-12);
        assertArrayEquals(Nets.BIN_AGES, loaded.info().binAges(), 1e-12);
        assertEquals(12, loaded.info().bins().size());
        assertEquals(0.4, ((Number) loaded.info().metrics().get("test_accuracy")).doubleValue(), 1e-12);
        assertEquals("Adam", loaded.info().training().get("optimizer"));
    }

    @Test
    void baselineRoundTrip() throws IOException {
        assertRoundTrip(StudyCnn.build(32, Nets.EQUAL_WEIGHTS, Nets.plan(1).updater(), 1), 32, "baseline");
    }

    @Test
    void transferRoundTripKeepsScalingBackboneAndHead() throws IOException {
        TransferNet tn = TransferNet.keras(new SqueezeNet11(), null, 48, 1, StudyHead.study(), Nets.EQUAL_WEIGHTS, Nets.plan(1).updater(), 1);
        assertRoundTrip(tn.graph(), 48, "squeezenet");
    }

    /**
     * The restore path switches the fast path on itself: the networks are made and saved on the
     * plain path, the switch is then put back to DL4J's default (no property: no helpers), as in
     * a JVM where nobody called FastPath.enable(), and SavedModel.load must still give every
     * conv and pooling layer its OneDNN helper; graphs (frozen backbone layers too) and
     * MultiLayerNetworks. Surefire runs many test classes in one JVM, so the switch is set here
     * rather than assumed, and put back afterwards.
     */
    @Test
    void aRestoredModelTakesTheFastPathWhateverTheSwitchWasBefore() throws IOException {
        SavedModel plainGraph = new SavedModel(FastPath.withHelpersDisabled(
                () -> StudyCnn.build(32, Nets.EQUAL_WEIGHTS, Nets.plan(1).updater(), 1)), info(32));
        SavedModel plainFrozen = new SavedModel(FastPath.withHelpersDisabled(() -> TransferNet.keras(new SqueezeNet11(), null, 48, 1,
                StudyHead.study(), Nets.EQUAL_WEIGHTS, Nets.plan(1).updater(), 1).graph()), info(48));
        SavedModel plainList = FastPath.withHelpersDisabled(() -> agecnn.testing.TinyModels.random("tiny", 16, 1));
        assertFalse(FastPath.helpersActive(plainGraph.net()), "made on the plain path");
        assertFalse(FastPath.helpersActive(plainList.net()), "made on the plain path");
        Path graphFile = tmp.resolve("graph.zip"), frozenFile = tmp.resolve("frozen.zip"), listFile = tmp.resolve("list.zip");
        plainGraph.save(graphFile);
        plainFrozen.save(frozenFile);
        plainList.save(listFile);
        String before = System.getProperty(FastPath.HELPERS_DISABLE);
        System.clearProperty(FastPath.HELPERS_DISABLE);
        try {
            SavedModel graph = SavedModel.load(graphFile), frozen = SavedModel.load(frozenFile), list = SavedModel.load(listFile);
            assertTrue(FastPath.helpersActive(graph.net()), "a restored graph has OneDNN helpers on its conv and pooling layers");
            assertTrue(FastPath.helpersActive(frozen.net()), "a restored transfer net has them on its frozen backbone's layers");
            assertTrue(FastPath.helpersActive(list.net()), "a restored MultiLayerNetwork has them");
            // that both paths compute the same outputs is bench's FastPathTest
        } finally {
            if (before == null) System.clearProperty(FastPath.HELPERS_DISABLE);
            else System.setProperty(FastPath.HELPERS_DISABLE, before);
        }
    }

    private static ModelInfo info(int size) {
        return ModelInfo.of("m", "b", size, Nets.BIN_AGES, Map.of(), Map.of());
    }

    @Test
    void predictionsAverageEachImageWithItsMirrorImage() {
        ComputationGraph net = StudyCnn.build(32, Nets.EQUAL_WEIGHTS, Nets.plan(1).updater(), 1);
        SavedModel model = new SavedModel(net, ModelInfo.of("m", "none", 32, Nets.BIN_AGES, Map.of(), Map.of()));
        INDArray x = Nets.images(4, 32, 3), mirrored = Augmentation.flip(x);
        INDArray plain = model.output(x), ofMirror = model.output(mirrored);
        assertNotEquals(plain, ofMirror, "an untrained CNN sees an image and its mirror differently");
        INDArray p = model.predict(x);
        assertTrue(p.equalsWithEps(plain.add(ofMirror).muli(0.5), 1e-6), "the mean of both views");
        assertTrue(p.equalsWithEps(model.predict(mirrored), 1e-6), "the same for the mirror image");
        for (int i = 0; i < 4; i++) assertEquals(1, p.getRow(i).sumNumber().doubleValue(), 1e-5, "row " + i + " is a distribution");
    }

    /** The study's CNN with a softmax over the 120 years (each year its bin's weight). */
    private static ComputationGraph yearsCnn() {
        return StudyCnn.build(32, AgeHead.YEARS.classWeights(Nets.EQUAL_WEIGHTS), Nets.plan(1).updater(), 1);
    }

    @Test
    void aYearsModelGivesBinSumsAndItsMeanOverYearsAndRoundTripsItsHead() throws IOException {
        SavedModel model = new SavedModel(yearsCnn(), info(32).withHead(AgeHead.YEARS));
        INDArray x = Nets.images(3, 32, 4);
        INDArray years = model.output(x).add(model.output(Augmentation.flip(x))).muli(0.5);
        assertArrayEquals(new long[] {3, 120}, years.shape());
        INDArray bins = model.predict(x);
        assertEquals(AgeHead.YEARS.toBins(years), bins, "bin sums of the mirrored mean");
        assertArrayEquals(AgeHead.YEARS.expectedAges(years, null), model.expectedAges(x), "the mean over years, not the bin ages");
        SavedModel.Reading r = model.read(x, null);
        assertEquals(bins, r.bins());
        assertArrayEquals(model.expectedAges(x), r.expectedAges());
        Path file = tmp.resolve("years.zip");
        model.save(file);
        SavedModel loaded = SavedModel.load(file);
        assertEquals(AgeHead.YEARS, loaded.info().head());
        assertEquals("years", SavedModel.readInfo(file).ageHead());
        assertEquals(bins, loaded.predict(x));
    }

    @Test
    void aBackboneWithTheStudysHeadTakesTheYearsFromItsClassWeights() throws IOException {
        TransferNet tn = TransferNet.keras(new SqueezeNet11(), null, 48, 1, StudyHead.study(), AgeHead.YEARS.classWeights(Nets.EQUAL_WEIGHTS),
                Nets.plan(1).updater(), 1);
        SavedModel model = new SavedModel(tn.graph(), info(48).withHead(AgeHead.YEARS));
        INDArray x = Nets.images(2, 48, 6);
        assertArrayEquals(new long[] {2, 120}, model.output(x).shape());
        assertArrayEquals(new long[] {2, 12}, model.predict(x).shape());
    }

    @Test
    void aBinsModelsExpectedAgeIsItsBinAgesWeighted() {
        SavedModel model = new SavedModel(StudyCnn.build(32, Nets.EQUAL_WEIGHTS, Nets.plan(1).updater(), 1), info(32));
        INDArray x = Nets.images(2, 32, 5);
        float[][] p = model.predict(x).toFloatMatrix();
        double[] ages = model.expectedAges(x);
        for (int i = 0; i < 2; i++) assertEquals(AgeHead.weightedMean(p[i], Nets.BIN_AGES), ages[i], 0, "image " + i);
    }

    @Test
    void anInfoWithoutAHeadIsABinsModel() throws IOException {
        // as written before heads had names: no ageHead component
        com.google.gson.JsonObject o = new com.google.gson.Gson().toJsonTree(info(32)).getAsJsonObject();
        assertEquals("bins", o.remove("ageHead").getAsString());
        String json = o.toString();
        ModelInfo old = SavedModel.infoFromJson(json, Path.of("old.zip"));
        assertNull(old.ageHead());
        assertEquals(AgeHead.BINS, old.head());
        assertEquals(AgeHead.BINS, new SavedModel(StudyCnn.build(32, Nets.EQUAL_WEIGHTS, Nets.plan(1).updater(), 1), old).info().head());
    }

    @Test
    void anInfoThatNamesAnotherHeadThanTheNetworkHasIsRefused() throws IOException {
        var e = assertThrows(IllegalArgumentException.class, () -> new SavedModel(yearsCnn(), info(32)));
        assertEquals("model 'm' names a bins head (12 outputs) but its network has 120 outputs", e.getMessage());
        // a file whose info says years over a 12-output network: named, as an IOException
        Path file = tmp.resolve("wrong.zip");
        org.deeplearning4j.util.ModelSerializer.writeModel(StudyCnn.build(32, Nets.EQUAL_WEIGHTS, Nets.plan(1).updater(), 1), file.toFile(), false);
        org.deeplearning4j.util.ModelSerializer.addObjectToFile(file.toFile(), SavedModel.INFO_ENTRY,
                new com.google.gson.Gson().toJson(info(32).withHead(AgeHead.YEARS)));
        IOException io = assertThrows(IOException.class, () -> SavedModel.load(file));
        assertEquals(file + ": model 'm' names a years head (120 outputs) but its network has 12 outputs", io.getMessage());
    }

    @Test
    void aDamagedArtifactIsNamed() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.zip"), "not a zip");
        IOException e = assertThrows(IOException.class, () -> SavedModel.load(bad));
        assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
    }
}
