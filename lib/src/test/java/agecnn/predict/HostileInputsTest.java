package agecnn.predict;

import agecnn.data.BadImageException;
import agecnn.io.Fetcher;
import agecnn.testing.TestImages;
import agecnn.testing.TinyModels;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Inputs no one here wrote (issue #15): each is answered with one clear line naming the input
 * and what is wrong, in bounded memory, and the inputs after it are still predicted; and the
 * batched path (issue #19) gives each input what it gets alone, in input order. Every image is
 * made at test time.
 */
class HostileInputsTest {

    @TempDir
    Path project;
    Path model;
    final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    @BeforeEach
    void tinyModel() throws IOException {
        model = TinyModels.save(project.resolve("model.zip"), "tiny", 16, 1);
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of("--model", model.toString()));
        all.addAll(Arrays.asList(args));
        return PredictCommand.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), project);
    }

    private List<JsonObject> lines() {
        List<JsonObject> l = new ArrayList<>();
        for (String s : out.toString(StandardCharsets.UTF_8).strip().split("\n")) l.add(new JsonParser().parse(s).getAsJsonObject());
        return l;
    }

    private Path face(String name, long seed) throws IOException {
        return TestImages.write(project, name, TestImages.noise(80, 90, seed), "png");
    }

    /** A 20000 x 1 PNG (about 100 bytes) is refused with its size, and the photo after it is still predicted. */
    @Test
    void aStripOfOnePixelIsRefusedWithItsSizeAndTheNextInputIsPredicted() throws IOException {
        Path strip = Files.write(project.resolve("strip.png"), TestImages.greyPng(20_000, 1, 0));
        Path photo = face("photo.png", 1);
        assertEquals(1, run("--no-detect", strip.toString(), photo.toString()), err.toString());
        List<JsonObject> l = lines();
        assertEquals(2, l.size());
        assertEquals(strip.toString(), l.get(0).get("input").getAsString());
        assertEquals(strip + ": the image is 20000x1 px, too small to hold a face: its shorter side must be at least "
                + Predictor.MIN_SIDE + " px", l.get(0).get("error").getAsString());
        assertEquals(photo.toString(), l.get(1).get("input").getAsString());
        assertEquals(1, l.get(1).getAsJsonArray("faces").size());
    }

    /** A 1x1 image gets no age: it is refused with its size, detection on or off. */
    @Test
    void anImageFarSmallerThanAFaceIsRefusedWithItsSize() throws IOException {
        Path dot = TestImages.write(project, "dot.png", TestImages.noise(1, 1, 2), "png");
        assertEquals(1, run("--no-detect", dot.toString()));
        assertTrue(lines().get(0).get("error").getAsString().contains("the image is 1x1 px, too small to hold a face"));
        Predictor p = new Predictor(TinyModels.random("tiny", 16, 1), new FixedDetector(List.of()), Fetcher.Limits.forImages());
        BadImageException e = assertThrows(BadImageException.class, () -> p.predictFile(dot));
        assertTrue(e.getMessage().contains("1x1 px"), e.getMessage());
        // the smallest size taken, and one pixel less
        assertDoesNotThrow(() -> Predictor.checkSize(Predictor.MIN_SIDE, 300, "a"));
        assertThrows(BadImageException.class, () -> Predictor.checkSize(Predictor.MIN_SIDE - 1, 300, "a"));
    }

    @Test
    void anImageLongerThanTheAspectLimitIsRefusedWithItsSize() {
        BadImageException e = assertThrows(BadImageException.class, () -> Predictor.checkSize(3400, 200, "pano.jpg"));
        assertEquals("pano.jpg: the image is 3400x200 px: its longer side is 17 times its shorter; at most " + Predictor.MAX_ASPECT
                + " times is taken", e.getMessage());
        assertDoesNotThrow(() -> Predictor.checkSize(3200, 200, "pano.jpg"), "16 times is taken");
    }

    /** /dev/zero and a 1.9 GB file named .jpg: one line each, nothing read whole, and the photo after them predicted. */
    @Test
    void endlessAndHugeFilesAreRefusedUnreadAndTheRestGoesOn() throws IOException {
        Path big = project.resolve("big.jpg");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {   // sparse: no disk taken
            f.write(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});
            f.setLength(1_900_000_000L);
        }
        Path photo = face("photo.png", 3);
        boolean devZero = Files.exists(Path.of("/dev/zero"));
        List<String> inputs = new ArrayList<>(List.of(big.toString(), photo.toString()));
        if (devZero) inputs.add(0, "/dev/zero");
        List<String> args = new ArrayList<>(List.of("--no-detect"));
        args.addAll(inputs);
        assertEquals(1, run(args.toArray(String[]::new)));
        List<JsonObject> l = lines();
        assertEquals(inputs.size(), l.size());
        int i = 0;
        if (devZero) {
            assertEquals("/dev/zero: not a JPEG or PNG image (starts with 00 00 00 00 00 00 00 00)", l.get(i++).get("error").getAsString());
        }
        assertTrue(l.get(i++).get("error").getAsString().contains("1900000000 bytes, over the limit"), l.toString());
        assertEquals(1, l.get(i).getAsJsonArray("faces").size());
        assertTrue(err.toString().contains(devZero ? "2 of 3" : "1 of 2"), err.toString());
    }

    /**
     * A 10000 x 10000 photo with detection on: the detector is given a copy of at most
     * DETECT_MAX_SIDE px (the picture is decoded at 1/3, 3334 px, and shrunk by 3 again: 1112 px),
     * and the box it finds there comes back in the picture's pixels, 3 times as large.
     */
    @Test
    void facesAreFoundOnABoundedCopyAndTheirBoxesMappedBack() throws IOException {
        FixedDetector det = new FixedDetector(List.of(new FaceBox(100, 120, 200, 220, 0.9)));
        Predictor p = new Predictor(TinyModels.random("tiny", 16, 1), det, Fetcher.Limits.forImages());
        Path huge = Files.write(project.resolve("huge.png"), TestImages.greyPng(10_000, 10_000, 90));
        ImagePrediction r = p.predictFile(huge);
        assertEquals(List.of(1112), det.longSides, "one detection, on a copy within " + Predictor.DETECT_MAX_SIDE + " px");
        assertEquals(3334, r.image().getWidth(), "the picture decoded at 1/3");
        assertEquals(new Rectangle(300, 360, 600, 660), r.faces().get(0).face().rounded());
        assertEquals(UltraLightFaceDetector.FRAMING.crop(new FaceBox(300, 360, 600, 660, 0.9)), r.faces().get(0).crop());
        // a photo within the bound is given to the detector as it is
        BufferedImage photo = TestImages.noise(1280, 700, 4);
        p.predictImage(photo, "photo");
        assertEquals(List.of(1112, 1280), det.longSides);
    }

    /**
     * 40 inputs, some bad, through the command: one line each in input order, the good ones
     * predicted in groups (32 faces, then the rest) exactly as each is predicted alone. The tiny
     * model's batches of 32 and of 1 give the same floats here; the JSON rounds them to 4 digits.
     */
    @Test
    void batchedPredictionsComeInInputOrderEqualToEachAlone() throws IOException {
        Predictor alone = new Predictor(TinyModels.random("tiny", 16, 1), null, Fetcher.Limits.forImages());
        List<String> inputs = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            if (i % 9 == 4) {
                Path bad = Files.write(project.resolve("bad" + i + ".jpg"), new byte[]{1, 2, 3});
                inputs.add(bad.toString());
                expected.add(null);
            } else {
                Path f = TestImages.write(project, "f" + i + ".png", TestImages.noise(30 + i, 40 + 2 * i, i), "png");
                inputs.add(f.toString());
                expected.add(alone.predictFile(f).toJson(3));
            }
        }
        List<String> args = new ArrayList<>(List.of("--no-detect"));
        args.addAll(inputs);
        assertEquals(1, run(args.toArray(String[]::new)));
        String[] lines = out.toString(StandardCharsets.UTF_8).strip().split("\n");
        assertEquals(40, lines.length);
        for (int i = 0; i < 40; i++) {
            if (expected.get(i) == null) {
                assertEquals(inputs.get(i) + ": not a JPEG or PNG image (starts with 01 02 03)",
                        new JsonParser().parse(lines[i]).getAsJsonObject().get("error").getAsString());
            } else {
                assertEquals(expected.get(i), lines[i], "input " + i);
            }
        }
    }

    @Test
    void runningOutOfMemoryIsSaidInOneLine() {
        String m = PredictCommand.message(new OutOfMemoryError("Java heap space"));
        assertTrue(m.startsWith("out of memory (Java heap space) while handling this input; the heap is "), m);
        assertFalse(m.contains("\n"));
    }

    /** Returns the same boxes for every image, and notes the longer side of each image it was given. */
    static final class FixedDetector implements FaceDetector {
        final List<FaceBox> boxes;
        final List<Integer> longSides = new ArrayList<>();

        FixedDetector(List<FaceBox> boxes) {
            this.boxes = boxes;
        }

        @Override
        public List<FaceBox> detect(BufferedImage rgb) {
            longSides.add(Math.max(rgb.getWidth(), rgb.getHeight()));
            return boxes;
        }

        @Override
        public FaceFraming framing() {
            return UltraLightFaceDetector.FRAMING;
        }

        @Override
        public String name() {
            return "fixed";
        }

        @Override
        public void close() {}
    }
}
