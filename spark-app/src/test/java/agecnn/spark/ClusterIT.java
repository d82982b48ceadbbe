package agecnn.spark;

import agecnn.config.Setting;
import agecnn.config.Settings;
import agecnn.data.CleanData;
import agecnn.data.ImageIndex;
import agecnn.data.IndexColumns;
import agecnn.data.Split;
import agecnn.eval.Metrics;
import agecnn.eval.Predictions;
import agecnn.io.Csv;
import agecnn.nets.SavedModel;
import agecnn.nets.StudyCnn;
import agecnn.nets.weights.WeightFile;
import agecnn.notebook.ProcessRun;
import agecnn.run.RunModels;
import agecnn.run.TrainingSession;
import agecnn.tensors.ImageExamples;
import agecnn.tensors.PreparedData;
import agecnn.testing.TestImages;
import agecnn.testing.TestWeights;
import agecnn.train.Progress;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Notebook 04's training on a Spark standalone cluster of separate JVMs on this machine (a master
 * and two workers of one core each, their executors JVMs of their own), started and submitted to
 * exactly as a user does: {@code ./agecnn cluster start 2}, then {@code ./agecnn train --spark
 * spark://127.0.0.1:PORT}, which runs Spark's own submit path
 * ({@code org.apache.spark.deploy.SparkSubmit}) with the shaded application jar this module built.
 * So task serialization, the class path and the natives shipped to the executors, and the
 * executors' JVM flags (Java 17's openings, the OneDNN switch, the memory caps) are all exercised.
 *
 * <p>The same real subset, plan and settings as {@code SparkTrainingTest} ({@code local[2]}), and
 * the same kind of assertions (a loss that falls, counts of right answers beyond a binomial chance
 * bar), against a run on this machine on the same batches; then a worker is killed with SIGKILL
 * mid-run and the run must still end whole. The cluster is stopped in {@link #stopTheCluster}
 * whatever happened; everything (cluster folder, logs, project, runs) is under a temporary folder.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    static final int PER_BIN = 68, TRAIN = 44, VAL = 8, TEST = 16;
    /** As in SparkTrainingTest: two workers averaging after each batch make half the optimiser steps per epoch. */
    static final int SIZE = 32, TRANSFER_SIZE = 64, BATCH = 16, EPOCHS = 10, CLUSTER_EPOCHS = 2 * EPOCHS;
    static final int WORKERS = 2, AVERAGING = 1;
    /** Epochs of the run whose worker is killed (the baseline only): the kill comes after the first. */
    static final int KILL_EPOCHS = 6;
    static final long SEED = 42;
    /** The error rate of every statistical bar below (see SparkTrainingTest.CHANCE_ERROR). */
    static final double ERROR = 1e-3;
    static final Path PROJECT = Path.of(System.getProperty("project.dir", "..")).toAbsolutePath().normalize();

    @TempDir
    static Path tmp;
    static Path clusterDir, projectDir, localRun, clusterRun;
    static String masterUrl;
    static List<String> models;
    static PreparedData data;
    static Map<String, String> params;
    static ProcessRun submitted;

    @BeforeAll
    static void startTheClusterAndTrain() throws Exception {
        Path images = TestImages.realDataDir();
        Assumptions.assumeTrue(Files.isDirectory(images), "no UTKFace data at " + images);
        models = new ArrayList<>(List.of(StudyCnn.NAME));
        if (Files.isRegularFile(TestWeights.dir().resolve(WeightFile.MOBILENET_V1_025.fileName()))) models.add("mobilenet");
        else System.out.println("no MobileNet weights in " + TestWeights.dir() + ": the baseline only");

        // what 01_obtain and 02_scrub leave in a project: the index, the split, the tensor cache
        projectDir = tmp.resolve("project");
        localRun = projectDir.resolve("reports").resolve("local");
        clusterRun = projectDir.resolve("reports").resolve("cluster");
        params = params(clusterRun, CLUSTER_EPOCHS, models);
        Settings local = Settings.of(params(localRun, EPOCHS, models));
        ImageIndex index = ImageIndex.build(images, PER_BIN, SEED);
        index.save(local.workDir());
        CleanData clean = CleanData.scrub(index.images());
        Split split = Split.balanced(clean.table(), TRAIN, VAL, TEST, SEED);
        split.save(local.workDir().resolve("split.csv"));
        data = new PreparedData(local, index, clean, split);

        long t0 = System.nanoTime();
        TrainingSession session = TrainingSession.start(local, data, new Progress("", new PrintStream(System.out, true), null, Duration.ofDays(1)));
        session.trainAll();
        session.save();
        long t1 = System.nanoTime();

        clusterDir = tmp.resolve("cluster");
        ProcessRun start = ProcessRun.of(PROJECT, Map.of("CLUSTER_DIR", clusterDir.toString()), 5, List.of("./agecnn", "cluster", "start", "" + WORKERS));
        assertEquals(0, start.exitCode(), start.output());
        List<String> lines = start.output().lines().toList();
        masterUrl = lines.get(lines.size() - 1).trim();
        assertTrue(masterUrl.matches("spark://127\\.0\\.0\\.1:\\d+"), "the last line is the master's URL: " + start.output());
        assertEquals(1 + WORKERS, StandaloneCluster.alive(clusterDir).size(), "a master and " + WORKERS + " workers running");
        long t2 = System.nanoTime();

        submitted = train(params, 15);
        long t3 = System.nanoTime();
        System.out.printf("ClusterIT: %s trained in %.0f s on this machine, %.0f s on %s (cluster started in %.0f s)%n",
                models, (t1 - t0) / 1e9, (t3 - t2) / 1e9, masterUrl, (t2 - t1) / 1e9);
        assertEquals(0, submitted.exitCode(), submitted.output());
    }

    @AfterAll
    static void stopTheCluster() throws IOException {
        if (clusterDir == null) return;
        List<StandaloneCluster.Daemon> stopped = StandaloneCluster.stop(clusterDir);
        System.out.println("ClusterIT: stopped " + stopped);
        assertTrue(StandaloneCluster.alive(clusterDir).isEmpty());
    }

    /** The parameters of a run, as environment variables (the driver reads them as the notebooks do). */
    static Map<String, String> params(Path runDir, int epochs, List<String> models) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("PROJECT_DIR", projectDir.toString());
        p.put("UTKFACE_DIR", TestImages.realDataDir().toString());
        p.put("RUN_DIR", runDir.toString());
        p.put("MODELS", String.join(",", models));
        p.put("IMAGE_SIZE", Integer.toString(SIZE));
        p.put("TRANSFER_IMAGE_SIZE", Integer.toString(TRANSFER_SIZE));
        p.put("EPOCHS", Integer.toString(epochs));
        p.put("BATCH_SIZE", Integer.toString(BATCH));
        p.put("PATIENCE", "0");
        // MobileNet: its last block trains with the head, as in the smoke profile (the default
        // profile's 7 blocks of depthwise convolutions take minutes an epoch on one core)
        p.put("TRAINABLE_BLOCKS", "1");
        p.put("WEIGHTS_DIR", TestWeights.dir().toString());
        p.put("SEED", Long.toString(SEED));
        return p;
    }

    /** {@code ./agecnn train --spark MASTER} with these parameters (and no other setting of this JVM's environment), to its end. */
    static ProcessRun train(Map<String, String> params, long minutes) throws IOException, InterruptedException {
        ProcessRun.Started p = startTraining(params);
        if (!p.process().waitFor(minutes, TimeUnit.MINUTES)) {
            p.process().destroyForcibly();
            throw new AssertionError("the training on the cluster did not end within " + minutes + " min");
        }
        return p.finished();
    }

    static ProcessRun.Started startTraining(Map<String, String> params) throws IOException {
        List<String> command = List.of("./agecnn", "train", "--spark", masterUrl, "--averaging", "" + AVERAGING, "--workers", "" + WORKERS);
        Map<String, String> env = new HashMap<>(params);
        // the driver: a small heap (the executors are where the training is); the executors: 1 GB heap, 1 GB off-heap
        env.put("SPARK_JVM_OPTS", "-Xmx1500m -Dorg.bytedeco.javacpp.maxbytes=3G");
        env.put("EXECUTOR_MEMORY", "1g");
        env.put("EXECUTOR_MAXBYTES", "1G");
        env.put("LOG_LEVEL", "warn");
        // no other setting of this JVM's environment (PROFILE, MAX_PER_BIN, ...) reaches the driver
        for (Setting s : Setting.values()) if (!params.containsKey(s.name()) && System.getenv(s.name()) != null) {
            command = Stream.concat(Stream.of("env", "-u", s.name()), command.stream()).toList();
        }
        return ProcessRun.start(PROJECT, env, command);
    }

    @Test
    @Order(1)
    void theSubmitIsSparksOwnWithTheApplicationJarAndTheExecutorFlags() {
        String line = submitted.output().lines().filter(l -> l.startsWith("spark-submit: ")).findFirst().orElseThrow(
                () -> new AssertionError("no spark-submit line:\n" + submitted.output()));
        assertTrue(line.contains(" org.apache.spark.deploy.SparkSubmit --master " + masterUrl + " "), line);
        assertTrue(line.contains("/target/spark/dist/jars/*"), "Spark's class path, not the project's: " + line);
        assertTrue(line.contains("/target/spark/app/agecnn-spark-app.jar "), "the application jar: " + line);
        assertTrue(line.contains("--conf spark.executor.extraJavaOptions=--add-opens="), line);
        String executorOptions = line.substring(line.indexOf("spark.executor.extraJavaOptions="));
        List<String> opens;
        try {
            opens = Files.readAllLines(PROJECT.resolve(SparkContexts.JAVA17_ARGS)).stream().filter(l -> l.startsWith("--add-opens")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertFalse(opens.isEmpty());
        for (String o : opens) assertTrue(executorOptions.contains(o + " "), "the executors get " + o + ": " + line);
        assertTrue(line.contains("-Dorg.eclipse.deeplearning4j.helpers.disable=false"), "the OneDNN switch: " + line);
    }

    /**
     * What each executor said about its copy of the network (SparkEpochFitter.Helpers): both
     * executors (one per worker, each its own JVM) trained the baseline with the OneDNN helpers on,
     * which they can only have from spark.executor.extraJavaOptions.
     */
    @Test
    @Order(1)
    void theExecutorsLogsShowTheOneDnnHelpersOn() throws IOException {
        List<Path> logs;
        try (Stream<Path> s = Files.walk(clusterDir.resolve("work"))) {
            logs = s.filter(p -> p.getFileName().toString().equals("stderr")).toList();
        }
        int on = 0;
        for (Path log : logs) {
            List<String> said = Files.readAllLines(log).stream().filter(l -> l.contains(SparkEpochFitter.Helpers.LINE)).toList();
            System.out.println(log + ": " + said);
            if (said.stream().anyMatch(l -> l.contains("OneDNN helpers on"))) on++;
        }
        assertTrue(on >= WORKERS, "executors whose log says the baseline had its OneDNN helpers on: " + on + " of " + logs
                + " (expected one per worker)");
    }

    /**
     * For every model on the cluster: the fit loss falls, the last epoch's training accuracy beats
     * chance by a binomial margin (error {@link #ERROR}), and MobileNet's held-out accuracy too; and
     * against this machine's model trained on the same batches, the held-out count of right answers
     * may be lower by no more than sampling explains: if both models were equally good, with
     * accuracy p, each count of n held-out images would be binomial (n, p), their difference of
     * standard deviation at most sqrt(2 n p (1 - p)) (less: the images are the same ones), and
     * a drop beyond 3.09 of those (one-sided error 1e-3) says the cluster's training is worse.
     * p is pooled from the two counts. A tolerance from the spread of a count, not from one run.
     */
    @Test
    @Order(1)
    void theClusterTrainsEveryModelAsWellAsThisMachine() throws IOException {
        JsonObject metrics = json(clusterRun.resolve("metrics.json")).getAsJsonObject("models");
        int n = (VAL + TEST) * 12, trained = TRAIN * 12;
        int least = leastRightBeyondChance(n, 1.0 / 12, ERROR), leastTrained = leastRightBeyondChance(trained, 1.0 / 12, ERROR);
        for (String m : models) {
            double[] local = score(localRun.resolve("models").resolve(m + ".zip"));
            double[] cluster = score(clusterRun.resolve("models").resolve(m + ".zip"));
            Table h = history(clusterRun, m);
            double first = h.doubleColumn("fit_loss").getDouble(0), last = h.doubleColumn("fit_loss").getDouble(CLUSTER_EPOCHS - 1);
            long trainRight = Math.round(h.doubleColumn("train_accuracy").getDouble(CLUSTER_EPOCHS - 1) * trained);
            long c = Math.round(cluster[0] * n), l = Math.round(local[0] * n);
            double p = (c + l) / (2.0 * n);
            double tolerance = 3.09 * Math.sqrt(2 * n * p * (1 - p));
            System.out.printf("%s: cluster fit loss %.3f -> %.3f; training %d of %d right (%d needed); held out, of %d: this machine %d "
                    + "(loss %.3f), cluster %d (loss %.3f); %d needed beyond chance, lower than this machine by at most %.1f%n",
                    m, first, last, trainRight, trained, leastTrained, n, l, local[1], c, cluster[1], least, tolerance);
            assertTrue(last < first, m + " learns on the cluster: fit loss " + first + " at epoch 1, " + last + " at the last");
            assertTrue(trainRight >= leastTrained, m + " on the cluster: " + trainRight + " training images right, " + leastTrained + " needed");
            if (m.equals("mobilenet")) assertTrue(c >= least, m + " on the cluster: " + c + " of " + n + " held-out right, " + least + " needed");
            assertTrue(c >= l - tolerance, m + ": " + c + " held-out right on the cluster, " + l + " on this machine; a drop of at most "
                    + tolerance + " is sampling");
            assertEquals(CLUSTER_EPOCHS, metrics.getAsJsonObject(m).get("epochs").getAsInt());
            String engine = metrics.getAsJsonObject(m).get("engine").getAsString();
            assertTrue(engine.startsWith("spark (master " + masterUrl + ", workers " + WORKERS), engine);
        }
    }

    /** The cluster's run folder holds what this machine's holds: notebooks 05 and 06 read it unchanged. */
    @Test
    @Order(1)
    void theClusterRunLeavesTheFilesOfALocalRun() throws IOException {
        assertEquals(Files.readAllLines(localRun.resolve("scores.csv")).get(0), Files.readAllLines(clusterRun.resolve("scores.csv")).get(0));
        JsonObject lm = json(localRun.resolve("metrics.json")), cm = json(clusterRun.resolve("metrics.json"));
        assertEquals(lm.keySet(), cm.keySet());
        assertEquals(new TreeSet<>(models), new TreeSet<>(cm.getAsJsonObject("models").keySet()));
        assertTrue(Files.isRegularFile(clusterRun.resolve("models/best.zip")));
        for (String m : models) {
            assertEquals(lm.getAsJsonObject("models").getAsJsonObject(m).keySet(), cm.getAsJsonObject("models").getAsJsonObject(m).keySet());
            for (String f : List.of("latest.zip", "best.zip", "history.csv")) {
                assertTrue(Files.isRegularFile(clusterRun.resolve("checkpoints").resolve(m).resolve(f)), m + " " + f);
            }
            assertEquals(CLUSTER_EPOCHS + 1, Files.readAllLines(clusterRun.resolve("checkpoints").resolve(m).resolve("history.csv")).size());
        }
        assertNoScratch(clusterRun);
        // notebook 05 finds the run's models as it finds a local run's, and with two of them their ensemble (ENSEMBLE is 2 unless set)
        RunModels found = RunModels.in(clusterRun);
        TreeSet<String> expected = new TreeSet<>(models);
        if (models.size() >= 2) expected.add(agecnn.run.TrainingSession.ENSEMBLE);
        assertEquals(expected, new TreeSet<>(found.models().keySet()));
        assertTrue(expected.contains(found.best()), found.toString());
    }

    /**
     * A worker killed with SIGKILL while the baseline trains (after its first checkpointed epoch):
     * its executor goes with it (the executor's worker watcher ends it), the tasks it held are lost
     * and Spark reruns them on the worker left (a lost executor is not the task's fault, so it does
     * not count against spark.task.maxFailures), and the run ends with every epoch, a whole run
     * folder and no scratch file. And it trains exactly what the uninterrupted run trained: a
     * rerun task starts from the round's broadcast parameters with the same batches and the same
     * seed (SparkEpochFitter.Counts seeds each partition), on an executor with the same one native
     * thread, so every epoch's losses and accuracies in history.csv equal those of the first
     * {@link #KILL_EPOCHS} epochs of the baseline in {@link #theClusterTrainsEveryModelAsWellAsThisMachine}'s
     * run (same parameters but the epochs; the learning rate decays per epoch, not towards the last).
     */
    @Test
    @Order(2)
    void aWorkerKilledMidRunTheRunStillEndsWhole() throws Exception {
        Path run = projectDir.resolve("reports").resolve("killed");
        Map<String, String> p = params(run, KILL_EPOCHS, List.of(StudyCnn.NAME));
        Path historyCsv = run.resolve("checkpoints").resolve(StudyCnn.NAME).resolve("history.csv");
        StandaloneCluster.Daemon victim = StandaloneCluster.alive(clusterDir).stream().filter(d -> d.role().equals("worker-1")).findFirst()
                .orElseThrow();
        ProcessRun.Started driver = startTraining(p);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        int epochsAtKill = -1;
        while (driver.process().isAlive() && System.nanoTime() < deadline) {
            int epochs = Files.isRegularFile(historyCsv) ? Files.readAllLines(historyCsv).size() - 1 : 0;
            if (epochs >= 1) {
                ProcessHandle h = ProcessHandle.of(victim.pid()).orElseThrow();
                List<ProcessHandle> executors = h.descendants().toList();
                assertTrue(h.destroyForcibly(), "SIGKILL to worker-1");   // kill -9
                h.onExit().get(30, TimeUnit.SECONDS);
                epochsAtKill = epochs;
                // a machine that goes away takes its executor with it
                for (ProcessHandle e : executors) e.onExit().get(60, TimeUnit.SECONDS);
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(epochsAtKill >= 1 && epochsAtKill < KILL_EPOCHS, "the kill landed mid-run, after epoch " + epochsAtKill
                + " of " + KILL_EPOCHS + ":\n" + (driver.process().isAlive() ? "" : driver.finished().output()));
        if (!driver.process().waitFor(10, TimeUnit.MINUTES)) {
            driver.process().destroyForcibly();
            throw new AssertionError("the run did not end within 10 min of its worker's kill");
        }
        ProcessRun done = driver.finished();
        System.out.printf("ClusterIT: worker-1 (pid %d) killed after epoch %d of %d; the run ended with exit %d%n",
                victim.pid(), epochsAtKill, KILL_EPOCHS, done.exitCode());
        assertEquals(0, done.exitCode(), "the run goes on with the worker left:\n" + done.output());
        assertEquals(KILL_EPOCHS + 1, Files.readAllLines(historyCsv).size(), "every epoch in history.csv");
        JsonObject entry = json(run.resolve("metrics.json")).getAsJsonObject("models").getAsJsonObject(StudyCnn.NAME);
        assertEquals(KILL_EPOCHS, entry.get("epochs").getAsInt());
        assertTrue(Files.isRegularFile(run.resolve("models").resolve(StudyCnn.NAME + ".zip")));
        assertNoScratch(run);
        Table killed = history(run, StudyCnn.NAME), whole = history(clusterRun, StudyCnn.NAME);
        for (String column : List.of("epoch", "fit_loss", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "learning_rate")) {
            for (int e = 0; e < KILL_EPOCHS; e++) {
                assertEquals(whole.doubleColumn(column).getDouble(e), killed.doubleColumn(column).getDouble(e),
                        column + " of epoch " + (e + 1) + ": the run that lost a worker against the uninterrupted one");
            }
        }
        assertEquals(List.of("master", "worker-2"), StandaloneCluster.alive(clusterDir).stream().map(StandaloneCluster.Daemon::role).toList());
    }

    /** No scratch file of an atomic write (*.tmp) nor of backbone outputs left anywhere in a run folder. */
    static void assertNoScratch(Path run) throws IOException {
        try (Stream<Path> s = Files.walk(run)) {
            List<String> scratch = s.map(p -> run.relativize(p).toString())
                    .filter(f -> f.endsWith(".tmp") || f.contains("backbone-outputs-")).toList();
            assertTrue(scratch.isEmpty(), "scratch files left in " + run + ": " + scratch);
        }
        assertFalse(Files.exists(run.resolve("metrics.json.tmp")));
    }

    /** The least k with P(X >= k) < {@code error} for X binomial (n, p) (as SparkTrainingTest). */
    static int leastRightBeyondChance(int n, double p, double error) {
        double[] pmf = new double[n + 1];
        pmf[0] = Math.pow(1 - p, n);
        for (int k = 1; k <= n; k++) pmf[k] = pmf[k - 1] * (n - k + 1) / k * p / (1 - p);
        double tail = 0;
        for (int k = n; k >= 0; k--) {
            if (tail + pmf[k] >= error) return k + 1;
            tail += pmf[k];
        }
        return 0;
    }

    /** [accuracy, mean cross-entropy] of a saved model on the held-out images (val, then test). */
    static double[] score(Path modelFile) throws IOException {
        SavedModel m = SavedModel.load(modelFile);
        List<String> files = new ArrayList<>(data.split().files(Split.VAL));
        files.addAll(data.split().files(Split.TEST));
        int[] v = data.split().bins(Split.VAL), t = data.split().bins(Split.TEST);
        int[] bins = java.util.Arrays.copyOf(v, v.length + t.length);
        System.arraycopy(t, 0, bins, v.length, t.length);
        Map<String, Integer> ageOf = new HashMap<>();
        Table table = data.table();
        for (int r = 0; r < table.rowCount(); r++) ageOf.put(table.getString(r, IndexColumns.FILE), table.intColumn(IndexColumns.AGE).getInt(r));
        ImageExamples ex = new ImageExamples(data.cache(m.info().imageSize()), files, bins, files.stream().mapToInt(ageOf::get).toArray());
        float[][] p = Predictions.probabilities((ComputationGraph) m.net(), ex, 64);
        int right = 0;
        for (int i = 0; i < p.length; i++) if (Metrics.argMax(p[i]) == bins[i]) right++;
        return new double[] {(double) right / p.length, Predictions.loss(p, bins)};
    }

    static Table history(Path run, String model) throws IOException {
        return Csv.read(run.resolve("checkpoints").resolve(model).resolve("history.csv"), name -> ColumnType.DOUBLE).table();
    }

    static JsonObject json(Path p) throws IOException {
        return JsonParser.parseString(Files.readString(p)).getAsJsonObject();
    }
}
