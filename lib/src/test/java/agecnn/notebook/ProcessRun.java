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
        Started p = start(dir, env, command);
        if (!p.process().waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            p.process().destroyForcibly();
            throw new AssertionError("timed out after " + timeoutMinutes + " min: " + command);
        }
        return p.finished();
    }

    /** A child process started, its output (stderr merged) collected as it comes. */
    public static Started start(Path dir, Map<String, String> env, List<String> command) throws IOException {
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
        return new Started(p, out, reader);
    }

    /** A started child process and the output it has written so far. */
    public record Started(Process process, StringBuilder output, Thread reader) {
        /** Its exit code and whole output, once it has ended. */
        public ProcessRun finished() throws InterruptedException {
            process.waitFor();
            reader.join();
            synchronized (output) {
                return new ProcessRun(process.exitValue(), output.toString());
            }
        }
    }
}
