package agecnn.nets;

import agecnn.tensors.Resizer;
import agecnn.tensors.TensorCache;
import agecnn.testing.TestImages;
import agecnn.testing.TinyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An ensemble of saved models: the mean of its members' predictions, each member at its own
 * input size, saved as one file that loads back as the same model.
 */
class EnsembleTest {

    @TempDir
    Path tmp;

    /** Photos at {@code side} px, as the batch a model of that size gets (TensorCache's layout and scale). */
    private static List<BufferedImage> photos(int n, int side, long seed) {
        List<BufferedImage> p = new ArrayList<>();
        for (int i = 0; i < n; i++) p.add(TestImages.noise(side, side, seed + i));
        return p;
    }

    private static INDArray batch(List<BufferedImage> photos, int size) {
        return TensorCache.batchOf(photos.stream().map(p -> Resizer.toSquareRgb(p, size)).toList(), size);
    }

    private static SavedModel ensembleOf16And32() {
        return SavedModel.ensemble("ensemble", List.of(TinyModels.random("a", 32, 1), TinyModels.random("b", 16, 2),
                TinyModels.random("c", 32, 3)));
    }

    @Test
    void itsInfoTakesTheLargestInputAndListsItsMembers() {
        SavedModel e = ensembleOf16And32();
        assertTrue(e.isEnsemble());
        assertEquals(32, e.info().imageSize());
        assertEquals(SavedModel.ENSEMBLE, e.info().training().get("kind"));
        assertEquals(List.of("a", "b", "c"), ((List<?>) e.info().training().get("members")).stream()
                .map(m -> ((Map<?, ?>) m).get("name")).toList());
        // every member carries the same bin ages, so their mean is the same ages (to rounding of the division)
        assertArrayEquals(TinyModels.midpoints(), e.info().binAges(), 1e-12);
        assertEquals(3, e.members().size());
        IllegalStateException noNet = assertThrows(IllegalStateException.class, e::net);
        assertTrue(noNet.getMessage().contains("ensemble of 3 models"), noNet.getMessage());
    }

    /**
     * Exact: the ensemble's probabilities are its members' summed in order and divided by their
     * number, each member given exactly the input it would get at its own size from the same
     * photo. Here the photos are at the ensemble's 32 px, so the 16 px member's own input
     * (the photo resized once, as the tensor cache makes it) is what the ensemble makes from the
     * 32 px batch, bit for bit. (From a larger photo, as UTKFace's 200 px, the member's own input
     * is resized once and the ensemble's twice; see docs/models.md for how much that moves.)
     */
    @Test
    void predictionsAreTheMeanOfTheMembersEachAtItsOwnSize() {
        SavedModel e = ensembleOf16And32();
        List<BufferedImage> photos = photos(5, 32, 7);
        INDArray x32 = batch(photos, 32), x16 = batch(photos, 16);
        assertEquals(x16, SavedModel.resized(x32, 16), "the 16 px member's input is the photo resized once to 16 px");
        List<SavedModel> m = e.members();
        INDArray expected = m.get(0).predict(x32).dup().addi(m.get(1).predict(x16)).addi(m.get(2).predict(x32)).divi(3);
        INDArray p = e.predict(x32);
        assertEquals(expected, p);
        assertNotEquals(m.get(0).predict(x32), p, "the members differ, so the mean is not any one of them");
        for (int i = 0; i < 5; i++) assertEquals(1, p.getRow(i).sumNumber().doubleValue(), 1e-5, "row " + i + " is a distribution");
        INDArray outputs = m.get(0).output(x32).dup().addi(m.get(1).output(x16)).addi(m.get(2).output(x32)).divi(3);
        assertEquals(outputs, e.output(x32), "output (no mirror images) is the mean of the members' outputs");
        assertThrows(IllegalArgumentException.class, () -> e.predict(x16), "the ensemble takes its own (largest) size");
    }

    @Test
    void itsFileRoundTrips() throws IOException {
        SavedModel e = ensembleOf16And32().withMetrics(Map.of("test_accuracy", 0.25));
        INDArray x = batch(photos(4, 32, 11), 32);
        INDArray before = e.predict(x);
        Path file = tmp.resolve("models").resolve("ensemble.zip");
        e.save(file);
        assertFalse(Files.exists(file.resolveSibling("ensemble.zip.tmp")), "the temporary file is renamed into place");
        SavedModel loaded = SavedModel.load(file);
        assertEquals(before, loaded.predict(x), "the same predictions, exactly");
        assertTrue(loaded.isEnsemble());
        assertEquals(3, loaded.members().size());
        assertInfoEquals(e.info(), loaded.info());
        assertInfoEquals(e.info(), SavedModel.readInfo(file));
        // a single model's info reads its whole numbers back as doubles (SavedModelTest), so the members' maps are compared by key
        for (int k = 0; k < 3; k++) {
            ModelInfo a = e.members().get(k).info(), b = loaded.members().get(k).info();
            assertInfoEquals(a, new ModelInfo(b.name(), b.backbone(), b.imageSize(), b.channelOrder(), b.scale(), b.layout(), b.bins(),
                    b.binEdges(), b.binAges(), a.training(), a.metrics(), b.ageHead()));
            assertEquals(a.training().keySet(), b.training().keySet());
        }
    }

