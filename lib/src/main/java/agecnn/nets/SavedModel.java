package agecnn.nets;

import agecnn.tensors.Augmentation;
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
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One file holding a trained model and its {@link ModelInfo}: DL4J's model zip (weights,
 * configuration, updater state) with the info as an extra {@code agecnn-info.json} entry.
 * Images in, bin probabilities out: a frozen backbone and its head are saved together. A model
 * whose head is a softmax over years ({@link AgeHead#YEARS}) gives bin probabilities too, the sums
 * over each bin's years; its expected age is the mean over the years ({@link #expectedAges}).
 */
public final class SavedModel {

    static final String INFO_ENTRY = "agecnn-info.json";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    private final Model net;
    private final ModelInfo info;

    public SavedModel(Model net, ModelInfo info) {
        if (!(net instanceof MultiLayerNetwork) && !(net instanceof ComputationGraph)) {
            throw new IllegalArgumentException("a saved model is a MultiLayerNetwork or a ComputationGraph, not " + net.getClass());
        }
        this.net = net;
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

    public Model net() { return net; }

    public ModelInfo info() { return info; }

    /**
     * Bin probabilities, [n, 12], for a batch laid out as {@link ModelInfo#layout()} and scaled as
     * the info says: the mean of the network's outputs for each image and its mirror image (for a
     * years head, {@link AgeHead#toBins}: that mean summed over each bin's years). The
     * models train on mirrored images too, and averaging the two views is a cheap ensemble: on the
     * default run's test set it raised MobileNet from 45.7% to 47.1% (one-off 81.1% to 82.9%, MAE
     * 5.82 to 5.61 years) and the study's CNN from 40.1% to 41.3%, for twice the inference work.
     * Every score and prediction of the project goes through here.
     */
    public INDArray predict(INDArray batch) {
        return info.head().toBins(mirrored(batch));
    }

    /**
     * The expected age in years of each image of the batch, from the same mirrored outputs as
     * {@link #predict}: for a bins head the bins' ages {@code binAges} weighted by their
     * probabilities, for a years head the mean over years ({@code binAges} unread, may be null).
     */
    public double[] expectedAges(INDArray batch, double[] binAges) {
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
        INDArray out = mirrored(batch);
        return new Reading(info.head().toBins(out), info.head().expectedAges(out, binAges));
    }

    /** Bin probabilities [n, 12] and the expected age of each image, in years. */
    public record Reading(INDArray bins, double[] expectedAges) {}

    /** The mean of the network's outputs for each image and its mirror image, after checking the batch's shape. */
    private INDArray mirrored(INDArray batch) {
        long[] s = batch.shape();
        if (s.length != 4 || s[1] != 3 || s[2] != info.imageSize() || s[3] != info.imageSize()) {
            throw new IllegalArgumentException("model '" + info.name() + "' expects a batch [n, 3, " + info.imageSize() + ", "
                    + info.imageSize() + "] (NCHW, RGB, scaled by 1/255), got " + java.util.Arrays.toString(s));
        }
        return output(batch).addi(output(Augmentation.flip(batch))).muli(0.5);
    }

    /** The network's own output for the batch, without the mirror image. */
    public INDArray output(INDArray batch) {
        return net instanceof MultiLayerNetwork m ? m.output(batch, false) : ((ComputationGraph) net).outputSingle(false, batch);
    }

    /** Writes the artifact (via a temp file, so a crash never leaves half a model). */
    public void save(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        ModelSerializer.writeModel(net, tmp.toFile(), true);
        ModelSerializer.addObjectToFile(tmp.toFile(), INFO_ENTRY, GSON.toJson(info));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Only the {@link ModelInfo} of an artifact, without restoring the network (cheap for big models). */
    public static ModelInfo readInfo(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": no such model file");
        try (ZipFile zip = new ZipFile(file.toFile())) {
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
}
