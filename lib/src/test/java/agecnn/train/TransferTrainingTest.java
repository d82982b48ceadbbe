package agecnn.train;

import agecnn.run.TrainingSession;
import agecnn.tensors.Examples;
import agecnn.eval.Predictions;
import agecnn.nets.SavedModel;
import agecnn.nets.StudyHead;
import agecnn.nets.backbones.TransferNet;
import agecnn.nets.backbones.MobileNetV1;
import agecnn.nets.backbones.SqueezeNet11;
import agecnn.nets.backbones.ZooBackbone;
import agecnn.nets.weights.WeightFile;
import agecnn.tensors.ImageExamples;
import agecnn.tensors.PreparedData;
import agecnn.testing.Nets;
import agecnn.testing.SyntheticImages;
import agecnn.testing.TestWeights;
import agecnn.testing.TinyData;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.TransferLearningHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Frozen layers stay as loaded; training on cached backbone outputs gives the same network as on images. */
class TransferTrainingTest {

    @TempDir
    Path tmp;

    /** Untrained SqueezeNet: without batch norm its signal survives random weights (MobileNet's fades to zero). */
    static TransferNet squeezeNet(int size) {
        return TransferNet.keras(new SqueezeNet11(), null, size, 1, StudyHead.study(), Nets.EQUAL_WEIGHTS, Nets.plan(1).updater(), 3);
    }

    static Map<String, INDArray> params(ComputationGraph g) {
        Map<String, INDArray> m = new HashMap<>();
        for (Layer l : g.getLayers()) if (l.numParams() > 0) m.put(l.conf().getLayer().getLayerName(), l.params().dup());
        return m;
    }

    static boolean frozen(ComputationGraph g, String layer) {
        return g.getLayer(layer) instanceof org.deeplearning4j.nn.layers.FrozenLayer;
    }

    @Test
    void backbonesWithoutBatchNormDivideTheRateTheOthersKeepIt() {
        TrainingPlan plan = Nets.plan(1);
        assertEquals(plan, plan.withLearningRateDividedBy(new MobileNetV1().learningRateDivisor()), "MobileNet has batch norm");
        assertEquals(plan, plan.withLearningRateDividedBy(ZooBackbone.RESNET50.learningRateDivisor()), "so has ResNet50");
        for (double d : new double[] {new SqueezeNet11().learningRateDivisor(), ZooBackbone.VGG16.learningRateDivisor(),
                ZooBackbone.VGG19.learningRateDivisor()}) {
            assertEquals(plan.learningRate() / 10, plan.withLearningRateDividedBy(d).learningRate(), 1e-12);
        }
        TrainingPlan own = plan.withLearningRateDividedBy(10);
        assertEquals(new TrainingPlan(plan.epochs(), plan.batchSize(), plan.epochImages(), plan.learningRate() / 10, plan.lrDecay(),
                plan.patience(), plan.augment(), plan.featureViews(), plan.labelSpread(), plan.mixup(), plan.seed()), own, "only the rate differs");
    }

    @Test
    void theSessionTrainsSqueezeNetAtATenthOfTheRateAndMobileNetAtTheRate() throws IOException {
        Path weights = TestWeights.file(WeightFile.SQUEEZENET_V11.fileName()).getParent();
        TestWeights.file(WeightFile.MOBILENET_V1_025.fileName());
        PreparedData data = TinyData.scrubbed(tmp, 3, 1, 1, 1, Map.of("MODELS", "mobilenet,squeezenet", "WEIGHTS_DIR", weights.toString(),
                "TRANSFER_IMAGE_SIZE", "48", "TRAINABLE_BLOCKS", "1", "EPOCHS", "1", "BATCH_SIZE", "6", "LEARNING_RATE", "0.002"));
        TrainingSession session = TrainingSession.start(data.settings(), data, Progress.quiet());
        Table models = session.models();
        assertEquals(0.002, models.doubleColumn("learning_rate").getDouble(0), 1e-12, "mobilenet, in the models table");
        assertEquals(0.0002, models.doubleColumn("learning_rate").getDouble(1), 1e-12, "squeezenet, in the models table");
        session.train("squeezenet");
        // what trained and was saved: the trainable layers' Adam, and the training facts in the model file
        SavedModel saved = SavedModel.load(session.modelFile("squeezenet"));
        for (String layer : new String[] {"fire9_expand3x3", StudyHead.DENSE}) {
            var conf = (BaseLayer) ((ComputationGraph) saved.net()).getLayer(layer).conf().getLayer();
            assertEquals(0.0002, conf.getIUpdater().getLearningRate(0, 0), 1e-12, layer);
        }
        assertEquals("Adam, learning rate 2.0E-4 times 0.85 per epoch", saved.info().training().get("optimizer"));
    }

