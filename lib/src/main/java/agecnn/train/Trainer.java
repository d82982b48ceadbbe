package agecnn.train;

import agecnn.eval.Predictions;
import agecnn.io.Sha256;
import agecnn.nets.FastPath;
import agecnn.tensors.Examples;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The training engine: epochs of shuffled mini-batches, each epoch scored on a fixed sample of
 * the training set and on the validation set, early stopping on validation accuracy, and
 * checkpoints after every epoch: {@code latest.zip} (network, updater state and the trainer's
 * own state) and {@code best.zip}. A run that finds a checkpoint of the same plan, network and
 * data resumes after its last epoch, and ends where an uninterrupted run would: every random
 * choice of an epoch (order, augmentation, dropout) is drawn from the seed and the epoch's
 * number, never from what ran before.
 *
 * <p>How each epoch's batches update the network is the {@link EpochFitter}'s business: on this
 * machine by default, or on Spark. The batches are the same either way, and so is everything
 * after them. A checkpoint remembers its engine: a run on one engine never continues another's.
 */
public final class Trainer {

    static final String LATEST = "latest.zip", BEST = "best.zip", HISTORY = "history.csv", STATE_ENTRY = "agecnn-trainer-state.json";
    private static final String TMP = ".tmp";

    private final TrainingPlan plan;
    private final Progress progress;
    private final EpochFitter fitter;
    private Consumer<EpochStats> afterEpoch = e -> {};

    /** A trainer that fits on this machine ({@link EpochFitter#local()}). */
    public Trainer(TrainingPlan plan, Progress progress) {
        this(plan, progress, EpochFitter.local());
    }

    /** A trainer whose epochs' batches update the network through {@code fitter}. */
    public Trainer(TrainingPlan plan, Progress progress, EpochFitter fitter) {
        this.plan = plan;
        this.progress = progress;
        this.fitter = fitter;
    }

    public TrainingPlan plan() { return plan; }

    public EpochFitter fitter() { return fitter; }

    /** The same trainer (progress, engine, hooks) with another plan. */
    public Trainer withPlan(TrainingPlan other) {
        return new Trainer(other, progress, fitter).afterEpoch(afterEpoch);
    }

    /** Called after each epoch's checkpoint is written (tests use it to interrupt a run). */
    Trainer afterEpoch(Consumer<EpochStats> hook) {
        this.afterEpoch = hook;
        return this;
    }

    /**
     * What training gave.
     *
     * @param net        the network with the best epoch's weights
     * @param history    every epoch, also those of an earlier, interrupted run
     * @param stopReason why it stopped
     * @param seconds    training time, summed over the runs that made it
     * @param resumed    whether an earlier run's checkpoint was continued
     */
    public record Result(ComputationGraph net, History history, String stopReason, double seconds, boolean resumed) {}

    /**
     * Trains a network.
     *
     * @param model       the model's name (progress lines, checkpoint state)
     * @param fresh       makes the untrained network; its configuration also identifies the checkpoint
     * @param checkpoints folder of this model's checkpoints; null keeps none
     */
    public Result fit(String model, Supplier<ComputationGraph> fresh, Examples train, Examples val, Path checkpoints)
            throws IOException {
        return fit(model, fresh, train, val, checkpoints, 0);
    }

