package agecnn.spark;

import agecnn.config.Params;
import agecnn.config.RunRecord;
import agecnn.nets.FastPath;
import agecnn.run.TrainingSession;
import agecnn.tensors.PreparedData;
import org.apache.spark.api.java.JavaSparkContext;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./agecnn train --spark MASTER}: notebook 04's training on a Spark cluster. It reads the
 * run's parameters from the environment as the notebooks do (PROFILE, MODELS, EPOCHS, BATCH_SIZE,
 * RUN_DIR, ...), takes the split and tensor cache 01_obtain and 02_scrub left for them, and trains
 * every model of MODELS with {@link TrainingSession} on a {@link SparkEpochFitter}: the same
 * checkpoints, history, scores.csv, metrics.json and saved models as a local run, in RUN_DIR, so
 * notebooks 05 and 06 take that folder unchanged.
 */
public final class SparkTrainCommand {

    static final String USAGE = """
            usage: ./agecnn train --spark MASTER [--models a,b] [--epochs N] [--averaging N] [--workers N]
              --spark MASTER   local[2], local[*], spark://host:7077, yarn, ...
              --models a,b     the models to train, as MODELS (default: MODELS, else the profile's)
              --epochs N       most epochs per model, as EPOCHS (default: EPOCHS, else the profile's)
              --averaging N    batches each worker fits between two parameter averagings (default 5)
              --workers N      workers each averaging round is spread over (default: N of local[N];
                               on a cluster, the context's default parallelism, i.e. its cores)
            Parameters as for the notebooks, from the environment: PROFILE, MODELS, EPOCHS, BATCH_SIZE,
            IMAGE_SIZE, TRANSFER_IMAGE_SIZE, SEED, WEIGHTS_DIR, ... (see README). The run goes to RUN_DIR,
            else reports/$RUN_ID, else reports/spark-<UTC time>-<profile>; the same RUN_DIR resumes it.""";

    private SparkTrainCommand() {}

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        // the options stand for their parameters: Params reads system properties first
        if (o.models != null) System.setProperty("MODELS", o.models);
        if (o.epochs != null) System.setProperty("EPOCHS", o.epochs);
        Params params = Params.fromEnvironment();
        if (!given("RUN_DIR")) {
            System.setProperty("RUN_DIR", params.projectDir.resolve("reports").resolve(defaultRunId(params)).toString());
            params = Params.fromEnvironment();
        }
        System.setProperty("java.awt.headless", "true");
        FastPath.enable();
        System.out.println("agecnn train on Spark (" + o.master + ")\n" + params);
        PreparedData data = PreparedData.load(params);

        try (JavaSparkContext sc = SparkContexts.open(o.master, "agecnn train")) {
            SparkEpochFitter fitter = new SparkEpochFitter(sc, o.workers, o.averaging, params.seed);
            System.out.println("epochs on " + fitter.summary() + "; batches of " + params.batchSize + " per worker");
            TrainingSession session = TrainingSession.start(params, data).trainingOn(fitter);
            System.out.println(session.models().print());
            session.trainAll();
            System.out.println(session.scores().print());
            Path metrics = session.save();

            RunRecord record = new RunRecord(params.runDir);
            params.asMap().forEach((k, v) -> record.put("parameters", k, v));
            record.put("spark", "command", "./agecnn train --spark " + o.master);
            record.put("spark", "engine", fitter.describe());
            session.record(record);

            System.out.println("best model: " + session.best().name() + "; metrics in " + metrics);
            System.out.println("run folder: " + params.runDir);
            Path reports = params.projectDir.resolve("reports");
            if (params.runDir.getParent().equals(reports)) {
                System.out.println("notebooks 05 and 06 on it: RUN_ID=" + params.runDir.getFileName() + " ./agecnn run --only 05,06");
            } else {
                System.out.println("notebooks 05 and 06 on it: RUN_DIR=" + params.runDir + " ./agecnn run --only 05,06");
            }
        }
    }

    /** RUN_ID if set (as ./agecnn run takes it), else spark-yyyyMMdd-HHmmss-profile, the time in UTC. */
    static String defaultRunId(Params params) {
        String id = System.getProperty("RUN_ID", System.getenv("RUN_ID"));
        if (id != null && !id.isBlank()) return id.trim();
        return "spark-" + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + params.profile.name().toLowerCase();
    }

    private static boolean given(String key) {
        String v = System.getProperty(key, System.getenv(key));
        return v != null && !v.isBlank();
    }

    /** The command line, checked. */
    record Options(String master, String models, String epochs, int averaging, int workers) {

        static final List<String> KNOWN = List.of("--spark", "--models", "--epochs", "--averaging", "--workers");

        static Options parse(String[] args) {
            Map<String, String> v = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (!KNOWN.contains(a)) throw new IllegalArgumentException("unknown option '" + a + "'");
                if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                v.put(a, args[++i]);
            }
            if (!v.containsKey("--spark")) throw new IllegalArgumentException("--spark MASTER is required (e.g. --spark 'local[2]')");
            if (v.containsKey("--epochs")) positive(v, "--epochs", 0);
            return new Options(v.get("--spark"), v.get("--models"), v.get("--epochs"),
                    positive(v, "--averaging", SparkEpochFitter.DEFAULT_AVERAGING), positive(v, "--workers", 0));
        }

        private static int positive(Map<String, String> v, String key, int dflt) {
            String s = v.get(key);
            if (s == null) return dflt;
            try {
                int n = Integer.parseInt(s.trim());
                if (n <= 0) throw new NumberFormatException();
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a positive whole number, got '" + s + "'");
            }
        }
    }
}