    @Test
    void aTrainingStepOnImagesChangesOnlyTheTrainableLayers() {
        TransferNet tn = squeezeNet(48);
        ComputationGraph g = tn.graph();
        Map<String, INDArray> before = params(g);
        g.fit(new DataSet(Nets.images(8, 48, 5), Nets.plan(1).targets(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, Examples.range(0, 8))));
        Map<String, INDArray> after = params(g);
        int frozenLayers = 0;
        for (String name : before.keySet()) {
            if (frozen(g, name)) {
                frozenLayers++;
                assertEquals(before.get(name), after.get(name), name + " is frozen but changed");
            }
        }
        assertEquals(2 + 7 * 3, frozenLayers, "input scaling, conv1 and fires 2-8 are frozen");
        for (String name : new String[] {"fire9_squeeze1x1", "fire9_expand1x1", "fire9_expand3x3", StudyHead.DENSE, StudyHead.OUTPUT}) {
            assertFalse(frozen(g, name), name);
            assertNotEquals(before.get(name), after.get(name), name + " should have trained");
        }
    }

    @Test
    void trainingOnCachedOutputsKeepsTheBackboneAndMatchesTheWholeNetwork() throws IOException {
        ImageExamples train = SyntheticImages.examples(tmp, 24, 48, 11), val = SyntheticImages.examples(tmp, 12, 48, 12);
        TransferNet tn = squeezeNet(48);
        Map<String, INDArray> before = params(tn.graph());
        Trainer.Result r = FeatureTraining.fit(tn, train, val, new Trainer(Nets.plan(2), Progress.quiet()), null, Progress.quiet());
        assertSame(tn.graph(), r.net());
        Map<String, INDArray> after = params(tn.graph());
        for (String name : before.keySet()) {
            if (frozen(tn.graph(), name)) assertEquals(before.get(name), after.get(name), name);
        }
        assertNotEquals(before.get(StudyHead.OUTPUT), after.get(StudyHead.OUTPUT));

        // the whole network on images gives what the trained part gave on the cached outputs
        TransferLearningHelper helper = new TransferLearningHelper(tn.graph(), tn.frozenUntil());
        FeatureExamples features = FeatureExamples.compute(tn.graph(), tn.frozenUntil(), val, 1, 0, 8, Progress.quiet(), tmp);
        float[][] onFeatures = Predictions.probabilities(helper.unfrozenGraph(), features, 8);
        float[][] onImages = Predictions.probabilities(tn.graph(), val, 8);
        for (int i = 0; i < val.size(); i++) assertArrayEquals(onImages[i], onFeatures[i], 2e-3f, "image " + i);
        assertEquals(r.history().best().valAccuracy(), accuracy(onImages, val.bins()), 1.0 / val.size() + 1e-9);
    }

    @Test
    void aFinishedModelIsTakenFromItsCheckpointWithoutAPassOverTheImages() throws IOException {
        ImageExamples train = SyntheticImages.examples(tmp, 24, 48, 14), val = SyntheticImages.examples(tmp, 12, 48, 15);
        Path dir = tmp.resolve("ckpt");
        Trainer.Result first = FeatureTraining.fit(squeezeNet(48), train, val, new Trainer(Nets.plan(2), Progress.quiet()), dir, Progress.quiet());
        java.util.List<String> lines = new java.util.ArrayList<>();
        java.io.PrintStream capture = new java.io.PrintStream(new java.io.OutputStream() {
            final StringBuilder sb = new StringBuilder();
            @Override public void write(int b) { if (b == '\n') { lines.add(sb.toString()); sb.setLength(0); } else sb.append((char) b); }
        });
        Progress progress = new Progress("m", capture, null, java.time.Duration.ofDays(1));
        TransferNet again = squeezeNet(48);
        // a run killed after its last epoch but before it deleted its scratch file left this
        Path leftover = java.nio.file.Files.createFile(dir.resolve("backbone-outputs-7.f16"));
        Trainer.Result second = FeatureTraining.fit(again, train, val, new Trainer(Nets.plan(2), progress), dir, progress);
        assertFalse(java.nio.file.Files.exists(leftover), "the killed run's scratch file is removed");
        assertTrue(second.resumed());
        assertEquals(first.history().epochs(), second.history().epochs());
        assertEquals(first.net().params(), again.graph().params());
        assertTrue(lines.stream().noneMatch(l -> l.contains("backbone outputs")), lines.toString());
    }

    @Test
    void mirroredOutputsAreUsedOnlyWhenAugmenting() throws IOException {
        ImageExamples images = SyntheticImages.examples(tmp, 6, 48, 13);
        TransferNet tn = squeezeNet(48);
        TransferLearningHelper helper = new TransferLearningHelper(tn.graph(), tn.frozenUntil());
        FeatureExamples f = FeatureExamples.compute(tn.graph(), tn.frozenUntil(), images, 2, 0, 4, Progress.quiet(), tmp);
        int[] all = Examples.range(0, 6);
        assertEquals(f.inputs(all, null), f.inputs(all, null));
        INDArray augmented = f.inputs(all, new Random(1));
        assertNotEquals(f.inputs(all, null), augmented, "some examples are mirrored");
        assertEquals(augmented, f.inputs(all, new Random(1)), "the same generator picks the same mirrors");
    }

