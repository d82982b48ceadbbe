package agecnn.predict;

import agecnn.data.ImageDecoder;
import agecnn.notebook.SyntheticScene;
import agecnn.testing.TestImages;
import agecnn.testing.TestWeights;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Measures {@link FaceFraming} for a detector (not a test; run by hand when a detector
 * changes): UTKFace images placed upright at random positions and sizes in synthetic scenes,
 * detected, and the placed square compared with the box found. Prints the medians of
 * side / mean box side and of the centre offsets in mean box sides.
 *
 * <pre>java -cp target/classes:target/test-classes:target/classpath/* agecnn.predict.FramingCalibration [haar] [n]</pre>
 */
public final class FramingCalibration {

    public static void main(String[] args) throws Exception {
        boolean haar = args.length > 0 && args[0].equals("haar");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        Path data = TestImages.realDataDir();
        List<Path> files;
        try (Stream<Path> s = Files.list(data)) {
            files = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        Random rnd = new Random(7);
        try (FaceDetector d = haar ? new HaarFaceDetector()
                : new UltraLightFaceDetector(TestWeights.file(DetectorWeights.FILE.fileName()))) {
            List<Double> scale = new ArrayList<>(), dx = new ArrayList<>(), dy = new ArrayList<>();
            int missed = 0;
            for (int i = 0; i < n; i++) {
                BufferedImage face = ImageDecoder.readRgb(files.get(rnd.nextInt(files.size())));
                int side = 80 + rnd.nextInt(200);
                SyntheticScene scene = new SyntheticScene(640, 480, i);
                double cx = side / 2.0 + rnd.nextInt(640 - side), cy = side / 2.0 + rnd.nextInt(480 - side);
                scene.place("f", face, cx, cy, side, 0);
                List<FaceBox> found = d.detect(scene.image());
                FaceBox truth = scene.placements().get(0).square();
                FaceBox best = found.stream().filter(b -> b.iou(truth) > 0.3).findFirst().orElse(null);
                if (best == null) { missed++; continue; }
                double s = (best.width() + best.height()) / 2;
                scale.add(side / s);
                dx.add((cx - best.centerX()) / s);
                dy.add((cy - best.centerY()) / s);
            }
            System.out.printf("%s: %d placed, %d missed; scale %.3f, dx %.3f, dy %.3f (medians); scale IQR %.3f-%.3f%n",
                    d.name(), n, missed, median(scale), median(dx), median(dy), quantile(scale, 0.25), quantile(scale, 0.75));
        }
    }

    static double median(List<Double> v) { return quantile(v, 0.5); }

    static double quantile(List<Double> v, double q) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length == 0 ? Double.NaN : a[(int) Math.min(a.length - 1, Math.floor(q * a.length))];
    }
}
