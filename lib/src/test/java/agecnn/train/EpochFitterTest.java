package agecnn.train;

import agecnn.tensors.ImageExamples;
import agecnn.testing.Nets;
import agecnn.testing.SyntheticImages;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import static org.junit.jupiter.api.Assertions.*;

/** The trainer hands each epoch's batches to its {@link EpochFitter}; the local one is what the trainer always did. */
class EpochFitterTest {

    @TempDir
    Path tmp;

    /** Passes every batch on to the local fitter, noting each batch's size and epoch. */
    static final class Recording implements EpochFitter {
        final String engine;
        final List<List<Integer>> epochs = new ArrayList<>();
        final List<Integer> epochCounts = new ArrayList<>();

        Recording(String engine) {
            this.engine = engine;
        }

        @Override
        public double fit(ComputationGraph net, Iterator<DataSet> batches, IntConsumer examplesDone) {
            List<Integer> sizes = new ArrayList<>();
            epochs.add(sizes);
            epochCounts.add(net.getConfiguration().getEpochCount());
            return EpochFitter.local().fit(net, new Iterator<>() {
                public boolean hasNext() { return batches.hasNext(); }

                public DataSet next() {
                    DataSet ds = batches.next();
                    sizes.add(ds.numExamples());
                    return ds;
                }
            }, examplesDone);
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("engine", engine, "where", "a test");
        }
    }

    @Test
    void theTrainerFitsEveryEpochThroughItsFitterWithTheSameBatchesAndResults() throws IOException {
        ImageExamples train = SyntheticImages.examples(tmp, 30, 32, 1), val = SyntheticImages.examples(tmp, 12, 32, 2);
        TrainingPlan plan = Nets.plan(2);   // batches of 8, augmented
        Recording fitter = new Recording(EpochFitter.LOCAL);
        Trainer.Result through = new Trainer(plan, Progress.quiet(), fitter).fit("m", () -> TrainerTest.baseline(plan), train, val, null);
        Trainer.Result plain = new Trainer(plan, Progress.quiet()).fit("m", () -> TrainerTest.baseline(plan), train, val, null);

        assertEquals(List.of(List.of(8, 8, 8, 6), List.of(8, 8, 8, 6)), fitter.epochs, "30 images in batches of 8, each epoch");
        assertEquals(List.of(0, 1), fitter.epochCounts, "the network knows its epoch (learning-rate schedule) when fitted");
        assertEquals(plain.net().params(), through.net().params(), "the same batches, augmentation and order: the same network");
        for (int e = 0; e < 2; e++) {
            assertEquals(plain.history().epochs().get(e).fitLoss(), through.history().epochs().get(e).fitLoss(), 0.0);
        }
    }

    @Test
    void progressCountsTheFittersBatches() throws IOException {
        ImageExamples train = SyntheticImages.examples(tmp, 20, 32, 3), val = SyntheticImages.examples(tmp, 12, 32, 4);
        TrainingPlan plan = Nets.plan(1);
        List<Integer> told = new ArrayList<>();
        EpochFitter counting = new EpochFitter() {
            public double fit(ComputationGraph net, Iterator<DataSet> batches, IntConsumer examplesDone) {
                return EpochFitter.local().fit(net, batches, k -> { told.add(k); examplesDone.accept(k); });
            }

            public Map<String, Object> describe() { return Map.of("engine", EpochFitter.LOCAL); }
        };
        new Trainer(plan, Progress.quiet(), counting).fit("m", () -> TrainerTest.baseline(plan), train, val, null);
        assertEquals(List.of(8, 8, 4), told);
    }

    @Test
    void aCheckpointOfAnotherEngineIsNotContinuedAndTheRunSaysSo() throws IOException {
        ImageExamples train = SyntheticImages.examples(tmp, 16, 32, 5), val = SyntheticImages.examples(tmp, 12, 32, 6);
        TrainingPlan plan = Nets.plan(1);
        Path dir = tmp.resolve("ckpt");
        new Trainer(plan, Progress.quiet(), new Recording("elsewhere")).fit("m", () -> TrainerTest.baseline(plan), train, val, dir);

        List<String> lines = new ArrayList<>();
        Progress progress = new Progress("m", new PrintStream(OutputStream.nullOutputStream()) {
            @Override public void println(String s) { lines.add(s); }
        }, null, Duration.ofDays(1));
        Trainer.Result local = new Trainer(plan, progress).fit("m", () -> TrainerTest.baseline(plan), train, val, dir);
        assertFalse(local.resumed());
        assertTrue(lines.stream().anyMatch(l -> l.contains("was trained on elsewhere, this run trains on " + EpochFitter.LOCAL)), lines.toString());

        // and the same engine takes its own finished run as it is
        Trainer.Result again = new Trainer(plan, Progress.quiet()).fit("m", () -> TrainerTest.baseline(plan), train, val, dir);
        assertTrue(again.resumed());
    }

    @Test
    void describesItsEngine() {
        assertEquals(EpochFitter.LOCAL, EpochFitter.local().engine());
        assertEquals(EpochFitter.LOCAL, EpochFitter.local().summary());
        assertEquals("elsewhere (where a test)", new Recording("elsewhere").summary());
    }
}
