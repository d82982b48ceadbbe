package agecnn.config;

import java.util.Arrays;
import java.util.List;

/**
 * Every setting the project reads, by its name (an environment variable or a system property of
 * the same name), with the group it belongs to and what it does. This list is the one place the
 * names live: {@link Settings} reads them, {@code docs/settings.md} documents them (a test checks
 * that the two agree, and that every setting the README names is one of them).
 */
public enum Setting {
    PROFILE(Group.RUN,
            "how much work a run does: `smoke` (12 images per bin, 32 px: CI, a minute or two), `default` (the whole data: the study's CNN at 64 px, MobileNet at 128 px, `faceresnet` at 150 px; about an hour on 2 cores), `full` (the original study: 224 px, every backbone; the work of a GPU); each value below can still be set one by one",
            "`default`"),
    SEED(Group.RUN,
            "seed of every random choice (subset, split, training)",
            "42"),
    FAST_PATH(Group.RUN,
            "`false` turns off DL4J's OneDNN fast path (`agecnn.nets.FastPath`), locally and on Spark's executors",
            "on"),

    UTKFACE_DIR(Group.DATA,
            "folder of the UTKFace images; an error if it holds none (a wrong setting is not skipped)",
            "searched: `data/UTKFace/`, an archive in `data/`, Kaggle (see [data.md](data.md))"),
    IMAGE_SIZE(Group.DATA,
            "side of the square model input, px (the study's CNN; the size of the tensor cache 02 builds)",
            "32 / 64 / 224 by profile"),
    MAX_PER_BIN(Group.DATA,
            "images kept per bin when indexing; 0 = all",
            "12 / 0 / 0 by profile"),

    SPLIT_FILE(Group.SPLIT,
            "your own split, used instead of the protocol: a `file,split,bin` CSV or a folder `<split>/<bin>/<file>` as the study's (bin as 0-11, `(27-32)` or `[27, 32]`); fitted to the scrub, changes shown by 02 (see [data.md](data.md#your-own-split))",
            "made by 02_scrub"),
    SPLIT_PROTOCOL(Group.SPLIT,
            "`balanced_eval` (validation and test balanced, 100 per bin as in the study; every other image trains, with class weights), `balanced` (the study's 800/100/100 per bin) or `all` (every image, 80/10/10 per bin, class weights)",
            "`balanced_eval`"),

    MODELS(Group.TRAINING,
            "what 04_model trains, comma-separated, in order: `baseline`, `mobilenet`, `faceresnet`, `squeezenet`, `vgg16`, `vgg19`, `resnet50`, `efficientnetb0`",
            "by profile"),
    EPOCHS(Group.TRAINING,
            "most epochs per model (early stopping may end sooner)",
            "2 / 15 / 50 by profile"),
    EPOCH_IMAGES(Group.TRAINING,
            "training images per epoch, drawn afresh each epoch; 0 = all; models trained on cached backbone outputs always take all",
            "0"),
    BATCH_SIZE(Group.TRAINING,
            "images per training step",
            "32 / 64 / 32 by profile"),
    LEARNING_RATE(Group.TRAINING,
            "Adam's initial learning rate (SqueezeNet, VGG and `faceresnet` train at a tenth of it)",
            "0.001"),
    LR_DECAY(Group.TRAINING,
            "factor applied to the rate after each epoch",
            "0.85"),
    PATIENCE(Group.TRAINING,
            "epochs without a better validation accuracy before stopping early; 0 = never",
            "2 / 4 / 8 by profile"),
    AUGMENT(Group.TRAINING,
            "`true` or `false`: random flips, shifts and crops of the training images",
            "`true`"),
    LABEL_SPREAD(Group.TRAINING,
            "spread each training label over the neighbouring bins (a Gaussian, this many bins wide); 0 = one-hot",
            "0"),
    AGE_HEAD(Group.TRAINING,
            "what the models' output is a softmax over: `bins` (the study's 12 age bins), `years` (single years 1-120, trained on a Gaussian around the true age, AGE_SIGMA wide; bin probabilities are its sums over each bin, the expected age its mean), or `auto`: each model's own (`years` for `hseface`, whose own age head it starts from; `bins` for the others); see [models.md](models.md#the-age-head)",
            "`auto`"),
    AGE_SIGMA(Group.TRAINING,
            "for a years head: the width (standard deviation) in years of the Gaussian each training label is spread over; 0 = one-hot on the true age",
            "3"),
    MIXUP(Group.TRAINING,
            "mixup's alpha: each training batch is blended with itself in another order, inputs and targets by one weight drawn from Beta(alpha, alpha); on cached backbone outputs the outputs are blended; 0 = off",
            "0"),
    FEATURE_VIEWS(Group.TRAINING,
            "for backbones trained on cached outputs, when augmenting: views of each training image whose outputs are cached, 1 = the image, 2 = and its mirror image, each more = a random crop (7/8 to all of the side, mirrored half of the time); each epoch takes one view of each image at random, and each view costs one more backbone pass and as much disk again",
            "2"),
    TRANSFER_IMAGE_SIZE(Group.TRAINING,
            "input side of the pretrained backbones, px (`faceresnet` always runs at its own 150 px)",
            "64 / 128 / 224 by profile"),
    TRAINABLE_BLOCKS(Group.TRAINING,
            "how many of a pretrained backbone's last blocks train with the head (`faceresnet`: 4 of its 15 units unless given)",
            "1 / 7 / 1 by profile"),
    ENSEMBLE(Group.TRAINING,
            "04_model: how many of the trained models, the best by validation accuracy, make up the ensemble saved as `models/ensemble.zip` (their probabilities averaged, each model at its own input size); 0 = none; made only when at least two models trained",
            "2"),

