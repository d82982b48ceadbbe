package agecnn.spark;

import agecnn.config.Setting;
import agecnn.config.Settings;
import agecnn.config.RunRecord;
import agecnn.nets.FastPath;
import agecnn.run.TrainingSession;
import agecnn.tensors.PreparedData;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code ./agecnn train --spark MASTER}: notebook 04's training on a Spark cluster. It reads the
 * run's parameters from the environment as the notebooks do (PROFILE, MODELS, EPOCHS, BATCH_SIZE,
 * RUN_DIR, ...), takes the split and tensor cache 01_obtain and 02_scrub left for them, and trains
 * every model of MODELS with {@link TrainingSession} on a {@link SparkEpochFitter}: the same
 * checkpoints, history, scores.csv, metrics.json and saved models as a local run, in RUN_DIR, so
 * notebooks 05 and 06 take that folder unchanged.
 */
public final class SparkTrainCommand {

    private SparkTrainCommand() {}

    public static void main(String[] args) throws Exception {
        Options o = new Options();
        OptionalInt stop = o.read(args, System.out, System.err);
        if (stop.isPresent()) {
            System.exit(stop.getAsInt());
            return;
        }
        // the options stand for their parameters: Settings reads system properties first
        if (o.models != null) System.setProperty("MODELS", o.models);
        if (o.epochs != null) System.setProperty("EPOCHS", o.epochs.toString());
        Settings settings = Settings.fromEnvironment();
        if (Settings.environment(Setting.RUN_DIR) == null) {
            System.setProperty("RUN_DIR", settings.paths().projectDir().resolve("reports").resolve(defaultRunId(settings)).toString());
            settings = Settings.fromEnvironment();
        }
        System.setProperty("java.awt.headless", "true");
        FastPath.enable();
        System.out.println("agecnn train on Spark (" + o.master + ")\n" + settings);
        PreparedData data = PreparedData.load(settings);

        try (JavaSparkContext sc = SparkContexts.open(o.master, "agecnn train")) {
            SparkEpochFitter fitter = new SparkEpochFitter(sc, o.workers, o.averaging, settings.seed());
            System.out.println("epochs on " + fitter.summary() + "; batches of " + settings.training().batchSize() + " per worker");
            TrainingSession session = TrainingSession.start(settings, data).trainingOn(fitter);
            System.out.println(session.models().print());
            session.trainAll();
            System.out.println(session.scores().print());
            Path metrics = session.save();

            RunRecord record = new RunRecord(settings.paths().runDir());
            settings.asMap().forEach((k, v) -> record.put("parameters", k, v));
            record.put("spark", "command", "./agecnn train --spark " + o.master);
            record.put("spark", "engine", fitter.describe());
            session.record(record);

            System.out.println("best model: " + session.bestName() + "; metrics in " + metrics);
            System.out.println("run folder: " + settings.paths().runDir());
            Path reports = settings.paths().projectDir().resolve("reports");
            if (settings.paths().runDir().getParent().equals(reports)) {
                System.out.println("notebooks 05 and 06 on it: RUN_ID=" + settings.paths().runDir().getFileName() + " ./agecnn run --only 05,06");
            } else {
                System.out.println("notebooks 05 and 06 on it: RUN_DIR=" + settings.paths().runDir() + " ./agecnn run --only 05,06");
            }
        }
    }

    /** RUN_ID if set (as ./agecnn run takes it), else spark-yyyyMMdd-HHmmss-profile, the time in UTC. */
    static String defaultRunId(Settings settings) {
        String id = Settings.environment(Setting.RUN_ID);
        if (id != null && !id.isBlank()) return id.trim();
        return "spark-" + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                + settings.profile().name().toLowerCase();
    }