    @Test
    void eachViewIsTheBackbonesOutputOfTheImageItsMirrorOrADeterministicCrop() throws IOException {
        ImageExamples images = SyntheticImages.examples(tmp, 6, 48, 17);
        TransferNet tn = squeezeNet(48);
        int views = 4, batch = 4;
        FeatureExamples f = FeatureExamples.compute(tn.graph(), tn.frozenUntil(), images, views, 9, batch, Progress.quiet(), tmp);
        assertEquals(views, f.views());
        assertEquals((long) views * 6 * f.values() * 2, f.bytes(), "four views of six images, 2 bytes a value");
        INDArray[] byView = new INDArray[views];
        for (int v = 0; v < views; v++) {
            byView[v] = f.inputs(Examples.range(0, 6), always(v));
            // batch by batch, as the pass ran: crops are drawn per batch
            for (int from = 0; from < 6; from += batch) {
                int[] pos = Examples.range(from, Math.min(6, from + batch));
                INDArray in = FeatureExamples.view(images.inputs(pos, null), v, 9, from);
                INDArray expected = tn.graph().output(java.util.List.of(tn.frozenUntil()), false, new INDArray[] {in}, null)[0];
                INDArray got = f.inputs(pos, always(v));
                double scale = expected.amaxNumber().doubleValue();
                assertTrue(expected.sub(got).amaxNumber().doubleValue() <= 2e-3 * scale + 1e-6, "view " + v + " from " + from);
            }
        }
        for (int a = 0; a < views; a++) {
            for (int b = a + 1; b < views; b++) assertNotEquals(byView[a], byView[b], "views " + a + " and " + b);
        }
        // the same seed caches the same crops, another seed others
        FeatureExamples same = FeatureExamples.compute(tn.graph(), tn.frozenUntil(), images, views, 9, batch, Progress.quiet(), tmp);
        FeatureExamples other = FeatureExamples.compute(tn.graph(), tn.frozenUntil(), images, views, 10, batch, Progress.quiet(), tmp);
        assertEquals(byView[2], same.inputs(Examples.range(0, 6), always(2)));
        assertNotEquals(byView[2], other.inputs(Examples.range(0, 6), always(2)));
        assertEquals(byView[1], other.inputs(Examples.range(0, 6), always(1)), "mirror images do not depend on the seed");

        // augmentation draws every view
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        Random random = new Random(3);
        for (int k = 0; k < 20; k++) {
            INDArray drawn = f.inputs(Examples.range(0, 6), random);
            for (int i = 0; i < 6; i++) {
                for (int v = 0; v < views; v++) {
                    if (drawn.slice(i).equals(byView[v].slice(i))) seen.add(v);
                }
            }
        }
        assertEquals(java.util.Set.of(0, 1, 2, 3), seen);
        f.close();
        same.close();
        other.close();
    }

    /** A generator that always picks view {@code v}. */
    private static Random always(int v) {
        return new Random() {
            @Override public int nextInt(int bound) { return v; }
        };
    }

    @Test
    void outputsLiveInAScratchFileThatCloseDeletes() throws IOException {
        ImageExamples images = SyntheticImages.examples(tmp, 5, 48, 16);
        TransferNet tn = squeezeNet(48);
        TransferLearningHelper helper = new TransferLearningHelper(tn.graph(), tn.frozenUntil());
        Path dir = tmp.resolve("scratch");
        java.nio.file.Files.createDirectories(dir);
        Path leftover = java.nio.file.Files.createFile(dir.resolve("backbone-outputs-123.f16"));
        FeatureExamples.removeLeftovers(dir);
        assertFalse(java.nio.file.Files.exists(leftover), "a killed run's scratch file is removed");

        FeatureExamples f = FeatureExamples.compute(tn.graph(), tn.frozenUntil(), images, 2, 0, 2, Progress.quiet(), dir);
        java.util.List<Path> files;
        try (var s = java.nio.file.Files.list(dir)) { files = s.toList(); }
        assertEquals(1, files.size());
        assertEquals(f.bytes(), java.nio.file.Files.size(files.get(0)), "plain and mirrored outputs, 2 bytes a value");
        assertEquals(2 * 5 * f.values() * 2, f.bytes());

        // what comes back from the file is the backbone's output, to 16-bit precision, in any order
        int[] order = {4, 0, 3};
        INDArray expected = helper.featurize(new org.nd4j.linalg.dataset.MultiDataSet(images.inputs(order, null),
                org.nd4j.linalg.factory.Nd4j.zeros(order.length, 1))).getFeatures(0);
        INDArray got = f.inputs(order, null);
        assertArrayEquals(expected.shape(), got.shape());
        double scale = expected.amaxNumber().doubleValue();
        assertTrue(expected.sub(got).amaxNumber().doubleValue() <= 2e-3 * scale + 1e-6, "16-bit copy of the outputs");
        assertThrows(IndexOutOfBoundsException.class, () -> f.inputs(new int[] {5}, null));

        f.close();
        try (var s = java.nio.file.Files.list(dir)) { assertEquals(0, s.count(), "close deletes the scratch file"); }
    }

    private static double accuracy(float[][] p, int[] bins) {
        int hit = 0;
        for (int i = 0; i < p.length; i++) if (agecnn.eval.Metrics.argMax(p[i]) == bins[i]) hit++;
        return (double) hit / p.length;
    }
}