    PROJECT_DIR(Group.PATHS,
            "the project root (set by the launcher in the kernel spec and for `predict`)",
            "the nearest folder at or above the working folder that holds `pom.xml` and `lib/`"),
    RUN_DIR(Group.PATHS,
            "where a run's report goes; `./agecnn run` sets it to `reports/<run-id>`, and takes an existing one as it is (its figures stay in it)",
            "`reports/interactive` when stepping by hand"),
    RUN_ID(Group.PATHS,
            "`./agecnn run`: names the run folder `reports/<RUN_ID>` (a run started again with the same id resumes from its checkpoints; `--only 05,06` adds to it); `./agecnn train --spark` takes it the same way",
            "`<UTC time>-<profile>`, e.g. `20261129-141500-default`; for Spark `spark-<UTC time>-<profile>`"),
    WEIGHTS_DIR(Group.PATHS,
            "folder searched first for pretrained weight files; never written to (downloads go to `data/cache/weights`)",
            "`data/weights` (`../shared/weights` beside the checkout, when the launcher finds it and `data/weights` does not exist)"),
    MODEL(Group.PATHS,
            "the saved model `./agecnn predict` and notebook 06 use, when `--model` is not given (a relative path is taken from the folder you call `predict` from; in 06, from the project folder)",
            "predict: the newest `reports/*/models/best.zip`; 06: the run's `models/best.zip`"),

    SPARK_MASTER(Group.SPARK,
            "notebook 07's Spark master: `local[2]`, `local[*]`, `spark://host:7077`, ...",
            "`local[*]`"),
    SPARK_AVERAGING(Group.SPARK,
            "notebook 07: batches each worker fits between two parameter averagings",
            "5");

    /** What a setting is about, as the settings are grouped in {@link Settings} and the docs. */
    public enum Group { RUN, DATA, SPLIT, TRAINING, PATHS, SPARK }

    private final Group group;
    private final String meaning;
    private final String defaultText;

    Setting(Group group, String meaning, String defaultText) {
        this.group = group;
        this.meaning = meaning;
        this.defaultText = defaultText;
    }

    public Group group() { return group; }

    /** What it does, in a line. */
    public String meaning() { return meaning; }

    /** Its default, as people read it. */
    public String defaultText() { return defaultText; }

    /** The settings of one group, in order. */
    public static List<Setting> of(Group group) {
        return Arrays.stream(values()).filter(s -> s.group == group).toList();
    }

    /** The Markdown table of every setting, as docs/settings.md holds it. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| setting | what it does | default |\n| --- | --- | --- |\n");
        for (Setting s : values()) sb.append("| `").append(s.name()).append("` | ").append(s.meaning).append(" | ").append(s.defaultText)
                .append(" |\n");
        return sb.toString();
    }
}
