package agecnn.run;

import agecnn.config.Settings;
import agecnn.config.RunRecord;
import agecnn.data.IndexColumns;
import agecnn.data.Split;
import agecnn.eval.Metrics;
import agecnn.eval.Predictions;
import agecnn.nets.AgeHead;
import agecnn.nets.ModelInfo;
import agecnn.nets.Networks;
import agecnn.nets.SavedModel;
import agecnn.nets.StudyCnn;
import agecnn.nets.StudyHead;
import agecnn.nets.backbones.Backbones;
import agecnn.nets.backbones.TransferNet;
import agecnn.nets.weights.WeightsUnavailableException;
import agecnn.nets.weights.WeightStore;
import agecnn.tensors.ImageExamples;
import agecnn.tensors.PreparedData;
import agecnn.tensors.TensorCache;
import agecnn.train.EpochFitter;
import agecnn.train.FeatureExamples;
import agecnn.train.FeatureTraining;
import agecnn.train.History;
import agecnn.train.Progress;
import agecnn.train.Trainer;
import agecnn.train.TrainingPlan;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What notebook 04 does, in a few calls: it prepares the run's models (the pretrained ones only
 * when their weights are really there), trains each with the same plan (a backbone without batch
 * normalization at a tenth of its learning rate, {@link agecnn.nets.backbones.Backbone#learningRateDivisor}), scores
 * it on the test set, saves it as {@code RUN_DIR/models/<name>.zip}, and writes the scores table
 * ({@code scores.csv}), {@code metrics.json} and the best model ({@code models/best.zip}, by
 * validation accuracy). With {@code ENSEMBLE} above 1 and at least two models trained, the best of
 * them (by validation accuracy) also make an ensemble, {@code models/ensemble.zip} ({@link #ensemble()}),
 * which becomes best.zip when its validation accuracy is higher than every model's. Checkpoints go to {@code RUN_DIR/checkpoints/<name>/}, so running the
 * notebook again with the same RUN_DIR resumes an interrupted model.
 *
 * <p>Where the epochs run is the session's {@link EpochFitter}: this machine unless
 * {@link #trainingOn} says otherwise (notebook 07 and {@code ./agecnn train --spark} give it a
 * Spark cluster). Everything else, and every file above, is the same whatever the engine; the
 * engine is recorded with each model.
 */
public final class TrainingSession {

    /** The models 04_model knows, in the order they are described. */
    public static final List<String> KNOWN = java.util.stream.Stream.concat(java.util.stream.Stream.of(StudyCnn.NAME),
            Backbones.names().stream()).toList();
    /**
     * Space left free on the disk beside a model's cached backbone outputs (a scratch file, see
     * {@link FeatureExamples}), for checkpoints and saved models; with less, the model trains on images.
     */
    static final long DISK_MARGIN_BYTES = 1L << 30;

    /** Images per batch when a trained model is scored on the test set. */
    private static final int PREDICT_BATCH = 128;

    private final Settings settings;
    private final RunFiles files;
    private final PreparedData data;
    private final TrainingPlan plan;
    private final WeightStore store;
    private final Progress progress;
    private final double[] classWeights;
    private final double[] binAges;
    private final Map<String, Prepared> prepared = new LinkedHashMap<>();
    private final Map<String, ModelScore> scores = new LinkedHashMap<>();
    /** The engine each trained model was trained on ({@link EpochFitter#summary()}). */
    private final Map<String, String> engines = new HashMap<>();
    private EpochFitter fitter = EpochFitter.local();
    private final Map<Integer, TensorCache> caches = new HashMap<>();
    private final Map<String, Boolean> featuresFit = new HashMap<>();
    private final Map<String, Integer> ageOf = new HashMap<>();
    /** The ensemble once made ({@link #ensemble()}); null before, or when none is made. */
    private EnsembleScore ensemble;
    /** Why no ensemble was made, once {@link #ensemble()} has decided; null otherwise. */
    private String noEnsemble;

    /** The ensemble's model name, and its file {@code models/ensemble.zip}. */
    public static final String ENSEMBLE = "ensemble";

    /** A model ready to train, or why it cannot be. */
    private record Prepared(String name, String title, int imageSize, String weightsFrom, ComputationGraph baseline, TransferNet transfer,
                            String unavailable, TrainingPlan plan, int trainableBlocks) {
        ComputationGraph net() {
            return baseline != null ? baseline : transfer.graph();
        }
    }

    private TrainingSession(Settings settings, PreparedData data, Progress progress) {
        for (String m : settings.training().models()) {
            if (!KNOWN.contains(m)) throw new IllegalArgumentException("MODELS: unknown model '" + m + "'; known: " + String.join(", ", KNOWN));
        }
        this.settings = settings;
        this.files = new RunFiles(settings.paths().runDir());
        this.data = data;
        this.plan = TrainingPlan.of(settings);
        this.store = WeightStore.of(settings);
        this.progress = progress;
        // per output of the head: per bin, or each year its bin's weight
        this.classWeights = plan.ageHead().classWeights(data.split().classWeights());
        Table t = data.table();
        for (int r = 0; r < t.rowCount(); r++) ageOf.put(t.getString(r, IndexColumns.FILE), t.intColumn(IndexColumns.AGE).getInt(r));
        this.binAges = Metrics.binAges(ages(Split.TRAIN));
    }

    /** A session printing progress to the notebook and to {@code RUN_DIR/progress.log}. */
    public static TrainingSession start(Settings settings, PreparedData data) {
        return new TrainingSession(settings, data, new Progress("", System.out, settings.paths().runDir().resolve("progress.log"), Duration.ofSeconds(15)));
    }

    /** The same with another progress output (tests). */
    public static TrainingSession start(Settings settings, PreparedData data, Progress progress) {
        return new TrainingSession(settings, data, progress);
    }

    public TrainingPlan plan() { return plan; }

    /** The data the session trains on (the split, its class weights, the tensor cache). */
    public PreparedData data() { return data; }

    /**
     * Trains every model from now on through {@code fitter} (e.g. on Spark); by default this
     * machine ({@link EpochFitter#local()}). For a model trained on cached backbone outputs only
     * its trainable part goes to the fitter; the backbone's pass stays here.
     */
    public TrainingSession trainingOn(EpochFitter fitter) {
        this.fitter = java.util.Objects.requireNonNull(fitter, "fitter");
        return this;
    }

    /** Where the epochs run. */
    public EpochFitter fitter() { return fitter; }

    /** The age each bin stands for (mean training age in it), as saved with every model. */
    public double[] binAges() { return binAges.clone(); }

    /**
     * Builds every model of MODELS, loading pretrained weights (from WEIGHTS_DIR, the cache, or
     * their source), and describes them: one row per model, with where its weights came from or
     * why it cannot run. A model that cannot run is left out of training; the others go on.
     */
    public Table models() {
        Table t = Table.create("models", StringColumn.create("model"), StringColumn.create("backbone"), IntColumn.create("input_px"),
                LongColumn.create("parameters"), LongColumn.create("trainable"), StringColumn.create("trained"),
                DoubleColumn.create("learning_rate"), StringColumn.create("weights"));
        for (String name : settings.training().models()) {
            Prepared p = prepared.computeIfAbsent(name, this::prepare);
            t.stringColumn("model").append(name);
            t.stringColumn("backbone").append(p.title());
            t.intColumn("input_px").append(p.imageSize());
            if (p.unavailable() != null) {
                t.longColumn("parameters").appendMissing();
                t.longColumn("trainable").appendMissing();
                t.stringColumn("trained").append("-");
                t.doubleColumn("learning_rate").appendMissing();
                t.stringColumn("weights").append("NOT AVAILABLE: " + p.unavailable());
            } else {
                t.longColumn("parameters").append(p.net().numParams());
                t.longColumn("trainable").append(Networks.trainableParams(p.net()));
                t.stringColumn("trained").append(p.transfer() == null ? "all layers, on images"
                        : "after " + p.transfer().frozenUntil() + ", on " + (featuresFit(p.transfer()) ? "cached backbone outputs" : "images"));
                t.doubleColumn("learning_rate").append(p.plan().learningRate());
                t.stringColumn("weights").append(p.weightsFrom());
            }
        }
        return t;
    }

    /** Models of MODELS that cannot run, with the reason. */
    public Map<String, String> unavailable() {
        models();
        Map<String, String> m = new LinkedHashMap<>();
        prepared.forEach((k, v) -> { if (v.unavailable() != null) m.put(k, v.unavailable()); });
        return m;
    }

    /** Trains, scores and saves every model of MODELS that can run, in order. */
    public void trainAll() throws IOException {
        models();
        for (String name : settings.training().models()) {
            if (prepared.get(name).unavailable() == null) train(name);
            else progress.line("[" + name + "] skipped: " + prepared.get(name).unavailable());
        }
    }

    /** Trains one model (resuming its checkpoint if there is one), scores it on the test set and saves it. */
    public ModelScore train(String name) throws IOException {
        Prepared p = prepared.computeIfAbsent(name, this::prepare);
        if (p.unavailable() != null) throw new IllegalStateException(name + " cannot be trained: " + p.unavailable());
        Progress out = progress.forModel(name);
        out.line(String.format("[%s] %d parameters, %d trainable; %d training images, %d validation, batches of %d", name,
                p.net().numParams(), Networks.trainableParams(p.net()), data.split().files(Split.TRAIN).size(),
                data.split().files(Split.VAL).size(), plan.batchSize())
                + (p.plan().learningRate() == plan.learningRate() ? "" : "; learning rate " + p.plan().learningRate())
                + (fitter.engine().equals(EpochFitter.LOCAL) ? "" : "; epochs on " + fitter.summary()));
        ImageExamples train = examples(Split.TRAIN, p.imageSize()), val = examples(Split.VAL, p.imageSize());
        Trainer trainer = new Trainer(p.plan(), out, fitter);
        Path checkpoints = settings.paths().runDir().resolve("checkpoints").resolve(name);
        Trainer.Result r;
        if (p.transfer() == null) {
            r = trainer.fit(name, p::baseline, train, val, checkpoints);
        } else if (featuresFit(p.transfer())) {
            r = FeatureTraining.fit(p.transfer(), train, val, trainer, checkpoints, out);
        } else {
            r = trainer.fit(name, () -> p.transfer().graph(), train, val, checkpoints);
        }
        ModelInfo info = ModelInfo.of(name, p.title(), p.imageSize(), binAges, training(p, r), Map.of()).withHead(p.plan().ageHead());
        SavedModel model = new SavedModel(r.net(), info);
        ImageExamples test = examples(Split.TEST, p.imageSize());
        Predictions.Readings read = Predictions.readings(model, test, PREDICT_BATCH, binAges);
        float[][] probs = read.probabilities();
        Metrics m = Metrics.withExpectedAges(test.bins(), test.ages(), probs, read.expectedAges());
        ModelScore score = new ModelScore(name, p.title(), p.imageSize(), r.history(), m, Predictions.loss(probs, test.bins()), r.seconds(),
                r.stopReason());
        engines.put(name, fitter.summary());
        model = new SavedModel(r.net(), info.withMetrics(RunFiles.metrics(score, fitter.summary())));
        model.save(modelFile(name));
        scores.put(name, score);
        out.line(String.format("[%s] test: %s; saved %s", name, m, modelFile(name)));
        return score;
    }

    /** The scores table of the models trained so far. */
    public Table scores() {
        return ScoreTable.table(new ArrayList<>(scores.values()));
    }

    public List<History> histories() {
        return scores.values().stream().map(ModelScore::history).toList();
    }

    /**
     * Makes the ensemble of the {@code ENSEMBLE} trained models with the best validation accuracy
     * (all of them when fewer; the earlier in MODELS among equals), once: their saved files as one
     * model ({@link SavedModel#ensemble}), scored on the validation set the way the trainer scores
     * a model (outputs without mirror images, {@link Predictions#accuracyAndLoss}) and on the test
     * set as every saved model is ({@link SavedModel#predict}), saved as {@code models/ensemble.zip}
     * with those scores. None with {@code ENSEMBLE=0} or fewer than two trained models; then an
     * ensemble.zip left in the folder by an earlier run is removed, as it is not made of this
     * run's models. Returns the members' and the ensemble's scores side by side (no rows when none
     * was made; {@link #ensembleScore()} and the progress line say why).
     */
    public Table ensemble() throws IOException {
        if (ensemble == null && noEnsemble == null) makeEnsemble();
        Table t = Table.create("ensemble", StringColumn.create("model"), IntColumn.create("input_px"), DoubleColumn.create("val_accuracy"),
                DoubleColumn.create("test_accuracy"), DoubleColumn.create("test_one_off"), DoubleColumn.create("test_mae_years"),
                StringColumn.create("best_zip"));
        if (ensemble == null) return t;
        String best = bestName();
        for (String m : ensemble.members()) {
            ModelScore s = scores.get(m);
            ensembleRow(t, m, s.imageSize(), s.history().best().valAccuracy(), s.test(), best);
        }
        ensembleRow(t, ENSEMBLE, ensemble.imageSize(), ensemble.valAccuracy(), ensemble.test(), best);
        return t;
    }

    private static void ensembleRow(Table t, String name, int size, double val, Metrics test, String best) {
        t.stringColumn("model").append(name);
        t.intColumn("input_px").append(size);
        t.doubleColumn("val_accuracy").append(Metrics.round(val, 4));
        t.doubleColumn("test_accuracy").append(Metrics.round(test.accuracy(), 4));
        t.doubleColumn("test_one_off").append(Metrics.round(test.oneOffAccuracy(), 4));
        t.doubleColumn("test_mae_years").append(Metrics.round(test.maeYears(), 2));
        t.stringColumn("best_zip").append(name.equals(best) ? "*" : "");
    }

    /** The ensemble's scores once made, else empty (not yet made, or none: see {@link #ensemble()}). */
    public java.util.Optional<EnsembleScore> ensembleScore() {
        return java.util.Optional.ofNullable(ensemble);
    }

    private void makeEnsemble() throws IOException {
        int k = settings.training().ensemble();
        Path file = modelFile(ENSEMBLE);
        if (k < 2 || scores.size() < 2) {
            noEnsemble = k == 0 ? "ENSEMBLE=0" : k == 1 ? "ENSEMBLE=1 (an ensemble needs at least two models)"
                    : scores.size() + " model" + (scores.size() == 1 ? "" : "s") + " trained (an ensemble needs at least two)";
            if (Files.deleteIfExists(file)) noEnsemble += "; removed " + file + ", left by an earlier run";
            progress.line("[" + ENSEMBLE + "] none: " + noEnsemble);
            return;
        }
        long start = System.nanoTime();
        List<ModelScore> ranked = new ArrayList<>(scores.values());
        // stable: among equal validation accuracies the earlier model of MODELS comes first
        ranked.sort((a, b) -> Double.compare(b.history().best().valAccuracy(), a.history().best().valAccuracy()));
        List<String> names = ranked.subList(0, Math.min(k, ranked.size())).stream().map(ModelScore::name).toList();
        List<SavedModel> members = new ArrayList<>();
        for (String n : names) members.add(SavedModel.load(modelFile(n)));
        SavedModel model = SavedModel.ensemble(ENSEMBLE, members);
        int size = model.info().imageSize();
        ImageExamples val = examples(Split.VAL, size), test = examples(Split.TEST, size);
        double[] va = Predictions.accuracyAndLoss(model::output, val, agecnn.tensors.Examples.range(0, val.size()), PREDICT_BATCH);
        // as 05 scores it: the members' own expected ages (a years member's is its mean over years), averaged
        Predictions.Readings read = Predictions.readings(model, test, PREDICT_BATCH, model.info().binAges());
        float[][] probs = read.probabilities();
        Metrics m = Metrics.withExpectedAges(test.bins(), test.ages(), probs, read.expectedAges());
        ensemble = new EnsembleScore(ENSEMBLE, names, size, va[0], va[1], m, Predictions.loss(probs, test.bins()),
                (System.nanoTime() - start) / 1e9);
        model.withMetrics(RunFiles.metrics(ensemble)).save(file);
        progress.line(String.format("[%s] %s at %d px: validation accuracy %.4f; test: %s; saved %s", ENSEMBLE, String.join(" + ", names),
                size, va[0], m, file));
    }

    /**
     * The name of the model saved as best.zip: the trained model with the best validation accuracy
     * ({@link #best()}), or the ensemble when it has been made and its validation accuracy is
     * higher still (higher, not equal: as between epochs, the earlier candidate keeps an equal score).
     */
    public String bestName() {
        ModelScore b = best();
        return ensemble != null && ensemble.valAccuracy() > b.history().best().valAccuracy() ? ENSEMBLE : b.name();
    }

    /** The trained model with the best validation accuracy. */
    public ModelScore best() {
        return scores.values().stream().max((a, b) -> Double.compare(a.history().best().valAccuracy(), b.history().best().valAccuracy()))
                .orElseThrow(() -> new IllegalStateException("no model has been trained"));
    }

    /** The scores against the targets (the study, face-api.js). */
    public Table targets() {
        return PeerTargets.compare(scores());
    }

    public Path modelFile(String name) {
        return files.model(name);
    }

    /**
     * Writes scores.csv, metrics.json and models/best.zip (the ensemble is made first, if it is
     * to be and has not been: {@link #ensemble()}); returns metrics.json.
     */
    public Path save() throws IOException {
        ensemble();
        files.saveScores(scores());
        files.saveBest(bestName());
        Map<String, Object> models = new LinkedHashMap<>();
        scores.forEach((name, s) -> models.put(name, RunFiles.metrics(s, engines.get(name))));
        return files.saveMetrics(settings.profile().name().toLowerCase(), bestName(), data.split().files(Split.TEST).size(), models,
                ensemble == null ? null : RunFiles.metrics(ensemble), unavailable());
    }

    /** Facts for run.json: per model its test scores and time, the ensemble's under "ensemble", and which model is best. */
    public void record(RunRecord record) {
        scores.forEach((name, s) -> record.put("model", name, RunFiles.metrics(s, engines.get(name))));
        if (ensemble != null) RunFiles.metrics(ensemble).forEach((k, v) -> record.put("ensemble", k, v));
        if (!scores.isEmpty()) record.put("model", "best", bestName());
        unavailable().forEach((name, why) -> record.put("model", name, Map.of("not_trained", why)));
    }

    private Map<String, Object> training(Prepared p, Trainer.Result r) {
        TrainingPlan plan = p.plan();   // the model's own: its backbone may divide the rate
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs_planned", plan.epochs());
        m.put("epochs_run", r.history().size());
        m.put("best_epoch", r.history().best().epoch());
        m.put("batch_size", plan.batchSize());
        m.put("optimizer", "Adam, learning rate " + plan.learningRate() + " times " + plan.lrDecay() + " per epoch");
        m.put("patience", plan.patience());
        boolean cached = p.transfer() != null && featuresFit(p.transfer());
        m.put("augmentation", !plan.augment() || cached && plan.cachedViews() == 1 ? "none"
                : cached ? cachedViews(plan.cachedViews()) : "mirror images, random crops of 7/8 to all of the side");
        m.put("images_per_epoch", (cached ? plan.onCachedFeatures() : plan).imagesPerEpoch(data.split().files(Split.TRAIN).size()));
        m.put("age_head", plan.ageHead().id());
        if (plan.ageHead() == AgeHead.YEARS) m.put("age_sigma", plan.ageSigma());
        // per bin (a years head gives each year its bin's weight)
        m.put("class_weights", Arrays.stream(data.split().classWeights()).map(w -> Metrics.round(w, 4)).boxed().toList());
        m.put("seed", plan.seed());
        m.put("split_protocol", settings.split().protocol().name().toLowerCase());
        m.put("train_images", data.split().files(Split.TRAIN).size());
        m.put("weights_from", p.weightsFrom());
        if (p.transfer() != null) {
            m.put("frozen_until", p.transfer().frozenUntil());
            m.put("trainable_blocks", p.trainableBlocks());
            m.put("input_scaling_inside", p.transfer().scaling().name());
            m.put("head", StudyHead.study().toString());
        }
        m.put("stop_reason", r.stopReason());
        m.put("train_seconds", r.seconds());
        // engine, and for a cluster its master, workers, averaging, ...
        m.putAll(fitter.describe());
        return m;
    }

    private Prepared prepare(String name) {
        if (name.equals(StudyCnn.NAME)) {
            ComputationGraph net = StudyCnn.build(settings.data().imageSize(), classWeights, plan.updater(), plan.seed());
            return new Prepared(name, StudyCnn.TITLE, settings.data().imageSize(), "none (trained from scratch)", net, null, null, plan, 0);
        }
        Backbones.Entry b = Backbones.named(name).orElseThrow();   // MODELS was checked against KNOWN
        int size = b.imageSize(settings.training().transferImageSize());
        int blocks = b.trainableBlocks(settings.training().trainableBlocks(), settings.training().trainableBlocksGiven());
        // AGE_HEAD=auto: the backbone's own head (years for one that brings an age head to start from)
        AgeHead head = settings.training().ageHead() == Settings.HeadKind.AUTO ? b.ownHead() : plan.ageHead();
        TrainingPlan own = plan.withAgeHead(head).withLearningRateDividedBy(b.learningRateDivisor());
        try {
            Backbones.Built built = b.build(store, size, blocks, StudyHead.study(), head.classWeights(data.split().classWeights()),
                    own.updater(), own.seed());
            return new Prepared(name, b.title(), size, built.weightsFrom(), null, built.net(), null, own, blocks);
        } catch (WeightsUnavailableException e) {
            return new Prepared(name, b.title(), size, null, null, null, e.getMessage(), plan, blocks);
        } catch (IOException e) {
            // a weights file that is there but wrong stops the run: the user has to fix it
            throw new IllegalStateException(name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether the frozen part's outputs for the training (and mirrored) and validation images fit
     * on the disk of the run's folder, with {@link #DISK_MARGIN_BYTES} to spare. Decided once per model.
     */
    private boolean featuresFit(TransferNet tn) {
        return featuresFit.computeIfAbsent(tn.name(), n -> {
            Map<String, InputType> types = tn.graph().getConfiguration()
                    .getLayerActivationTypes(InputType.convolutional(tn.imageSize(), tn.imageSize(), 3));
            long values = types.get(tn.frozenUntil()).arrayElementsPerExample();
            long examples = (long) data.split().files(Split.TRAIN).size() * plan.cachedViews() + data.split().files(Split.VAL).size();
            long needed = FeatureExamples.bytesFor(values, examples);
            try {
                Path dir = settings.paths().runDir();
                Files.createDirectories(dir);
                long free = Files.getFileStore(dir).getUsableSpace();
                if (needed + DISK_MARGIN_BYTES <= free) return true;
                progress.line(String.format("[%s] trains on images: its backbone outputs need %.1f GB on disk and %s has %.1f GB free",
                        n, needed / 1e9, dir, free / 1e9));
            } catch (IOException e) {
                progress.line("[" + n + "] trains on images: cannot check free disk space in " + settings.paths().runDir() + ": " + e.getMessage());
            }
            return false;
        });
    }

    /** What a model trained on cached backbone outputs sees of each image, for the model file. */
    static String cachedViews(int views) {
        return views == 2 ? "mirror images (backbone outputs of both cached)"
                : String.format("mirror images and %d random crops of 7/8 to all of the side, mirrored half of the time "
                        + "(backbone outputs of all %d views cached)", views - 2, views);
    }

    private ImageExamples examples(String split, int size) throws IOException {
        TensorCache cache = caches.get(size);
        if (cache == null) {
            cache = size == settings.data().imageSize() ? data.cache() : data.cache(size);
            caches.put(size, cache);
        }
        return new ImageExamples(cache, data.split().files(split), data.split().bins(split), ages(split));
    }

    private int[] ages(String split) {
        return data.split().files(split).stream().mapToInt(ageOf::get).toArray();
    }
}
