package agecnn.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ParamsTest {

    @Test
    void profileGivesDefaultsAndEachVariableOverridesOne() {
        Params smoke = Params.of(Map.of("PROFILE", "smoke", "PROJECT_DIR", "/p"));
        assertEquals(Profile.SMOKE, smoke.profile);
        assertEquals(Profile.SMOKE.imageSize, smoke.imageSize);
        assertEquals(Profile.SMOKE.maxPerBin, smoke.maxPerBin);
        Params p = Params.of(Map.of("PROFILE", "SMOKE", "IMAGE_SIZE", "48", "SEED", "7", "PROJECT_DIR", "/p",
                "SPLIT_FILE", "splits/a.csv", "SPLIT_PROTOCOL", "all"));
        assertEquals(48, p.imageSize);
        assertEquals(7, p.seed);
        assertEquals(Path.of("/p/splits/a.csv"), p.splitFile);
        assertEquals(Params.SplitProtocol.ALL, p.splitProtocol);
        assertEquals(Path.of("/p/data/work/smoke"), p.workDir());
        assertEquals("48", p.asMap().get("IMAGE_SIZE"));
    }

    @Test
    void defaultsWhenNothingIsSet() {
        Params p = Params.of(Map.of("PROJECT_DIR", "/p"));
        assertEquals(Profile.DEFAULT, p.profile);
        assertEquals(42, p.seed);
        assertNull(p.utkfaceDir);
        assertNull(p.splitFile);
        assertEquals(Path.of("/p/reports/interactive"), p.runDir);
        assertEquals(Params.SplitProtocol.BALANCED_EVAL, p.splitProtocol);
        assertEquals(Profile.DEFAULT.training.models(), p.models);
        assertEquals(Profile.DEFAULT.training.epochs(), p.epochs);
        assertEquals(Profile.DEFAULT.training.transferImageSize(), p.transferImageSize);
        assertEquals(0.001, p.learningRate, 1e-12);
        assertTrue(p.augment);
        assertEquals(Profile.DEFAULT.training.trainableBlocks(), p.trainableBlocks);
        assertEquals(Params.DEFAULT_LABEL_SPREAD, p.labelSpread, 0);
        assertEquals(Params.DEFAULT_MIXUP, p.mixup, 0);
        assertEquals(Path.of("/p/data/weights"), p.weightsDir);
    }

    @Test
    void theRenamedAugmentFeaturesIsRefusedNamingItsReplacement() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Params.of(Map.of("PROJECT_DIR", "/p", "AUGMENT_FEATURES", "false")));
        assertTrue(e.getMessage().contains("FEATURE_VIEWS=1"), e.getMessage());
        assertEquals(6, Params.of(Map.of("PROJECT_DIR", "/p", "FEATURE_VIEWS", "6")).featureViews);
        assertEquals(Profile.DEFAULT.training.featureViews(), Params.of(Map.of("PROJECT_DIR", "/p")).featureViews);
    }

    @Test
    void theOldAgecnnWeightsIsRefusedNamingWeightsDir() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Params.of(Map.of("PROJECT_DIR", "/p", "AGECNN_WEIGHTS", "/old/weights")));
        assertEquals("AGECNN_WEIGHTS=/old/weights is no longer read: set WEIGHTS_DIR instead, the one folder searched for "
                + "pretrained weights and the face detector's model", e.getMessage());
    }

    @Test
    void trainingSettingsAreReadPrintedAndRecorded() {
        Params p = Params.of(Map.ofEntries(Map.entry("PROJECT_DIR", "/p"), Map.entry("PROFILE", "smoke"),
                Map.entry("MODELS", " Baseline, squeezenet,baseline "), Map.entry("EPOCHS", "7"), Map.entry("BATCH_SIZE", "16"),
                Map.entry("LEARNING_RATE", "3e-4"), Map.entry("LR_DECAY", "0.5"), Map.entry("PATIENCE", "0"), Map.entry("AUGMENT", "no"),
                Map.entry("TRANSFER_IMAGE_SIZE", "96"), Map.entry("TRAINABLE_BLOCKS", "2"), Map.entry("WEIGHTS_DIR", "w"),
                Map.entry("EPOCH_IMAGES", "500"), Map.entry("FEATURE_VIEWS", "1"), Map.entry("LABEL_SPREAD", "0.75"),
                Map.entry("MIXUP", "0.4")));
        assertEquals(0.4, p.mixup, 0);
        assertEquals(0.4, agecnn.train.TrainingPlan.of(p).mixup(), 0);
        assertEquals("0.4", p.asMap().get("MIXUP"));
        assertEquals(0.75, p.labelSpread, 0);
        assertEquals("0.75", p.asMap().get("LABEL_SPREAD"));
        assertEquals(500, p.epochImages);
        assertEquals(1, p.featureViews);
        assertEquals(java.util.List.of("baseline", "squeezenet"), p.models);
        assertEquals(7, p.epochs);
        assertEquals(16, p.batchSize);
        assertEquals(3e-4, p.learningRate, 1e-15);
        assertEquals(0.5, p.lrDecay, 1e-15);
        assertEquals(0, p.patience);
        assertFalse(p.augment);
        assertEquals(96, p.transferImageSize);
        assertEquals(2, p.trainableBlocks);
        assertEquals(Path.of("/p/w"), p.weightsDir);
        assertEquals("baseline,squeezenet", p.asMap().get("MODELS"));
        assertEquals("0 (never stop early)", p.asMap().get("PATIENCE"));
        assertTrue(p.toString().contains("TRANSFER_IMAGE_SIZE"));
    }

    @Test
    void badValuesNameTheVariable() {
        assertMessage(Map.of("PROFILE", "huge"), "PROFILE");
        assertMessage(Map.of("IMAGE_SIZE", "big"), "IMAGE_SIZE");
        assertMessage(Map.of("IMAGE_SIZE", "0"), "IMAGE_SIZE");
        assertMessage(Map.of("SPLIT_PROTOCOL", "random"), "SPLIT_PROTOCOL");
        assertMessage(Map.of("MAX_PER_BIN", "-3"), "MAX_PER_BIN");
        assertMessage(Map.of("EPOCHS", "0"), "EPOCHS");
        assertMessage(Map.of("LEARNING_RATE", "fast"), "LEARNING_RATE");
        assertMessage(Map.of("LR_DECAY", "-1"), "LR_DECAY");
        assertMessage(Map.of("AUGMENT", "maybe"), "AUGMENT");
        assertMessage(Map.of("LABEL_SPREAD", "-0.5"), "LABEL_SPREAD");
        assertMessage(Map.of("LABEL_SPREAD", "wide"), "LABEL_SPREAD");
        assertMessage(Map.of("MIXUP", "-0.2"), "MIXUP");
        assertMessage(Map.of("MODELS", " , "), "MODELS");
    }

    private static void assertMessage(Map<String, String> env, String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Params.of(env));
        assertTrue(e.getMessage().startsWith(key), e.getMessage());
    }
}
