package agecnn.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on this machine, every daemon a JVM of its own on 127.0.0.1: Spark
 * 3.1.2's {@code org.apache.spark.deploy.master.Master} and N {@code ...deploy.worker.Worker}s,
 * one core and a memory cap each, whose executors are JVMs of their own again (started by the
 * worker from {@code SPARK_HOME/jars} and the application's jars, as on real machines). What
 * {@code ./agecnn cluster start|stop} runs, and the cluster tests.
 *
 * <p>Everything lives in one folder ({@code dir}): {@value #PIDS} (the daemons' PIDs, one
 * {@code role pid} a line), {@value #MASTER_URL}, {@code logs/} (each daemon's output) and
 * {@code work/} (the workers' work folder: each executor's {@code stdout} and {@code stderr} under
 * {@code work/<app-id>/<executor-id>/}). {@link #stop} ends exactly the processes of that PID file
 * (and their executors), and only while each PID is still a Spark daemon.
 *
 * <p>{@code sparkHome} is a Spark distribution's folder, whose {@code jars/} is Spark's class path
 * (here {@code target/spark/dist}, built by the spark-app module). The daemons get this JVM's
 * {@code --add-opens} flags (Java 17: start this JVM with {@code @spark/java17.args}). Ports: the
 * master's is chosen free; the web UIs' and the workers' own are left to the system (0).
 */
public final class StandaloneCluster {

    public static final String PIDS = "cluster.pids", MASTER_URL = "master-url";
    public static final String MASTER_CLASS = "org.apache.spark.deploy.master.Master";
    public static final String WORKER_CLASS = "org.apache.spark.deploy.worker.Worker";
    /** What a worker offers its executors: one core, and this much memory (the executors' heaps must fit in it). */
    public static final String DEFAULT_WORKER_MEMORY = "1536m";
    /** The daemons' own heaps (Spark's default, SPARK_DAEMON_MEMORY, is 1 GB). */
    static final String DAEMON_HEAP = "-Xmx256m";
    static final long START_TIMEOUT_S = 120;
    /** The worker's log line once the master has taken it. */
    static final String REGISTERED = "Successfully registered with master";

    private final Path dir;
    private final String masterUrl;
    private final List<Daemon> daemons;

    /** A started daemon: its role (master, worker-1, ...) and process. */
    public record Daemon(String role, long pid) {}

    private StandaloneCluster(Path dir, String masterUrl, List<Daemon> daemons) {
        this.dir = dir;
        this.masterUrl = masterUrl;
        this.daemons = List.copyOf(daemons);
    }

    public String masterUrl() { return masterUrl; }

    public Path dir() { return dir; }

    public List<Daemon> daemons() { return daemons; }

    /** The workers, in order (worker-1 first). */
    public List<Daemon> workers() {
        return daemons.stream().filter(d -> d.role().startsWith("worker")).toList();
    }

    /** The workers' work folder: each executor's logs are {@code work/<app-id>/<executor-id>/stderr}. */
    public Path workDir() { return dir.resolve("work"); }

    /**
     * Starts a master and {@code workers} workers and returns once every worker has registered with
     * the master. On failure (a daemon that dies or does not register in time) stops what it started
     * and says which daemon and where its log is.
     */
    public static StandaloneCluster start(Path dir, Path sparkHome, int workers, String workerMemory) throws IOException, InterruptedException {
        if (workers < 1) throw new IllegalArgumentException("a cluster needs at least one worker, got " + workers);
        Path jars = sparkHome.resolve("jars");
        if (!Files.isDirectory(jars)) {
            throw new IOException(jars + " does not exist: build Spark's jars with mvn -B -pl spark-app -am package (./agecnn cluster start does)");
        }
        if (Files.exists(dir.resolve(PIDS)) && !alive(dir).isEmpty()) {
            throw new IOException("a cluster of " + dir.resolve(PIDS) + " is still running (" + alive(dir)
                    + "); stop it first (./agecnn cluster stop)");
        }
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("work"));
        int port = freePort();
        String url = "spark://127.0.0.1:" + port;
        List<Daemon> started = new ArrayList<>();
        StandaloneCluster cluster = new StandaloneCluster(dir, url, started);
        boolean ok = false;
        try {
            Process master = launch(dir, sparkHome, "master", List.of(MASTER_CLASS, "--host", "127.0.0.1", "--port", Integer.toString(port),
                    "--webui-port", "0"));
            started.add(new Daemon("master", master.pid()));
            writePids(dir, started);
            awaitPort(master, port, dir.resolve("logs").resolve("master.log"));
            List<Process> ws = new ArrayList<>();
            for (int i = 1; i <= workers; i++) {
                Process w = launch(dir, sparkHome, "worker-" + i, List.of(WORKER_CLASS, "--host", "127.0.0.1", "--port", "0",
                        "--webui-port", "0", "--cores", "1", "--memory", workerMemory, "--work-dir", dir.resolve("work").toString(), url));
                started.add(new Daemon("worker-" + i, w.pid()));
                writePids(dir, started);
                ws.add(w);
            }
            for (int i = 0; i < ws.size(); i++) awaitRegistered(ws.get(i), dir.resolve("logs").resolve("worker-" + (i + 1) + ".log"));
            Files.writeString(dir.resolve(MASTER_URL), url + "\n");
            ok = true;
            return new StandaloneCluster(dir, url, started);
        } finally {
            if (!ok) cluster.stop();
        }
    }

    /** Stops this cluster's daemons (see {@link #stop(Path)}). */
    public List<Daemon> stop() throws IOException {
        return stop(dir);
    }

    /**
     * Stops the daemons of {@code dir}'s PID file, each with its executors: SIGTERM, then SIGKILL
     * after 10 s. A PID that is no longer a Spark daemon (ended, or reused by another process) is
     * left alone. Removes the PID file; returns the daemons that were stopped.
     */
    public static List<Daemon> stop(Path dir) throws IOException {
        List<Daemon> stopped = new ArrayList<>();
        List<Daemon> daemons = readPids(dir);
        // workers first: a worker stops its executors as it goes; the master last
        for (int i = daemons.size() - 1; i >= 0; i--) {
            Daemon d = daemons.get(i);
            Optional<ProcessHandle> h = sparkDaemon(d.pid());
            if (h.isEmpty()) continue;
            List<ProcessHandle> children = h.get().descendants().toList();
            h.get().destroy();
            try {
                h.get().onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.get().destroyForcibly();
            }
            for (ProcessHandle c : children) if (c.isAlive()) c.destroyForcibly();
            stopped.add(d);
        }
        Files.deleteIfExists(dir.resolve(PIDS));
        Files.deleteIfExists(dir.resolve(MASTER_URL));
        return stopped;
    }

    /** The daemons of {@code dir}'s PID file that are still running. */
    public static List<Daemon> alive(Path dir) throws IOException {
        return readPids(dir).stream().filter(d -> sparkDaemon(d.pid()).isPresent()).toList();
    }

    /** The process {@code pid} if it is alive and a Spark master or worker. */
    static Optional<ProcessHandle> sparkDaemon(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> h.info().arguments()
                .map(args -> List.of(args).contains(MASTER_CLASS) || List.of(args).contains(WORKER_CLASS))
                .orElse(h.info().commandLine().map(c -> c.contains(MASTER_CLASS) || c.contains(WORKER_CLASS)).orElse(false)));
    }

    static List<Daemon> readPids(Path dir) throws IOException {
        Path f = dir.resolve(PIDS);
        if (!Files.isRegularFile(f)) return List.of();
        List<Daemon> out = new ArrayList<>();
        for (String line : Files.readAllLines(f)) {
            String[] p = line.trim().split("\\s+");
            if (p.length != 2) continue;
            try {
                out.add(new Daemon(p[0], Long.parseLong(p[1])));
            } catch (NumberFormatException e) {
                throw new IOException(f + ": expected lines 'role pid', got '" + line + "'");
            }
        }
        return out;
    }

    private static void writePids(Path dir, List<Daemon> daemons) throws IOException {
        StringBuilder s = new StringBuilder();
        for (Daemon d : daemons) s.append(d.role()).append(' ').append(d.pid()).append('\n');
        Path tmp = dir.resolve(PIDS + ".tmp");
        Files.writeString(tmp, s);
        Files.move(tmp, dir.resolve(PIDS), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static Process launch(Path dir, Path sparkHome, String role, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(SparkContexts.opensOfThisJvm());
        cmd.add(DAEMON_HEAP);
        cmd.add("-cp");
        cmd.add(sparkHome.resolve("jars").toAbsolutePath() + "/*");
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs").resolve(role + ".log").toFile());
        Map<String, String> env = pb.environment();
        // the worker builds its executors' command from these (Spark's launcher library)
        env.put("SPARK_HOME", sparkHome.toAbsolutePath().toString());
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static void awaitPort(Process p, int port, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IOException("the Spark master ended at start-up (exit " + p.exitValue() + "); its log: " + log + "\n" + tail(log));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IOException("the Spark master did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT_S + " s; its log: " + log);
    }

    private static void awaitRegistered(Process p, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
        while (System.nanoTime() < deadline) {
            if (Files.isRegularFile(log) && Files.readString(log).contains(REGISTERED)) return;
            if (!p.isAlive()) throw new IOException("a Spark worker ended at start-up (exit " + p.exitValue() + "); its log: " + log + "\n" + tail(log));
            Thread.sleep(200);
        }
        throw new IOException("a Spark worker did not register with the master within " + START_TIMEOUT_S + " s; its log: " + log + "\n" + tail(log));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code start [WORKERS] --dir DIR --spark-home DIR [--memory M]} prints the master URL (the last
     * line of stdout) and writes the PID file; {@code stop --dir DIR} stops those PIDs.
     */
    public static void main(String[] args) throws Exception {
        String cmd = args.length > 0 ? args[0] : "";
        Path dir = null, home = null;
        String memory = DEFAULT_WORKER_MEMORY;
        int workers = 2;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--spark-home" -> home = Path.of(args[++i]);
                case "--memory" -> memory = args[++i];
                default -> {
                    try {
                        workers = Integer.parseInt(args[i]);
                        if (workers < 1) throw new NumberFormatException();
                    } catch (NumberFormatException e) {
                        System.err.println("cluster: WORKERS must be a positive whole number, got '" + args[i] + "'");
                        System.exit(2);
                    }
                }
            }
        }
        if (dir == null) {
            System.err.println("usage: StandaloneCluster start [WORKERS] --dir DIR --spark-home DIR [--memory 1536m] | stop --dir DIR");
            System.exit(2);
        }
        try {
            switch (cmd) {
                case "start" -> {
                    if (home == null) throw new IllegalArgumentException("start needs --spark-home DIR");
                    StandaloneCluster c = start(dir.toAbsolutePath(), home, workers, memory);
                    for (Daemon d : c.daemons()) System.out.println(d.role() + " pid " + d.pid());
                    System.out.println("executor logs: " + c.workDir() + "/<app-id>/<executor-id>/stderr; PIDs in " + dir.resolve(PIDS));
                    System.out.println(c.masterUrl());
                }
                case "stop" -> {
                    List<Daemon> stopped = stop(dir);
                    System.out.println(stopped.isEmpty() ? "no cluster of " + dir.resolve(PIDS) + " was running"
                            : "stopped " + stopped.stream().map(d -> d.role() + " (pid " + d.pid() + ")").toList());
                }
                default -> {
                    System.err.println("cluster: start [WORKERS] or stop, got '" + cmd + "'");
                    System.exit(2);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("cluster: " + e.getMessage());
            System.exit(1);
        }
    }
}
