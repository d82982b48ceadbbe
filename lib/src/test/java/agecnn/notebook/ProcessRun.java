package agecnn.notebook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A child process run to its end, with its output, for tests that drive the launcher or the runner. */
public record ProcessRun(int exitCode, String output) {

    public static ProcessRun of(Path dir, Map<String, String> env, long timeoutMinutes, List<String> command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try {
                String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                synchronized (out) { out.append(s); }
            } catch (IOException ignored) {
                // the process died; its exit code tells
            }
        });
        reader.start();
        if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("timed out after " + timeoutMinutes + " min: " + command);
        }
        reader.join();
        synchronized (out) {
            return new ProcessRun(p.exitValue(), out.toString());
        }
    }
}