    /**
     * The same, counting {@code setupSeconds} (e.g. a backbone's pass over the images, made before
     * training could start) in the training time.
     */
    public Result fit(String model, Supplier<ComputationGraph> fresh, Examples train, Examples val, Path checkpoints,
                      double setupSeconds) throws IOException {
        ComputationGraph net = fresh.get();
        String fingerprint = fingerprint(model, net, train, val);
        State state = new State(fingerprint, fitter.engine(), new History(model, List.of()));
        boolean resumed = false;
        if (checkpoints != null) {
            removeTemps(checkpoints);
            State saved = readState(checkpoints.resolve(LATEST));
            if (saved != null && saved.fingerprint.equals(fingerprint)) {
                net = FastPath.restoreGraph(checkpoints.resolve(LATEST), true);
                state = saved;
                resumed = true;
                repair(checkpoints, state);
                progress.line(String.format("[%s] resuming from %s after epoch %d of %d", model, checkpoints.resolve(LATEST),
                        state.history.size(), plan.epochs()));
            } else if (saved != null && !saved.engine.equals(fitter.engine())) {
                progress.line(String.format("[%s] the checkpoint in %s was trained on %s, this run trains on %s: starting afresh", model,
                        checkpoints, saved.engine, fitter.engine()));
            } else if (saved != null) {
                progress.line(String.format("[%s] the checkpoint in %s is of another plan, network or data: starting afresh", model, checkpoints));
            }
        }
        if (state.stopReason == null) state.seconds += setupSeconds;
        INDArray bestParams = null;
        if (resumed && state.history.size() > 0) {
            bestParams = FastPath.restoreGraph(checkpoints.resolve(BEST), false).params();
        }
        int[] trainSample = sample(train.size());
        int[] valAll = Examples.range(0, val.size());
        int[] bins = train.bins(), ages = train.ages();
        int n = plan.imagesPerEpoch(train.size()), batches = (n + plan.batchSize() - 1) / plan.batchSize();
        for (int e = state.history.size(); e < plan.epochs() && state.stopReason == null; e++) {
            long t0 = System.nanoTime();
            net.getConfiguration().setEpochCount(e);
            Nd4j.getRandom().setSeed(plan.seed() * 1_000_003L + e);
            // a fresh order each epoch; with fewer images per epoch than the set holds, a fresh draw too
            int[] order = shuffled(train.size(), new Random(plan.seed() * 31L + e));
            Random augment = plan.augment() ? new Random(plan.seed() * 17L + e + 1) : null;
            progress.start("epoch", e + 1, plan.epochs(), batches, n);
            int[] done = {0};
            Random mix = plan.mixup() > 0 ? new Random(plan.seed() * 29L + e + 3) : null;
            double fitLoss = fitter.fit(net, batches(train, bins, ages, order, n, augment, mix), k -> progress.batch(done[0] += k));
            progress.finish();
            double fitSeconds = (System.nanoTime() - t0) / 1e9;
            double[] tr = Predictions.accuracyAndLoss(net, plan.ageHead(), train, trainSample, plan.batchSize() * 2);
            double[] va = Predictions.accuracyAndLoss(net, plan.ageHead(), val, valAll, plan.batchSize() * 2);
            EpochStats stats = new EpochStats(e + 1, fitLoss, tr[1], tr[0], va[1], va[0], plan.learningRate(e),
                    (System.nanoTime() - t0) / 1e9, n / fitSeconds);
            boolean improved = state.history.size() == 0 || stats.valAccuracy() > state.history.best().valAccuracy();
            state.history = state.history.with(stats);
            state.seconds += stats.seconds();
            if (improved) {
                bestParams = net.params().dup();
                state.sinceBest = 0;
            } else {
                state.sinceBest++;
            }
            if (plan.patience() > 0 && state.sinceBest >= plan.patience()) {
                state.stopReason = "early stop: no better validation accuracy for " + plan.patience() + " epochs";
            } else if (e + 1 == plan.epochs()) {
                state.stopReason = "all " + plan.epochs() + " epochs";
            }
            if (checkpoints != null) save(net, state, checkpoints, improved);
            progress.line(String.format("[%s] epoch %d/%d  %.0f s  %.0f images/s  loss %.3f  train acc %.3f  val loss %.3f  val acc %.3f%s",
                    model, e + 1, plan.epochs(), stats.seconds(), stats.imagesPerSecond(), stats.fitLoss(), stats.trainAccuracy(),
                    stats.valLoss(), stats.valAccuracy(), improved ? "  (best so far)" : ""));
            afterEpoch.accept(stats);
        }
        if (state.stopReason == null) state.stopReason = "all " + plan.epochs() + " epochs";
        if (bestParams != null) net.setParams(bestParams);
        progress.line(String.format("[%s] %s; best epoch %d (val acc %.3f)", model, state.stopReason, state.history.best().epoch(),
                state.history.best().valAccuracy()));
        return new Result(net, state.history, state.stopReason, state.seconds, resumed);
    }

