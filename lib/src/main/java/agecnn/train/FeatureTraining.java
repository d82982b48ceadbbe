package agecnn.train;

import agecnn.nets.backbones.TransferNet;
import agecnn.tensors.ImageExamples;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.TransferLearningHelper;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Trains a {@link TransferNet} the cheap way: its frozen part runs once over the training and
 * validation images (and other views of the training images, when augmenting), and only the
 * trainable part (the last blocks and the head) trains, on those outputs. The trained weights
 * are then copied back into the whole network, which is what gets saved and scored on images.
 *
 * <p>The backbone's pass always runs here (on a cluster: on the driver); only the trainable
 * part's epochs go through the trainer's {@link EpochFitter}, e.g. to Spark, as batches of
 * backbone outputs.
 */
public final class FeatureTraining {

    private FeatureTraining() {}

    /** Trains the net's trainable part; afterwards {@code net.graph()} holds the best epoch's weights. */
    public static Trainer.Result fit(TransferNet net, ImageExamples train, ImageExamples val, Trainer onImages, Path checkpoints,
                                     Progress progress) throws IOException {
        Trainer trainer = onImages.withPlan(onImages.plan().onCachedFeatures());
        TransferLearningHelper helper = new TransferLearningHelper(net.graph(), net.frozenUntil());
        Path scratch = scratchDir(checkpoints);
        // what a killed run left, also when that run had finished training (killed before the file was deleted)
        if (checkpoints != null) FeatureExamples.removeLeftovers(scratch);
        // a model finished in an earlier run needs no pass over the images
        var done = trainer.finished(net.name(), helper.unfrozenGraph(), train, val, checkpoints);
        if (done.isPresent()) {
            copyTrainable(done.get().net(), net.graph());
            return new Trainer.Result(net.graph(), done.get().history(), done.get().stopReason(), done.get().seconds(), true);
        }
        int batch = trainer.plan().batchSize() * 2;
        long t0 = System.nanoTime();
        FeatureExamples fTrain = FeatureExamples.compute(net.graph(), net.frozenUntil(), train, trainer.plan().cachedViews(),
                trainer.plan().seed(), batch, progress, scratch);
        FeatureExamples fVal;
        try {
            fVal = FeatureExamples.compute(net.graph(), net.frozenUntil(), val, 1, 0, batch, progress, scratch);
        } catch (IOException | RuntimeException e) {
            fTrain.close();
            throw e;
        }
        double featureSeconds = (System.nanoTime() - t0) / 1e9;
        progress.line(String.format("[%s] backbone outputs at %s: %d values per image, %.0f MB in %s, computed in %.0f s", net.name(),
                net.frozenUntil(), fTrain.values(), (fTrain.bytes() + fVal.bytes()) / 1e6, scratch, featureSeconds));
        if (!trainer.fitter().engine().equals(EpochFitter.LOCAL)) {
            progress.line(String.format("[%s] the backbone ran here; the layers after %s train on %s", net.name(), net.frozenUntil(),
                    trainer.fitter().summary()));
        }
        try {
            // the backbone's pass is part of what training this model costs
            Trainer.Result r = trainer.fit(net.name(), helper::unfrozenGraph, fTrain, fVal, checkpoints, featureSeconds);
            copyTrainable(r.net(), net.graph());
            return new Trainer.Result(net.graph(), r.history(), r.stopReason(), r.seconds(), r.resumed());
        } finally {
            fTrain.close();
            fVal.close();
        }
    }

    /** Where the backbone's outputs are kept while the model trains: beside its checkpoints. */
    static Path scratchDir(Path checkpoints) {
        return checkpoints != null ? checkpoints : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** Copies the weights of every layer of the trained part into the layer of the same name. */
    static void copyTrainable(ComputationGraph part, ComputationGraph whole) {
        for (Layer l : part.getLayers()) {
            String name = l.conf().getLayer().getLayerName();
            if (l.numParams() > 0) whole.getLayer(name).setParams(l.params().dup());
        }
    }
}
