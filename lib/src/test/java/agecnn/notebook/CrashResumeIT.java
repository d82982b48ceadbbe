package agecnn.notebook;

import agecnn.config.Profile;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A run of notebook 04 whose kernel is killed ({@code kill -9}), twice, then run again with the
 * same {@code RUN_ID}, ends with exactly the scores and models of an uninterrupted run, and leaves
 * no scratch file behind. Through the real launcher, runner and kernel, on the smoke profile.
 *
 * <p>The kills ({@link KernelKill}): first during training, once a model has checkpointed some of
 * its epochs but not all (the baseline after epoch 1, trained on images); then, in the second
 * run, during the backbone's pass over the images of the pretrained model, while its scratch file
 * of backbone outputs is being written. Each point is told by the files the run writes and
 * checked again with the kernel stopped before the kill, so the test knows where each kill
 * landed; a run that ends before its point fails the test, saying so, rather than passing
 * without a kill.
 *
 * <p>The uninterrupted reference is the shared smoke run's notebook 04 ({@link SmokeRun}, the
 * same profile, models and data, made from scratch by this code): same machine and seed, same
 * digits, so scores, histories and weights are compared exactly; only times differ.
 */
class CrashResumeIT {

    static final Path PROJECT = SmokeRun.PROJECT;
    static final String RUN_ID = "it-crash";
    static final Path RUN_DIR = PROJECT.resolve("reports").resolve(RUN_ID);
    static final Map<String, String> ENV = Map.of("PROFILE", "smoke", "RUN_ID", RUN_ID);
    static final List<String> COMMAND = List.of("./agecnn", "run", "--only", "04");
    static final int EPOCHS = Profile.SMOKE.training.epochs();
    static final String PASSED = "[mobilenet] backbone outputs at";
    /** What differs between two runs of the same training: how long it took. */
    static final List<String> TIMES = List.of("train_seconds", "images_per_second", "seconds", "images_per_s");

    /** A model's checkpoint: epochs done, and whether it is finished. */
    record Checkpoint(String model, int epochs, boolean finished) {}

    @Test
    void killedDuringTrainingAndDuringABackbonePassTheRunResumesToTheUninterruptedScores() throws Exception {
        SmokeRun.get();
        Path reference = SmokeRun.RUN_DIR;
        SmokeRun.deleteTree(RUN_DIR);
        long t0 = System.currentTimeMillis();

        // 1. killed during training: some model has checkpointed some of its epochs, not all
        KernelKill.Result first = KernelKill.run(PROJECT, ENV, COMMAND, () -> trainingUnderway() != null, 10);
        long t1 = System.currentTimeMillis();
        assertTrue(first.killed(), "the run ended before its kernel could be killed during training:\n" + first.run().output());
        assertKernelDied(first.run());
        Checkpoint killedAt = trainingUnderway();
        assertNotNull(killedAt, "the kill landed while a model was training");

        // 2. the same command: it resumes, and is killed during the pretrained model's backbone pass
        int passes = count(PASSED);
        Set<String> before = scratchFiles();
        KernelKill.Result second = KernelKill.run(PROJECT, ENV, COMMAND, () -> backbonePassUnderway(passes, before), 10);
        long t2 = System.currentTimeMillis();
        assertTrue(second.killed(), "the run ended before its kernel could be killed during the backbone pass:\n" + second.run().output());
        assertKernelDied(second.run());
        assertTrue(backbonePassUnderway(passes, before), "the kill landed during the backbone pass, leaving its scratch file");

        // 3. the same command again, to the end
        ProcessRun third = ProcessRun.of(PROJECT, ENV, 10, COMMAND);
        long t3 = System.currentTimeMillis();
        assertEquals(0, third.exitCode(), third.output());
        System.out.printf("CrashResumeIT: killed after %.0f s, killed again after %.0f s, finished in %.0f s (%.0f s in all)%n",
                (t1 - t0) / 1e3, (t2 - t1) / 1e3, (t3 - t2) / 1e3, (t3 - t0) / 1e3);

        // resumed, not restarted: the killed model went on after its last checkpointed epoch
        String log = Files.readString(RUN_DIR.resolve("progress.log"));
        assertTrue(log.contains(String.format("[%s] resuming from %s after epoch %d of %d", killedAt.model(),
                RUN_DIR.resolve("checkpoints").resolve(killedAt.model()).resolve("latest.zip"), killedAt.epochs(), EPOCHS)), log);
        for (int e = 1; e <= killedAt.epochs(); e++) {
            assertTrue(count(String.format("[%s] epoch %d/%d ", killedAt.model(), e, EPOCHS)) <= 1, "epoch " + e + " trained twice:\n" + log);
        }

        // the same end as the uninterrupted run, to the last digit
        JsonObject got = json(RUN_DIR.resolve("metrics.json")), want = json(reference.resolve("metrics.json"));
        for (String k : List.of("profile", "best_model", "test_images")) assertEquals(want.get(k), got.get(k), k);
        JsonObject gotModels = got.getAsJsonObject("models"), wantModels = want.getAsJsonObject("models");
        assertEquals(new TreeSet<>(Profile.SMOKE.training.models()), new TreeSet<>(wantModels.keySet()));
        assertEquals(wantModels.keySet(), gotModels.keySet());
        for (String m : wantModels.keySet()) {
            JsonObject g = gotModels.getAsJsonObject(m).deepCopy(), w = wantModels.getAsJsonObject(m).deepCopy();
            TIMES.forEach(k -> { g.remove(k); w.remove(k); });
            assertEquals(w, g, m + ": metrics.json");
            assertEquals(withoutTimes(reference.resolve("checkpoints").resolve(m).resolve("history.csv")),
                    withoutTimes(RUN_DIR.resolve("checkpoints").resolve(m).resolve("history.csv")), m + ": history.csv");
            assertArrayEquals(weights(reference.resolve("models").resolve(m + ".zip")), weights(RUN_DIR.resolve("models").resolve(m + ".zip")),
                    m + ": the saved model's weights");
        }
        assertEquals(withoutTimes(reference.resolve("scores.csv")), withoutTimes(RUN_DIR.resolve("scores.csv")), "scores.csv");
        assertArrayEquals(weights(reference.resolve("models/best.zip")), weights(RUN_DIR.resolve("models/best.zip")), "models/best.zip");

        // no scratch file left: none in the run's folder, none written since in the caches
        assertEquals(List.of(), scratch(RUN_DIR, 0), "scratch files left in the run's folder");
        assertEquals(List.of(), scratch(PROJECT.resolve("data/cache"), t0), "scratch files left in the caches");
        assertEquals(List.of(), scratch(SmokeRun.WORK, t0), "scratch files left in the work folder");
    }