    /**
     * The result of a finished run whose checkpoint in {@code checkpoints} matches this plan,
     * network and data, without training or computing anything; empty when there is none.
     * Only the examples' sizes, bins and ages are read, so image examples stand for their
     * backbone outputs here.
     */
    public java.util.Optional<Result> finished(String model, ComputationGraph fresh, Examples train, Examples val, Path checkpoints)
            throws IOException {
        if (checkpoints == null) return java.util.Optional.empty();
        State saved = readState(checkpoints.resolve(LATEST));
        if (saved == null || saved.stopReason == null || !saved.fingerprint.equals(fingerprint(model, fresh, train, val))) {
            return java.util.Optional.empty();
        }
        removeTemps(checkpoints);
        repair(checkpoints, saved);
        ComputationGraph best = FastPath.restoreGraph(checkpoints.resolve(BEST), false);
        progress.line(String.format("[%s] already trained (%s): taking its best epoch from %s", model, saved.stopReason, checkpoints.resolve(BEST)));
        return java.util.Optional.of(new Result(best, saved.history, saved.stopReason, saved.seconds, true));
    }

    /**
     * The epoch's mini-batches: the first {@code n} examples of {@code order} in batches of the
     * plan's size (the last may be smaller), each made (and augmented) only when asked for, so
     * the augmentation's draws follow the batches' order whoever fits them. With {@code mix}, each
     * batch is blended by {@link Mixup} with draws from it.
     */
    private Iterator<DataSet> batches(Examples train, int[] bins, int[] ages, int[] order, int n, Random augment, Random mix) {
        return new Iterator<>() {
            private int from;

            @Override
            public boolean hasNext() {
                return from < n;
            }

            @Override
            public DataSet next() {
                if (!hasNext()) throw new NoSuchElementException();
                int[] pos = Arrays.copyOfRange(order, from, Math.min(n, from + plan.batchSize()));
                from += pos.length;
                INDArray x = train.inputs(pos, augment), y = plan.targets(bins, ages, pos);
                return mix == null ? new DataSet(x, y) : Mixup.blend(x, y, plan.mixup(), mix);
            }
        };
    }

    private int[] sample(int n) {
        int[] all = shuffled(n, new Random(plan.seed()));
        return Arrays.copyOf(all, Math.min(n, TrainingPlan.TRAIN_SAMPLE));
    }

