package agecnn.train;

import agecnn.nets.StudyCnn;
import agecnn.tensors.ImageExamples;
import agecnn.testing.Nets;
import agecnn.testing.SyntheticImages;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The training engine: history, early stopping, checkpoints, and a resumed run that ends where an uninterrupted one does. */
class TrainerTest {

    @TempDir
    Path tmp;

    static ComputationGraph baseline(TrainingPlan plan) {
        return StudyCnn.build(32, Nets.EQUAL_WEIGHTS, plan.updater(), plan.seed());
    }

    @Test
    void aResumedRunEndsWhereAnUninterruptedOneDoes() throws IOException {
        resumedEqualsUninterrupted(Nets.plan(3));
    }

    @Test
    void withMixupTooAResumedRunEndsWhereAnUninterruptedOneDoes() throws IOException {
        TrainingPlan p = Nets.plan(3);
        // mixup draws its blends from the seed and the epoch, never from what ran before
        resumedEqualsUninterrupted(new TrainingPlan(p.epochs(), p.batchSize(), p.epochImages(), p.learningRate(), p.lrDecay(),
                p.patience(), p.augment(), p.featureViews(), p.labelSpread(), 0.4, p.seed()));
    }

    @Test
    void mixupChangesWhatIsLearned() throws IOException {
        ImageExamples train = SyntheticImages.examples(tmp, 24, 32, 11), val = SyntheticImages.examples(tmp, 12, 32, 12);
        TrainingPlan p = Nets.plan(1), mixed = new TrainingPlan(p.epochs(), p.batchSize(), p.epochImages(), p.learningRate(),
                p.lrDecay(), p.patience(), p.augment(), p.featureViews(), p.labelSpread(), 0.4, p.seed());
        INDArray plain = new Trainer(p, Progress.quiet()).fit("m", () -> baseline(p), train, val, null).net().params();
        INDArray blended = new Trainer(mixed, Progress.quiet()).fit("m", () -> baseline(mixed), train, val, null).net().params();
        assertTrue(plain.sub(blended).norm1Number().doubleValue() / plain.length() > 1e-6, "mixup left the training as it was");
    }

    private void resumedEqualsUninterrupted(TrainingPlan plan) throws IOException {
        ImageExamples train = SyntheticImages.examples(tmp, 36, 32, 1), val = SyntheticImages.examples(tmp, 12, 32, 2);
        Trainer.Result whole = new Trainer(plan, Progress.quiet()).fit("m", () -> baseline(plan), train, val, tmp.resolve("a"));
        assertFalse(whole.resumed());

        Path dir = tmp.resolve("b");
        RuntimeException crash = assertThrows(RuntimeException.class, () -> new Trainer(plan, Progress.quiet())
                .afterEpoch(e -> { if (e.epoch() == 2) throw new RuntimeException("power cut"); })
                .fit("m", () -> baseline(plan), train, val, dir));
        assertEquals("power cut", crash.getMessage());
        Trainer.Result resumed = new Trainer(plan, Progress.quiet()).fit("m", () -> baseline(plan), train, val, dir);

        assertTrue(resumed.resumed());
        assertEquals(3, resumed.history().size());
        INDArray a = whole.net().params(), b = resumed.net().params();
        assertEquals(0.0, a.sub(b).norm1Number().doubleValue() / a.length(), 1e-6, "parameters differ after resuming");
        assertEquals(whole.history().epochs().get(2).valLoss(), resumed.history().epochs().get(2).valLoss(), 1e-6);
        assertEquals(whole.history().best().epoch(), resumed.history().best().epoch());
        // and a finished run resumed again trains no more
        Trainer.Result again = new Trainer(plan, Progress.quiet()).fit("m", () -> baseline(plan), train, val, dir);
        assertEquals(3, again.history().size());
        assertEquals(0.0, again.net().params().sub(resumed.net().params()).norm1Number().doubleValue(), 1e-9);
    }

