package agecnn.config;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Facts a run records about itself (parameters in force, the data fingerprint, counts per
 * stage) in {@code RUN_DIR/facts.json}; the runner folds them into {@code run.json}.
 * Notebooks run one after another, so a read-modify-write of one small file is enough.
 */
public final class RunRecord {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

    private final Path file;

    public RunRecord(Path runDir) {
        this.file = runDir.resolve("facts.json");
    }

    /** Sets {@code section.key = value} (value as JSON: numbers, strings, maps, lists, records of those). */
    public synchronized void put(String section, String key, Object value) {
        JsonObject root = read();
        JsonObject s = root.has(section) && root.get(section).isJsonObject() ? root.getAsJsonObject(section) : new JsonObject();
        s.add(key, GSON.toJsonTree(value));
        root.add(section, s);
        write(root);
    }

    /** The value stored at {@code section.key}, or null. */
    public synchronized JsonElement get(String section, String key) {
        JsonObject root = read();
        return root.has(section) && root.getAsJsonObject(section).has(key) ? root.getAsJsonObject(section).get(key) : null;
    }

    private JsonObject read() {
        try {
            if (!Files.exists(file)) return new JsonObject();
            return new JsonParser().parse(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(file + " is not valid JSON (" + e.getMessage() + "); delete it to start the record anew", e);
        }
    }

    private void write(JsonObject root) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, GSON.toJson(root), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