    /** Every field; the maps by their text (the ensemble's info is made as it reads back from JSON). */
    private static void assertInfoEquals(ModelInfo a, ModelInfo b) {
        assertEquals(a.name(), b.name());
        assertEquals(a.backbone(), b.backbone());
        assertEquals(a.imageSize(), b.imageSize());
        assertEquals(a.channelOrder(), b.channelOrder());
        assertEquals(a.scale(), b.scale());
        assertEquals(a.layout(), b.layout());
        assertEquals(a.bins(), b.bins());
        assertArrayEquals(a.binEdges(), b.binEdges());
        assertArrayEquals(a.binAges(), b.binAges());
        assertEquals(a.training().toString(), b.training().toString());
        assertEquals(a.metrics().toString(), b.metrics().toString());
    }

    @Test
    void anEnsembleNeedsTwoSingleMembers() {
        SavedModel a = TinyModels.random("a", 16, 1);
        assertThrows(IllegalArgumentException.class, () -> SavedModel.ensemble("e", List.of(a)));
        SavedModel e = SavedModel.ensemble("e", List.of(a, TinyModels.random("b", 16, 2)));
        IllegalArgumentException nested = assertThrows(IllegalArgumentException.class, () -> SavedModel.ensemble("f", List.of(e, a)));
        assertTrue(nested.getMessage().contains("itself an ensemble"), nested.getMessage());
    }

    @Test
    void anEmptyFileIsNamedInOneLine() throws IOException {
        Path empty = Files.createFile(tmp.resolve("ensemble.zip"));
        assertOneLineNaming(empty, assertThrows(IOException.class, () -> SavedModel.load(empty)));
        assertOneLineNaming(empty, assertThrows(IOException.class, () -> SavedModel.readInfo(empty)));
    }

    @Test
    void aTruncatedEnsembleIsNamedInOneLine() throws IOException {
        Path whole = tmp.resolve("whole.zip");
        ensembleOf16And32().save(whole);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(tmp.resolve("ensemble.zip"), Arrays.copyOf(bytes, bytes.length / 2));
        assertOneLineNaming(cut, assertThrows(IOException.class, () -> SavedModel.load(cut)));
    }

    @Test
    void anEnsembleWithoutMembersIsNamedInOneLine() throws IOException {
        Path file = tmp.resolve("ensemble.zip");
        String info = Files.readString(saveAndExtractInfo()).replaceAll("(?s)\"members\": \\[.*?\\]", "\"members\": []");
        writeZip(file, Map.of(SavedModel.ENSEMBLE_ENTRY, info.getBytes(StandardCharsets.UTF_8)));
        IOException e = assertThrows(IOException.class, () -> SavedModel.load(file));
        assertOneLineNaming(file, e);
        assertTrue(e.getMessage().contains("lists no members"), e.getMessage());
    }

    @Test
    void aDamagedMemberIsNamedInOneLine() throws IOException {
        Path file = tmp.resolve("ensemble.zip");
        String info = Files.readString(saveAndExtractInfo());
        writeZip(file, Map.of(SavedModel.ENSEMBLE_ENTRY, info.getBytes(StandardCharsets.UTF_8),
                "members/0-a.zip", "not a zip".getBytes(StandardCharsets.UTF_8)));
        IOException e = assertThrows(IOException.class, () -> SavedModel.load(file));
        assertOneLineNaming(file, e);
        assertTrue(e.getMessage().contains("members/0-a.zip"), e.getMessage());
    }

    /** The info entry of a saved ensemble, as a file. */
    private Path saveAndExtractInfo() throws IOException {
        Path whole = tmp.resolve("whole.zip");
        ensembleOf16And32().save(whole);
        try (var zip = new java.util.zip.ZipFile(whole.toFile())) {
            return Files.write(tmp.resolve("info.json"), zip.getInputStream(zip.getEntry(SavedModel.ENSEMBLE_ENTRY)).readAllBytes());
        }
    }

    private static void writeZip(Path file, Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (var e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
    }

    private static void assertOneLineNaming(Path file, IOException e) {
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