    /**
     * A run killed while saving epoch 1: {@code latest.zip} was renamed into place, but
     * {@code best.zip} was not yet copied from it (the first epoch is always the best so far),
     * {@code history.csv} was cut short and temporary files were left half-written. The resumed
     * run trusts none of them, ends where an uninterrupted run ends and leaves no temporary file.
     */
    @Test
    void aRunKilledWhileSavingItsCheckpointResumesAndLeavesNoTemporaryFile() throws IOException {
        ImageExamples train = SyntheticImages.examples(tmp, 36, 32, 1), val = SyntheticImages.examples(tmp, 12, 32, 2);
        TrainingPlan plan = Nets.plan(3);
        Trainer.Result whole = new Trainer(plan, Progress.quiet()).fit("m", () -> baseline(plan), train, val, tmp.resolve("a"));

        Path dir = tmp.resolve("b");
        assertThrows(RuntimeException.class, () -> new Trainer(plan, Progress.quiet())
                .afterEpoch(e -> { throw new RuntimeException("killed after epoch " + e.epoch()); })
                .fit("m", () -> baseline(plan), train, val, dir));
        Files.delete(dir.resolve(Trainer.BEST));
        Files.writeString(dir.resolve("history.csv"), "epo");
        Files.writeString(dir.resolve(Trainer.LATEST + ".tmp"), "half a zip");
        Files.writeString(dir.resolve(Trainer.BEST + ".tmp"), "half a zip");

        Trainer.Result resumed = new Trainer(plan, Progress.quiet()).fit("m", () -> baseline(plan), train, val, dir);
        assertTrue(resumed.resumed());
        assertEquals(whole.history().best().epoch(), resumed.history().best().epoch());
        assertEquals(whole.history().epochs().get(2).valLoss(), resumed.history().epochs().get(2).valLoss(), 1e-6);
        INDArray a = whole.net().params(), b = resumed.net().params();
        assertEquals(0.0, a.sub(b).norm1Number().doubleValue() / a.length(), 1e-6, "parameters differ after resuming");
        assertEquals(4, Files.readAllLines(dir.resolve("history.csv")).size());
        try (var files = Files.list(dir)) {
            assertEquals(List.of("best.zip", "history.csv", "latest.zip"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /** The same for a finished run killed between its last {@code latest.zip} and {@code best.zip}: its best is the last epoch. */
    @Test
    void aFinishedRunWhoseBestWasNotCopiedYetIsTakenFromItsLatest() throws IOException {
        ImageExamples train = SyntheticImages.examples(tmp, 24, 32, 3), val = SyntheticImages.examples(tmp, 12, 32, 4);
        TrainingPlan plan = Nets.plan(1);
        Path dir = tmp.resolve("d");
        Trainer.Result done = new Trainer(plan, Progress.quiet()).fit("m", () -> baseline(plan), train, val, dir);
        Files.delete(dir.resolve(Trainer.BEST));
        Files.writeString(dir.resolve(Trainer.BEST + ".tmp"), "half a zip");

        Trainer.Result again = new Trainer(plan, Progress.quiet()).finished("m", baseline(plan), train, val, dir).orElseThrow();
        assertEquals(0.0, again.net().params().sub(done.net().params()).norm1Number().doubleValue(), 0.0);
        assertTrue(Files.isRegularFile(dir.resolve(Trainer.BEST)));
        assertFalse(Files.exists(dir.resolve(Trainer.BEST + ".tmp")));
    }

    @Test
    void historyRecordsEveryEpochAndCheckpointsAreWritten() throws IOException {
        ImageExamples train = SyntheticImages.examples(tmp, 24, 32, 3), val = SyntheticImages.examples(tmp, 12, 32, 4);
        TrainingPlan plan = Nets.plan(2);
        Path dir = tmp.resolve("ckpt");
        Trainer.Result r = new Trainer(plan, Progress.quiet()).fit("m", () -> baseline(plan), train, val, dir);
        History h = r.history();
        assertEquals(2, h.size());
        for (int i = 0; i < 2; i++) {
            EpochStats e = h.epochs().get(i);
            assertEquals(i + 1, e.epoch());
            assertTrue(e.valAccuracy() >= 0 && e.valAccuracy() <= 1);
            assertTrue(e.trainAccuracy() >= 0 && e.trainAccuracy() <= 1);
            assertTrue(e.fitLoss() > 0 && e.valLoss() > 0 && e.trainLoss() > 0);
            assertEquals(plan.learningRate(i), e.learningRate(), 1e-12);
            assertTrue(e.imagesPerSecond() > 0 && e.seconds() > 0);
        }
        assertEquals(plan.learningRate() * plan.lrDecay(), h.epochs().get(1).learningRate(), 1e-12);
        Table t = h.table();
        assertEquals(2, t.rowCount());
        assertEquals(List.of("epoch", "fit_loss", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "learning_rate", "seconds",
                "images_per_s"), t.columnNames());
        assertTrue(Files.isRegularFile(dir.resolve(Trainer.LATEST)) && Files.isRegularFile(dir.resolve(Trainer.BEST)));
        assertEquals(3, Files.readAllLines(dir.resolve("history.csv")).size());
        assertEquals("all 2 epochs", r.stopReason());
    }

    @Test
    void anEpochCanTrainOnAFreshDrawOfFewerImages() throws IOException {
        ImageExamples train = SyntheticImages.examples(tmp, 36, 32, 9), val = SyntheticImages.examples(tmp, 12, 32, 10);
        TrainingPlan plan = new TrainingPlan(2, 8, 12, 1e-3, 0.9, 0, true, 1, 0, 0, 3);
        assertEquals(12, plan.imagesPerEpoch(36));
        assertEquals(36, Nets.plan(1).imagesPerEpoch(36));
        assertEquals(1, plan.cachedViews());
        List<String> lines = new java.util.ArrayList<>();
        Progress progress = new Progress("m", new java.io.PrintStream(java.io.OutputStream.nullOutputStream()) {
            @Override public void println(String s) { lines.add(s); }
        }, null, java.time.Duration.ofDays(1));
        Trainer.Result r = new Trainer(plan, progress).fit("m", () -> baseline(plan), train, val, null);
        assertEquals(2, r.history().size());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("[m] epoch 1/2")), lines.toString());
    }

    @Test
    void stopsEarlyWhenValidationStopsImproving() throws IOException {
        ImageExamples train = SyntheticImages.examples(tmp, 24, 32, 5), val = SyntheticImages.examples(tmp, 12, 32, 6);
        // a rate so small that nothing changes: no epoch beats the first
        TrainingPlan plan = new TrainingPlan(6, 8, 1e-12, 1, 2, false, 1);
        Trainer.Result r = new Trainer(plan, Progress.quiet()).fit("m", () -> baseline(plan), train, val, null);
        assertEquals(3, r.history().size());
        assertTrue(r.stopReason().startsWith("early stop"), r.stopReason());
        assertEquals(1, r.history().best().epoch());
    }

    @Test
    void aCheckpointOfAnotherPlanIsNotContinued() throws IOException {
        ImageExamples train = SyntheticImages.examples(tmp, 24, 32, 7), val = SyntheticImages.examples(tmp, 12, 32, 8);
        TrainingPlan one = Nets.plan(1), two = Nets.plan(2);
        Path dir = tmp.resolve("c");
        new Trainer(one, Progress.quiet()).fit("m", () -> baseline(one), train, val, dir);
        Trainer.Result r = new Trainer(two, Progress.quiet()).fit("m", () -> baseline(two), train, val, dir);
        assertFalse(r.resumed());
        assertEquals(2, r.history().size());
    }
}