    static void assertKernelDied(ProcessRun run) {
        assertNotEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("FAILED 04_model.ipynb: kernel died"), run.output());
    }

    /** A model whose checkpoint holds some epochs but not the end of its training, or null. */
    static Checkpoint trainingUnderway() throws IOException {
        Path dir = RUN_DIR.resolve("checkpoints");
        if (!Files.isDirectory(dir)) return null;
        try (DirectoryStream<Path> models = Files.newDirectoryStream(dir)) {
            for (Path m : models) {
                Path latest = m.resolve("latest.zip");
                if (!Files.isRegularFile(latest)) continue;
                Checkpoint c = checkpoint(latest);
                if (!c.finished()) return c;
            }
        }
        return null;
    }

    /** The trainer's state inside a checkpoint ({@code agecnn.train.Trainer}: Java-serialized JSON under objects/). */
    static Checkpoint checkpoint(Path latest) throws IOException {
        try (ZipFile zip = new ZipFile(latest.toFile());
             ObjectInputStream in = new ObjectInputStream(zip.getInputStream(zip.getEntry("objects/agecnn-trainer-state.json")))) {
            JsonObject state = new JsonParser().parse((String) in.readObject()).getAsJsonObject();
            return new Checkpoint(state.get("model").getAsString(), state.getAsJsonArray("epochs").size(), state.has("stop_reason"));
        } catch (ClassNotFoundException | RuntimeException e) {
            throw new IOException(latest + ": no trainer state (" + e + ")", e);
        }
    }

    /**
     * Whether the pretrained model's backbone is making its pass: a scratch file of backbone
     * outputs is there that was not there {@code before} (each pass makes one of a new name), and
     * no pass has ended since {@code passesBefore} were logged.
     */
    static boolean backbonePassUnderway(int passesBefore, Set<String> before) throws IOException {
        Set<String> now = scratchFiles();
        now.removeAll(before);
        return !now.isEmpty() && count(PASSED) == passesBefore;
    }

    /** The pretrained model's scratch files of backbone outputs. */
    static Set<String> scratchFiles() throws IOException {
        Set<String> names = new TreeSet<>();
        Path dir = RUN_DIR.resolve("checkpoints/mobilenet");
        if (!Files.isDirectory(dir)) return names;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "backbone-outputs-*")) {
            for (Path p : s) names.add(p.getFileName().toString());
        }
        return names;
    }

    /** Lines of progress.log that contain {@code text}. */
    static int count(String text) throws IOException {
        Path log = RUN_DIR.resolve("progress.log");
        if (!Files.isRegularFile(log)) return 0;
        return (int) Files.readAllLines(log).stream().filter(l -> l.contains(text)).count();
    }

    /** A CSV's rows without its time columns. */
    static List<List<String>> withoutTimes(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = cells(lines.get(0));
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines) {
            List<String> cells = cells(line);
            List<String> kept = new ArrayList<>();
            for (int i = 0; i < cells.size(); i++) if (i >= header.size() || !TIMES.contains(header.get(i))) kept.add(cells.get(i));
            rows.add(kept);
        }
        return rows;
    }

    /** The cells of a CSV line (a cell in double quotes may hold commas; "" is a quote). */
    static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"' && quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                cell.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }

    /** A saved model's weights as stored (DL4J's coefficients.bin inside the zip). */
    static byte[] weights(Path model) throws IOException {
        try (ZipFile zip = new ZipFile(model.toFile())) {
            if (zip.getEntry("coefficients.bin") != null) return zip.getInputStream(zip.getEntry("coefficients.bin")).readAllBytes();
            // an ensemble (best.zip when it beats every model): its members' weights, in order
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (String name : zip.stream().map(java.util.zip.ZipEntry::getName).filter(n -> n.startsWith("members/")).sorted().toList()) {
                try (var member = new java.util.zip.ZipInputStream(zip.getInputStream(zip.getEntry(name)))) {
                    for (var e = member.getNextEntry(); e != null; e = member.getNextEntry()) {
                        if (e.getName().equals("coefficients.bin")) all.write(member.readAllBytes());
                    }
                }
            }
            assertTrue(all.size() > 0, model + " has no weights");
            return all.toByteArray();
        }
    }

    static JsonObject json(Path file) throws IOException {
        return new JsonParser().parse(Files.readString(file)).getAsJsonObject();
    }

    /** Scratch files under {@code dir} last modified at or after {@code since} (ms): temporary, partial, backbone outputs. */
    static List<Path> scratch(Path dir, long since) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".tmp") || n.endsWith(".part") || n.startsWith("backbone-outputs-");
            }).filter(p -> {
                try {
                    return Files.getLastModifiedTime(p).toMillis() >= since;
                } catch (IOException e) {
                    return false;
                }
            }).toList();
        }
    }
}
