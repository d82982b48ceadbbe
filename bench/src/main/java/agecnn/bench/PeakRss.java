package agecnn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Peak resident memory of this process (Linux VmHWM): heap, off-heap buffers and natives. */
final class PeakRss {

    private PeakRss() {}

    /** In MiB, or -1 where /proc is not there. */
    static double ofThisProcessMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: report unknown
        }
        return -1;
    }
}