    /**
     * The command line, read by picocli: {@code --spark MASTER} and the options that stand for
     * their parameters. A repeated option takes its last value; every number is a positive whole
     * number (surrounding blanks allowed).
     */
    @Command(name = "./agecnn train", separator = " ", sortOptions = false, sortSynopsis = false, usageHelpWidth = 100,
            synopsisHeading = "usage: ",
            customSynopsis = "./agecnn train --spark MASTER [--models a,b] [--epochs N] [--averaging N] [--workers N]",
            description = "Notebook 04's training on Spark, into a run folder as a local run leaves it.",
            optionListHeading = "options:%n", footerHeading = "%n",
            footer = {"Parameters as for the notebooks, from the environment: PROFILE (${sys:PROFILE:-${env:PROFILE:-default}}), "
                    + "MODELS, EPOCHS, BATCH_SIZE, IMAGE_SIZE, TRANSFER_IMAGE_SIZE, SEED, WEIGHTS_DIR, ... (see README). "
                    + "The run goes to RUN_DIR (${sys:RUN_DIR:-${env:RUN_DIR:-not set}}), else reports/$RUN_ID "
                    + "(${sys:RUN_ID:-${env:RUN_ID:-not set}}), else reports/spark-<UTC time>-<profile>; "
                    + "the same RUN_DIR resumes it."},
            exitCodeListHeading = "exit status:%n",
            exitCodeList = {"0:trained", "1:the training failed (the error on stderr)", "2:bad usage"})
    static final class Options {

        @Option(names = "--spark", paramLabel = "MASTER", description = "local[2], local[*], spark://host:7077, yarn, ... (required)")
        String master;

        @Option(names = "--models", paramLabel = "a,b", description = "the models to train, as MODELS (default: MODELS, "
                + "which is ${sys:MODELS:-${env:MODELS:-not set}}; else the profile's)")
        String models;

        @Option(names = "--epochs", paramLabel = "N", converter = PositiveWholeNumber.class, description = "most epochs per "
                + "model, as EPOCHS (default: EPOCHS, which is ${sys:EPOCHS:-${env:EPOCHS:-not set}}; else the profile's)")
        Integer epochs;

        @Option(names = "--averaging", paramLabel = "N", converter = PositiveWholeNumber.class,
                defaultValue = "" + SparkEpochFitter.DEFAULT_AVERAGING,
                description = "batches each worker fits between two parameter averagings (default ${DEFAULT-VALUE})")
        int averaging;

        @Option(names = "--workers", paramLabel = "N", converter = PositiveWholeNumber.class,
                description = "workers each averaging round is spread over (default: N of local[N]; on a cluster, "
                        + "the context's default parallelism, i.e. its cores)")
        int workers; // 0: not given

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "this help")
        boolean help;

        /** The options of {@code args}, checked. @throws ParameterException on bad usage */
        static Options parse(String[] args) {
            Options o = new Options();
            CommandLine cli = o.commandLine();
            cli.parseArgs(args);
            o.check(cli);
            return o;
        }

        /**
         * Reads {@code args} into these options. Empty: go on and train. Otherwise the exit status:
         * 0 after {@code --help} (the usage on {@code out}), 2 after bad usage (the message, then the
         * usage, on {@code err}).
         */
        OptionalInt read(String[] args, PrintStream out, PrintStream err) {
            CommandLine cli = commandLine();
            try {
                cli.parseArgs(args);
                if (cli.isUsageHelpRequested()) {
                    cli.usage(out, Help.Ansi.OFF);
                    return OptionalInt.of(0);
                }
                check(cli);
                return OptionalInt.empty();
            } catch (ParameterException e) {
                err.println(message(e));
                cli.usage(err, Help.Ansi.OFF);
                return OptionalInt.of(2);
            }
        }

        /** Picocli's message, but for an unknown option only that option (not the value after it), with the option it resembles. */
        static String message(ParameterException e) {
            if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty() && u.getUnmatched().get(0).startsWith("-")) {
                List<String> near = u.getSuggestions();
                return "Unknown option: '" + u.getUnmatched().get(0) + "'" + (near.isEmpty() ? "" : " (did you mean " + near.get(0) + "?)");
            }
            return e.getMessage();
        }

        private CommandLine commandLine() {
            return new CommandLine(this).setOverwrittenOptionsAllowed(true);
        }

        private void check(CommandLine cli) {
            if (master == null) throw new ParameterException(cli, "--spark MASTER is required (e.g. --spark 'local[2]')");
        }
    }

    /** A whole number above 0, blanks around it allowed. */
    static final class PositiveWholeNumber implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String s) {
            try {
                int n = Integer.parseInt(s.trim());
                if (n > 0) return n;
            } catch (NumberFormatException e) {
                // said below
            }
            throw new TypeConversionException("must be a positive whole number, got '" + s + "'");
        }
    }
}