    static int[] shuffled(int n, Random r) {
        int[] a = Examples.range(0, n);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /**
     * What must be the same for a checkpoint to be continued: model, plan, network configuration,
     * data, and the engine (named only when it is not this machine, so that checkpoints written
     * before engines existed still resume).
     */
    private String fingerprint(String model, ComputationGraph net, Examples train, Examples val) {
        String s = model + "\n" + plan.fingerprintText() + "\n" + net.getConfiguration().toJson() + "\n" + train.size() + " " + Arrays.toString(train.bins())
                + Arrays.toString(train.ages()) + "\n" + val.size() + Arrays.toString(val.bins())
                + (fitter.engine().equals(EpochFitter.LOCAL) ? "" : "\nengine " + fitter.engine());
        return Sha256.hex(s);
    }

    // ---- checkpoints

    /** The trainer's state that travels inside latest.zip. */
    private static final class State {
        final String fingerprint;
        /** The engine that trained it ({@link EpochFitter#engine()}). */
        final String engine;
        History history;
        int sinceBest;
        double seconds;
        String stopReason;

        State(String fingerprint, String engine, History history) {
            this.fingerprint = fingerprint;
            this.engine = engine;
            this.history = history;
        }
    }

    /**
     * Writes the epoch's checkpoint. Each file is written under a temporary name and renamed into
     * place, so a file with its real name is always whole. {@code latest.zip} goes first: once it
     * is there, the epoch is done. A run killed after it but before {@code best.zip} or
     * {@code history.csv} is mended by {@link #repair} when it resumes.
     */
    private static void save(ComputationGraph net, State state, Path dir, boolean improved) throws IOException {
        Files.createDirectories(dir);
        Path latest = dir.resolve(LATEST), tmp = dir.resolve(LATEST + TMP);
        ModelSerializer.writeModel(net, tmp.toFile(), true);
        ModelSerializer.addObjectToFile(tmp.toFile(), STATE_ENTRY, toJson(state).toString());
        Files.move(tmp, latest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (improved) copyLatestToBest(dir);
        saveHistory(state.history, dir);
    }

    /**
     * Makes the files beside a checkpoint agree with it. When its last epoch was the best one,
     * {@code best.zip} may be missing or an older epoch's (a run killed between writing
     * {@code latest.zip} and copying it), so it is copied again; otherwise it was written whole
     * before this {@code latest.zip} was begun. {@code history.csv} is written again from the
     * checkpoint's history.
     */
    private static void repair(Path dir, State state) throws IOException {
        if (state.history.size() > 0 && state.sinceBest == 0) copyLatestToBest(dir);
        saveHistory(state.history, dir);
    }

    private static void copyLatestToBest(Path dir) throws IOException {
        Path bestTmp = dir.resolve(BEST + TMP);
        Files.copy(dir.resolve(LATEST), bestTmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(bestTmp, dir.resolve(BEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void saveHistory(History history, Path dir) throws IOException {
        Path csv = dir.resolve(HISTORY), tmp = dir.resolve(HISTORY + TMP);
        history.saveCsv(tmp);
        Files.move(tmp, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes the half-written files (names ending in .tmp) that a run killed while saving left in {@code dir}. */
    private static void removeTemps(Path dir) throws IOException {
        for (String name : List.of(LATEST, BEST, HISTORY)) Files.deleteIfExists(dir.resolve(name + TMP));
    }

    /** The state inside a checkpoint, or null when there is none or it cannot be read (then training starts afresh). */
    private static State readState(Path latest) {
        if (!Files.isRegularFile(latest)) return null;
        try {
            String json = ModelSerializer.getObjectFromFile(latest.toFile(), STATE_ENTRY);
            return fromJson(new JsonParser().parse(json).getAsJsonObject());
        } catch (RuntimeException e) {
            System.err.println(latest + ": not a usable checkpoint (" + e.getMessage() + "); starting afresh");
            return null;
        }
    }

    private static JsonObject toJson(State s) {
        JsonObject o = new JsonObject();
        o.addProperty("fingerprint", s.fingerprint);
        o.addProperty("model", s.history.model());
        o.addProperty("engine", s.engine);
        o.addProperty("since_best", s.sinceBest);
        o.addProperty("seconds", s.seconds);
        if (s.stopReason != null) o.addProperty("stop_reason", s.stopReason);
        JsonArray epochs = new JsonArray();
        for (EpochStats e : s.history.epochs()) {
            JsonArray row = new JsonArray();
            for (double v : new double[] {e.epoch(), e.fitLoss(), e.trainLoss(), e.trainAccuracy(), e.valLoss(), e.valAccuracy(),
                    e.learningRate(), e.seconds(), e.imagesPerSecond()}) row.add(v);
            epochs.add(row);
        }
        o.add("epochs", epochs);
        return o;
    }

    private static State fromJson(JsonObject o) {
        List<EpochStats> epochs = new ArrayList<>();
        for (JsonElement r : o.getAsJsonArray("epochs")) {
            JsonArray a = r.getAsJsonArray();
            epochs.add(new EpochStats(a.get(0).getAsInt(), a.get(1).getAsDouble(), a.get(2).getAsDouble(), a.get(3).getAsDouble(),
                    a.get(4).getAsDouble(), a.get(5).getAsDouble(), a.get(6).getAsDouble(), a.get(7).getAsDouble(), a.get(8).getAsDouble()));
        }
        // checkpoints from before engines were recorded are this machine's
        String engine = o.has("engine") ? o.get("engine").getAsString() : EpochFitter.LOCAL;
        State s = new State(o.get("fingerprint").getAsString(), engine, new History(o.get("model").getAsString(), epochs));
        s.sinceBest = o.get("since_best").getAsInt();
        s.seconds = o.get("seconds").getAsDouble();
        s.stopReason = o.has("stop_reason") ? o.get("stop_reason").getAsString() : null;
        return s;
    }
}
