package agecnn.notebook;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command of the launcher (e.g. {@code ./agecnn run --only 04}) and kills its notebook
 * kernel with SIGKILL, as {@code kill -9} would, at a chosen point of the run, for tests of what a
 * crash leaves behind.
 *
 * <p><b>The point</b> is told by the files the run writes (a checkpoint, a scratch file), not by a
 * hook in the library: the code under test is the code users run. The files are polled; when the
 * point is reached the kernel is stopped (SIGSTOP), the point is checked again while nothing in
 * the kernel moves, and only then killed. So the kill lands exactly in the state that was
 * checked, however late the poll saw it. When the run had already gone past the point by the time
 * it stopped, the kernel goes on (SIGCONT) and the next time the point holds is taken; a run that
 * ends without one is reported as not killed, never as a kill.
 *
 * <p><b>The kernel</b> is the one process among the command's own descendants (the launcher,
 * then the Python runner, then the kernel's JVM) whose command line names
 * {@code rapaio-jupyter-kernel.jar}; while there are two (a kernel that did not answer at
 * start-up being shut down), nothing is done. Kernels of other runs on the same machine are never
 * descendants of this command, so they are never signalled.
 */
final class KernelKill {

    /** A point of a run, told by the files it has written so far. */
    @FunctionalInterface
    interface Point {
        boolean reached() throws IOException;
    }

    /**
     * How the command ended.
     *
     * @param run    its exit code and output
     * @param killed whether its kernel was killed at the point (false: the run ended first)
     */
    record Result(ProcessRun run, boolean killed) {}

    private static final long POLL_MS = 20;

    private KernelKill() {}

    static Result run(Path dir, Map<String, String> env, List<String> command, Point point, long timeoutMinutes)
            throws IOException, InterruptedException {
        ProcessRun.Started started = ProcessRun.start(dir, env, command);
        Process p = started.process();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(timeoutMinutes);
        boolean killed = false;
        try {
            while (p.isAlive() && !killed) {
                if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeoutMinutes + " min: " + command);
                // the point first: it is cheaper than listing the processes. Only one kernel may be
                // alive (the runner shuts a kernel that did not start down before it tries another)
                List<ProcessHandle> kernels = reached(point) ? p.descendants().filter(KernelKill::isKernel).toList() : List.of();
                if (kernels.size() == 1) {
                    ProcessHandle k = kernels.get(0);
                    signal(k, "STOP");
                    if (awaitStopped(k) && reached(point)) {
                        k.destroyForcibly();   // SIGKILL
                        k.onExit().get(1, TimeUnit.MINUTES);
                        killed = true;
                    } else {
                        signal(k, "CONT");   // gone past the point already: wait for the next time it holds
                    }
                }
                Thread.sleep(POLL_MS);
            }
            if (!p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("timed out after " + timeoutMinutes + " min: " + command);
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the kernel did not die after SIGKILL", e);
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        return new Result(started.finished(), killed);
    }

    /** Whether the point holds; a file caught as it is replaced counts as not yet. */
    private static boolean reached(Point point) {
        try {
            return point.reached();
        } catch (IOException e) {
            return false;
        }
    }

    static boolean isKernel(ProcessHandle h) {
        return h.info().commandLine().map(c -> c.contains("rapaio-jupyter-kernel.jar")).orElse(false);
    }

    private static void signal(ProcessHandle h, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(h.pid())).redirectErrorStream(true).start();
        kill.getInputStream().readAllBytes();
        kill.waitFor();
    }

    /**
     * Waits until every thread of the process is stopped (SIGSTOP is delivered to each thread in
     * its own time); false when the process is gone.
     */
    private static boolean awaitStopped(ProcessHandle h) throws IOException, InterruptedException {
        Path tasks = Path.of("/proc", Long.toString(h.pid()), "task");
        for (int i = 0; i < 1_000; i++) {
            if (!h.isAlive()) return false;
            boolean all = true;
            try (DirectoryStream<Path> s = Files.newDirectoryStream(tasks)) {
                for (Path t : s) {
                    String stat = Files.readString(t.resolve("stat"));
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    if (state != 'T' && state != 't' && state != 'Z' && state != 'X') {
                        all = false;
                        break;
                    }
                }
            } catch (IOException e) {
                all = false;   // a thread ended while we looked: look again
            }
            if (all) return true;
            Thread.sleep(10);
        }
        throw new AssertionError("kernel " + h.pid() + " did not stop within 10 s of SIGSTOP");
    }
}
