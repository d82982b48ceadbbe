package agecnn.nets;

import agecnn.tensors.Augmentation;
import agecnn.tensors.Resizer;
import agecnn.tensors.TensorCache;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * One file holding a trained model and its {@link ModelInfo}: DL4J's model zip (weights,
 * configuration, updater state) with the info as an extra {@code agecnn-info.json} entry.
 * Images in, bin probabilities out: a frozen backbone and its head are saved together. A model
 * whose head is a softmax over years ({@link AgeHead#YEARS}) gives bin probabilities too, the sums
 * over each bin's years; its expected age is the mean over the years ({@link #expectedAges}).
 *
 * <p>Or an <em>ensemble</em> ({@link #ensemble}): several saved models whose bin probabilities
 * are averaged, each member seeing the batch at its own input size. Its file is a zip holding
 * {@code agecnn-ensemble.json} (its info, {@code training.kind = "ensemble"}, the members listed
 * under {@code training.members}) and each member's own model zip under {@code members/}. It
 * loads, predicts and saves like any other model; it has no single network ({@link #net}).
 */
public final class SavedModel {

    static final String INFO_ENTRY = "agecnn-info.json";
    /** The info entry of an ensemble's file (its presence is what marks the file as an ensemble). */
    static final String ENSEMBLE_ENTRY = "agecnn-ensemble.json";
    /** {@code training.kind} of an ensemble's info. */
    public static final String ENSEMBLE = "ensemble";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    /** The network; null for an ensemble. */
    private final Model net;
    /** An ensemble's members, in order; empty for a single network. */
    private final List<SavedModel> members;
    private final ModelInfo info;

    public SavedModel(Model net, ModelInfo info) {
        if (!(net instanceof MultiLayerNetwork) && !(net instanceof ComputationGraph)) {
            throw new IllegalArgumentException("a saved model is a MultiLayerNetwork or a ComputationGraph, not " + net.getClass());
        }
        this.net = net;
        this.members = List.of();
        this.info = info;
        long width = outputWidth(net);
        if (width != info.head().outputs()) {
            // the info says what the outputs mean; a network of another width cannot be read by it
            throw new IllegalArgumentException("model '" + info.name() + "' names a " + info.head().id() + " head ("
                    + info.head().outputs() + " outputs) but its network has " + width + " outputs");
        }
    }

    private static long outputWidth(Model net) {
        org.deeplearning4j.nn.api.Layer out = net instanceof MultiLayerNetwork m ? m.getOutputLayer()
                : ((ComputationGraph) net).getOutputLayer(0);
        return ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) out.conf().getLayer()).getNOut();
    }

    private SavedModel(List<SavedModel> members, ModelInfo info) {
        this.net = null;
        this.members = List.copyOf(members);
        this.info = info;
    }

    /**
     * An ensemble of {@code members} (at least two single networks, the same 12 bins): its
     * {@link #predict} is the mean of the members' {@code predict}, equal weights, each member
     * given the batch resized to its own input size ({@link #resized}). Its info: input size the
     * largest member's (so no member's input is enlarged when they are made from it), bin ages
     * the mean of the members' (the same when, as in one run, they all come from one training
     * set; the expected age under the averaged probabilities is then exactly the mean of the
     * members' expected ages), the members (name, backbone, input size, file entry) under
     * {@code training.members}, no metrics yet ({@link #withMetrics}).
     */
    public static SavedModel ensemble(String name, List<SavedModel> members) {
        if (members.size() < 2) throw new IllegalArgumentException("an ensemble needs at least two members, got " + members.size());
        for (SavedModel m : members) {
            if (m.info().binAges() == null) throw new IllegalArgumentException("member '" + m.info().name() + "' carries no bin ages");
        }
        ModelInfo first = members.get(0).info();
        int size = 0;
        double[] binAges = new double[first.binAges().length];
        List<Map<String, Object>> listed = new ArrayList<>();
        for (int k = 0; k < members.size(); k++) {
            SavedModel m = members.get(k);
            ModelInfo mi = m.info();
            if (m.isEnsemble()) throw new IllegalArgumentException("member '" + mi.name() + "' is itself an ensemble; give its members instead");
            if (!mi.bins().equals(first.bins()) || mi.binAges().length != binAges.length) {
                throw new IllegalArgumentException("member '" + mi.name() + "' has bins " + mi.bins() + ", '" + first.name() + "' has " + first.bins());
            }
            if (!mi.layout().equals(first.layout()) || !mi.channelOrder().equals(first.channelOrder()) || mi.scale() != first.scale()) {
                throw new IllegalArgumentException("member '" + mi.name() + "' takes " + mi.layout() + " " + mi.channelOrder() + " scaled by "
                        + mi.scale() + ", '" + first.name() + "' " + first.layout() + " " + first.channelOrder() + " scaled by " + first.scale());
            }
            size = Math.max(size, mi.imageSize());
            for (int b = 0; b < binAges.length; b++) binAges[b] += mi.binAges()[b] / members.size();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", mi.name());
            entry.put("backbone", mi.backbone());
            entry.put("image_size", mi.imageSize());
            entry.put("entry", "members/" + k + "-" + mi.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".zip");
            listed.add(entry);
        }
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("kind", ENSEMBLE);
        training.put("members", listed);
        training.put("weights", "equal");
        training.put("resize", "each member gets the batch resized to its own input size by the training images' resizer"
                + " (area average down, bilinear up)");
        ModelInfo info = ModelInfo.of(name, "ensemble of " + String.join(" + ", members.stream().map(m -> m.info().name()).toList()),
                size, binAges, training, Map.of());
        try {
            // as it will read back from its file (numbers as doubles, lists as lists), so a loaded one equals it
            info = infoFromJson(GSON.toJson(info), Path.of(name));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new SavedModel(members, info);
    }

    /**
     * The network. An ensemble has none (it has members, {@link #members}): asking it for one is
     * an {@link IllegalStateException} that says so.
     */
    public Model net() {
        if (net == null) {
            throw new IllegalStateException("model '" + info.name() + "' is an ensemble of " + members.size()
                    + " models and has no single network: use predict(...) or members()");
        }
        return net;
    }

    /** Whether this is an ensemble ({@link #ensemble}). */
    public boolean isEnsemble() { return net == null; }

    /** An ensemble's members, in order; empty for a single network. */
    public List<SavedModel> members() { return members; }

    /** The same model with other metrics in its info (set once it has been scored). */
    public SavedModel withMetrics(Map<String, Object> metrics) {
        ModelInfo scored = info.withMetrics(metrics);
        return net != null ? new SavedModel(net, scored) : new SavedModel(members, scored);
    }

    public ModelInfo info() { return info; }

    /**
     * Bin probabilities, [n, 12], for a batch laid out as {@link ModelInfo#layout()} and scaled as
     * the info says: the mean of the network's outputs for each image and its mirror image (for a
     * years head, {@link AgeHead#toBins}: that mean summed over each bin's years). The
     * models train on mirrored images too, and averaging the two views is a cheap ensemble: on the
     * default run's test set it raised MobileNet from 45.7% to 47.1% (one-off 81.1% to 82.9%, MAE
     * 5.82 to 5.61 years) and the study's CNN from 40.1% to 41.3%, for twice the inference work.
     * Every score and prediction of the project goes through here.
     *
     * <p>An ensemble's: the mean of its members' {@code predict} (each member's own mirror
     * averaging included), in member order, each on the batch {@link #resized} to its size.
     */
    public INDArray predict(INDArray batch) {
        checkShape(batch);
        if (net == null) return meanOverMembers(batch, SavedModel::predict);
        return info.head().toBins(mirrored(batch));
    }

    /**
     * The expected age in years of each image of the batch, from the same mirrored outputs as
     * {@link #predict}: for a bins head the bins' ages {@code binAges} weighted by their
     * probabilities, for a years head the mean over years ({@code binAges} unread, may be null).
     * An ensemble's is the mean of its members' own expected ages (each with its own bin ages).
     */
    public double[] expectedAges(INDArray batch, double[] binAges) {
        checkShape(batch);
        if (net == null) return meanOfMembersAges(batch);
        return info.head().expectedAges(mirrored(batch), binAges);
    }

    /** {@link #expectedAges(INDArray, double[])} with the bin ages the model carries ({@link ModelInfo#binAges()}). */
    public double[] expectedAges(INDArray batch) {
        return expectedAges(batch, info.binAges());
    }

    /**
     * Bin probabilities and expected ages of a batch from one mirrored pass: what
     * {@link #predict} and {@link #expectedAges(INDArray, double[])} give, for the price of one.
     */
    public Reading read(INDArray batch, double[] binAges) {
        checkShape(batch);
        if (net == null) {
            INDArray sum = null;
            double[] ages = new double[(int) batch.size(0)];
            for (SavedModel m : members) {
                Reading r = m.read(resized(batch, m.info().imageSize()), m.info().binAges());
                sum = sum == null ? r.bins().dup() : sum.addi(r.bins());
                for (int i = 0; i < ages.length; i++) ages[i] += r.expectedAges()[i] / members.size();
            }
            return new Reading(sum.divi(members.size()), ages);
        }
        INDArray out = mirrored(batch);
        return new Reading(info.head().toBins(out), info.head().expectedAges(out, binAges));
    }

    /** Bin probabilities [n, 12] and the expected age of each image, in years. */
    public record Reading(INDArray bins, double[] expectedAges) {}

    private double[] meanOfMembersAges(INDArray batch) {
        double[] ages = new double[(int) batch.size(0)];
        for (SavedModel m : members) {
            double[] a = m.expectedAges(resized(batch, m.info().imageSize()));
            for (int i = 0; i < ages.length; i++) ages[i] += a[i] / members.size();
        }
        return ages;
    }

    /** The mean of the network's outputs for each image and its mirror image. */
    private INDArray mirrored(INDArray batch) {
        return output(batch).addi(output(Augmentation.flip(batch))).muli(0.5);
    }

    /**
     * The network's own output for the batch, without the mirror image (for a years head: over
     * years); an ensemble's is the mean of its members' outputs as bin probabilities (what the
     * trainer's validation accuracy measures for one network).
     */
    public INDArray output(INDArray batch) {
        if (net == null) {
            checkShape(batch);
            return meanOverMembers(batch, (m, x) -> m.info().head().toBins(m.output(x)));
        }
        return net instanceof MultiLayerNetwork m ? m.output(batch, false) : ((ComputationGraph) net).outputSingle(false, batch);
    }

    private void checkShape(INDArray batch) {
        long[] s = batch.shape();
        if (s.length != 4 || s[1] != 3 || s[2] != info.imageSize() || s[3] != info.imageSize()) {
            throw new IllegalArgumentException("model '" + info.name() + "' expects a batch [n, 3, " + info.imageSize() + ", "
                    + info.imageSize() + "] (NCHW, RGB, scaled by 1/255), got " + Arrays.toString(s));
        }
    }

    /** Sum over the members in order, then divided by their number (equal weights). */
    private INDArray meanOverMembers(INDArray batch, java.util.function.BiFunction<SavedModel, INDArray, INDArray> f) {
        INDArray sum = null;
        for (SavedModel m : members) {
            INDArray p = f.apply(m, resized(batch, m.info().imageSize()));
            sum = sum == null ? p.dup() : sum.addi(p);
        }
        return sum.divi(members.size());
    }

    /**
     * A batch [n, 3, s, s] laid out and scaled as {@link TensorCache#batch} makes it, at another
     * side: each image back to its bytes (value * 255, rounded: exact for images that came from
     * bytes, as every image of the project does), through {@link Resizer} (the resizer of the
     * training images: area average down, bilinear up) and back. The same batch when the side is
     * already {@code size}.
     */
    static INDArray resized(INDArray batch, int size) {
        int side = (int) batch.size(2);
        if (side == size) return batch;
        int n = (int) batch.size(0);
        float[] all = batch.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
        int plane = side * side, image = 3 * plane;
        List<byte[]> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            byte[] hwc = new byte[image];
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < plane; p++) {
                    long v = Math.round(all[k * image + c * plane + p] * 255.0);
                    hwc[p * 3 + c] = (byte) Math.max(0, Math.min(255, v));
                }
            }
            out.add(Resizer.toSquareRgb(Resizer.toImage(hwc, side), size));
        }
        return TensorCache.batchOf(out, size);
    }

    /** Writes the artifact (via a temp file, so a crash never leaves half a model). */
    public void save(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        if (net == null) {
            saveEnsemble(tmp);
        } else {
            ModelSerializer.writeModel(net, tmp.toFile(), true);
            ModelSerializer.addObjectToFile(tmp.toFile(), INFO_ENTRY, GSON.toJson(info));
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The ensemble's zip: its info, then each member's own artifact under the entry its info names. */
    private void saveEnsemble(Path zipFile) throws IOException {
        List<String> entries = memberEntries(info, zipFile);
        Path memberTmp = zipFile.resolveSibling(zipFile.getFileName() + ".member");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(zipFile))) {
            zip.setLevel(1);   // the members' zips are compressed already
            zip.putNextEntry(new ZipEntry(ENSEMBLE_ENTRY));
            zip.write(GSON.toJson(info).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            for (int k = 0; k < members.size(); k++) {
                members.get(k).save(memberTmp);
                zip.putNextEntry(new ZipEntry(entries.get(k)));
                Files.copy(memberTmp, zip);
                zip.closeEntry();
            }
        } finally {
            Files.deleteIfExists(memberTmp);
        }
    }

    /** The members' entries in an ensemble's file, as its info lists them. */
    @SuppressWarnings("unchecked")
    private static List<String> memberEntries(ModelInfo info, Path file) throws IOException {
        Object listed = info.training() == null ? null : info.training().get("members");
        if (!(listed instanceof List<?> l) || l.isEmpty()) {
            throw new IOException(file + ": an ensemble whose " + ENSEMBLE_ENTRY + " lists no members (training.members)");
        }
        List<String> entries = new ArrayList<>();
        for (Object o : l) {
            Object e = o instanceof Map<?, ?> m ? ((Map<String, Object>) m).get("entry") : null;
            if (!(e instanceof String s)) throw new IOException(file + ": a member in " + ENSEMBLE_ENTRY + " has no \"entry\" (its file in the zip)");
            entries.add(s);
        }
        return entries;
    }

    /** Only the {@link ModelInfo} of an artifact, without restoring the network (cheap for big models). */
    public static ModelInfo readInfo(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such model file");
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry ensemble = zip.getEntry(ENSEMBLE_ENTRY);
            if (ensemble != null) return infoFromJson(new String(zip.getInputStream(ensemble).readAllBytes(), StandardCharsets.UTF_8), file);
            // ModelSerializer keeps added objects under objects/<key>
            if (zip.getEntry("objects/" + INFO_ENTRY) == null) {
                throw new IOException(file + ": has no " + INFO_ENTRY + " (saved by another tool?)");
            }
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + ": not a model artifact (not a zip: " + e.getMessage() + ")", e);
        }
        return infoFromJson(ModelSerializer.getObjectFromFile(file.toFile(), INFO_ENTRY), file);
    }

    /**
     * The info from its JSON. The Gson on DL4J's class path (2.8) cannot fill a record's final
     * fields, so each component is read on its own and the canonical constructor is called.
     */
    static ModelInfo infoFromJson(String json, Path file) throws IOException {
        try {
            JsonObject o = new JsonParser().parse(json).getAsJsonObject();
            RecordComponent[] parts = ModelInfo.class.getRecordComponents();
            Object[] values = new Object[parts.length];
            Class<?>[] types = new Class<?>[parts.length];
            for (int i = 0; i < parts.length; i++) {
                types[i] = parts[i].getType();
                JsonElement e = o.get(parts[i].getName());
                values[i] = e == null || e.isJsonNull() ? null : GSON.fromJson(e, parts[i].getGenericType());
            }
            return ModelInfo.class.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException(file + ": " + INFO_ENTRY + " is not a readable model info (" + e + ")", e);
        }
    }

    /**
     * Reads an artifact written by {@link #save}, with the fast path on ({@link FastPath#restoreGraph});
     * errors name the file and what is wrong with it.
     */
    public static SavedModel load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such model file");
        String json;
        boolean graph;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            if (zip.getEntry(ENSEMBLE_ENTRY) != null) return loadEnsemble(zip, file);
            ZipEntry conf = zip.getEntry("configuration.json");
            if (conf == null) throw new IOException(file + ": not a DL4J model zip (no configuration.json)");
            graph = new String(zip.getInputStream(conf).readAllBytes(), StandardCharsets.UTF_8).contains("\"vertices\"");
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + ": not a model artifact (not a zip: " + e.getMessage() + ")", e);
        }
        try {
            json = ModelSerializer.getObjectFromFile(file.toFile(), INFO_ENTRY);
        } catch (RuntimeException e) {
            throw new IOException(file + ": has no " + INFO_ENTRY + " (saved by another tool?)", e);
        }
        ModelInfo info = infoFromJson(json, file);
        // with the OneDNN helpers of the fast path: about 6 times faster predictions on the CPU
        Model net = graph ? FastPath.restoreGraph(file, true) : FastPath.restoreMultiLayer(file, true);
        try {
            return new SavedModel(net, info);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** An ensemble's members, each restored from its entry through a temporary file (deleted afterwards). */
    private static SavedModel loadEnsemble(ZipFile zip, Path file) throws IOException {
        ModelInfo info;
        try {
            info = infoFromJson(new String(zip.getInputStream(zip.getEntry(ENSEMBLE_ENTRY)).readAllBytes(), StandardCharsets.UTF_8), file);
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + ": damaged ensemble (" + ENSEMBLE_ENTRY + " unreadable: " + e.getMessage() + ")", e);
        }
        List<String> entries = memberEntries(info, file);
        if (entries.size() < 2) throw new IOException(file + ": an ensemble of " + entries.size() + " model; it needs at least two");
        List<SavedModel> members = new ArrayList<>();
        Path tmp = Files.createTempFile("agecnn-member-", ".zip");
        try {
            for (String entry : entries) {
                ZipEntry e = zip.getEntry(entry);
                if (e == null) throw new IOException(file + ": ensemble member " + entry + " is missing from the file");
                try (var in = zip.getInputStream(e)) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                } catch (java.util.zip.ZipException | java.io.EOFException ex) {
                    throw new IOException(file + ": ensemble member " + entry + " is damaged (" + ex.getMessage() + ")", ex);
                }
                try {
                    members.add(load(tmp));
                } catch (IOException ex) {
                    throw new IOException(file + ": ensemble member " + entry + ": "
                            + ex.getMessage().replace(tmp.toString() + ": ", ""), ex);
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        int size = members.stream().mapToInt(m -> m.info().imageSize()).max().orElseThrow();
        if (info.imageSize() != size) {
            throw new IOException(file + ": the ensemble's imageSize is " + info.imageSize() + " but its largest member takes " + size + " px");
        }
        return new SavedModel(members, info);
    }
}
