package agecnn.spark;

import agecnn.interpret.Metrics;
import agecnn.model.SavedModel;
import agecnn.notebook.Params;
import agecnn.scrub.Scrubbed;
import agecnn.scrub.Split;
import agecnn.scrub.TensorCache;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.paramavg.util.ExportSupport;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./agecnn train --spark MASTER}: trains a model on Spark from what 01_obtain and 02_scrub
 * left for the run's parameters (PROFILE, IMAGE_SIZE, SEED, ... from the environment, as in the
 * notebooks) and writes checkpoints, history, metrics.json and the saved model as a local run does.
 */
public final class SparkTrainCommand {

    static final String USAGE = """
            usage: ./agecnn train --spark MASTER [options]
              --spark MASTER        local[2], local[*], spark://host:7077, yarn, ...
              --model NAME          the model to train (default baseline)
              --epochs N            (default 10)
              --batch N             mini-batch size of each worker (default 32)
              --averaging N         batches each worker fits between parameter averagings (default 5)
              --out DIR             where the model's files go (default data/work/<profile>/models/<model>-spark)
              --batch-files URI     write the training batches once to URI (hdfs://..., a shared folder)
                                    and train from those files, read by the workers (fitPaths)
              --export-dir URI      where dl4j-spark exports the batches it is given, once, to train every
                                    epoch from (default hadoop.tmp.dir on the default file system)
            Parameters as for the notebooks: PROFILE, IMAGE_SIZE, SEED, SPLIT_PROTOCOL, ... (see README).""";

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
        Params params = Params.fromEnvironment();
        System.out.println("train " + o.model + " on Spark (" + o.master + ")\n" + params);
        Scrubbed data = Scrubbed.load(params);
        TensorCache cache = data.cache();
        SplitPart train = SplitPart.of(data, Split.TRAIN), val = SplitPart.of(data, Split.VAL), test = SplitPart.of(data, Split.TEST);
        boolean weighted = params.splitProtocol == Params.SplitProtocol.ALL;
        Model net = model(o.model, params.imageSize, params.seed, weighted ? data.split().classWeights() : null);
        Path out = o.out != null ? Path.of(o.out).toAbsolutePath() : params.workDir().resolve("models").resolve(o.model + "-spark");

        try (JavaSparkContext sc = SparkContexts.open(o.master, "agecnn train " + o.model)) {
            if (o.batchFiles == null && !ExportSupport.exportSupported(sc)) {
                System.out.println("note: the cluster's default file system is local (no HDFS), so the batches go to the workers "
                        + "through Spark every epoch; for large data give --batch-files on storage every node reads");
            }
            SparkTrainer.Settings settings = new SparkTrainer.Settings(o.batch, o.averaging, o.epochs, params.seed, o.exportDir);
            SparkTrainer trainer = new SparkTrainer(sc, settings, out.resolve(TrainingOutputs.CHECKPOINTS))
                    .onEpoch(r -> System.out.printf("epoch %2d: train loss %.4f, val loss %.4f, val accuracy %.1f%%, %.1f s%n",
                            r.epoch(), r.trainLoss(), r.valLoss(), 100 * r.valAccuracy(), r.seconds()));
            System.out.printf("%d training images in batches of %d on %d workers, averaged every %d batches; %d epochs%n",
                    train.size(), o.batch, sc.defaultParallelism(), o.averaging, o.epochs);
            SparkTrainer.Result result;
            if (o.batchFiles != null) {
                List<String> files = SparkData.exportBatches(cache, train, o.batch, params.seed, o.batchFiles);
                System.out.println(files.size() + " batch files written to " + o.batchFiles);
                result = trainer.trainPaths(net, SparkData.paths(sc, files), cache, val);
            } else {
                result = trainer.train(net, SparkData.parallelize(sc, SparkData.batches(cache, train, o.batch, params.seed)), cache, val);
            }

            Map<String, Object> training = new LinkedHashMap<>();
            training.put("engine", "spark (dl4j-spark parameter averaging)");
            training.put("master", o.master);
            training.put("workers", sc.defaultParallelism());
            training.put("batch_size_per_worker", o.batch);
            training.put("averaging_frequency", o.averaging);
            training.put("epochs", o.epochs);
            training.put("seed", params.seed);
            training.put("split_protocol", params.splitProtocol.name().toLowerCase());
            training.put("class_weights", weighted);
            training.put("data", o.batchFiles != null ? "batch files at " + o.batchFiles : "batches shipped from the driver");
            training.put("seconds_per_epoch", result.history().stream().mapToDouble(SparkTrainer.EpochRecord::seconds).average().orElse(0));
            SavedModel model = TrainingOutputs.write(out, result, o.model, "none", cache, train, val, test, training);
            Metrics scores = TrainingOutputs.score(result, cache, test, model.info().binAges());
            System.out.println("test: " + scores);
            System.out.println("written to " + out + " (" + TrainingOutputs.MODEL_FILE + ", " + TrainingOutputs.METRICS_FILE + ", "
                    + TrainingOutputs.HISTORY_FILE + ", " + TrainingOutputs.CHECKPOINTS + "/)");
        }
    }

    /** The catalogue this branch has: the baseline only, until it is merged with notebook 04's. */
    static Model model(String name, int imageSize, long seed, double[] classWeights) {
        if (!name.equals(SparkBaseline.NAME)) {
            throw new IllegalArgumentException("unknown model '" + name + "': this build trains only '" + SparkBaseline.NAME
                    + "' on Spark (the model catalogue of notebook 04 is not merged yet)");
        }
        MultiLayerNetwork net = new MultiLayerNetwork(SparkBaseline.conf(imageSize, seed, classWeights));
        net.init();
        return net;
    }

    /** The command line, checked. */
    record Options(String master, String model, int epochs, int batch, int averaging, String out, String batchFiles, String exportDir) {

        static Options parse(String[] args) {
            Map<String, String> v = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (!List.of("--spark", "--model", "--epochs", "--batch", "--averaging", "--out", "--batch-files", "--export-dir").contains(a)) {
                    throw new IllegalArgumentException("unknown option '" + a + "'");
                }
                if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                v.put(a, args[++i]);
            }
            if (!v.containsKey("--spark")) throw new IllegalArgumentException("--spark MASTER is required (e.g. --spark 'local[2]')");
            return new Options(v.get("--spark"), v.getOrDefault("--model", SparkBaseline.NAME), positive(v, "--epochs", 10),
                    positive(v, "--batch", 32), positive(v, "--averaging", 5), v.get("--out"), v.get("--batch-files"), v.get("--export-dir"));
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
