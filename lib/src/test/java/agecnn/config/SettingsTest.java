package agecnn.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SettingsTest {

    @Test
    void profileGivesDefaultsAndEachVariableOverridesOne() {
        Settings smoke = Settings.of(Map.of("PROFILE", "smoke", "PROJECT_DIR", "/p"));
        assertEquals(Profile.SMOKE, smoke.profile());
        assertEquals(Profile.SMOKE.imageSize, smoke.data().imageSize());
        assertEquals(Profile.SMOKE.maxPerBin, smoke.data().maxPerBin());
        Settings p = Settings.of(Map.of("PROFILE", "SMOKE", "IMAGE_SIZE", "48", "SEED", "7", "PROJECT_DIR", "/p",
                "SPLIT_FILE", "splits/a.csv", "SPLIT_PROTOCOL", "all"));
        assertEquals(48, p.data().imageSize());
        assertEquals(7, p.seed());
        assertEquals(Path.of("/p/splits/a.csv"), p.split().file());
        assertEquals(Settings.SplitProtocol.ALL, p.split().protocol());
        assertEquals(Path.of("/p/data/work/smoke"), p.workDir());
        assertEquals("48", p.asMap().get("IMAGE_SIZE"));
    }

    @Test
    void defaultsWhenNothingIsSet() {
        Settings p = Settings.of(Map.of("PROJECT_DIR", "/p"));
        assertEquals(Profile.DEFAULT, p.profile());
        assertEquals(42, p.seed());
        assertNull(p.data().utkfaceDir());
        assertNull(p.split().file());
        assertEquals(Path.of("/p/reports/interactive"), p.paths().runDir());
        assertEquals(Settings.SplitProtocol.BALANCED_EVAL, p.split().protocol());
        assertEquals(Profile.DEFAULT.training.models(), p.training().models());
        assertEquals(Profile.DEFAULT.training.epochs(), p.training().epochs());
        assertEquals(Profile.DEFAULT.training.transferImageSize(), p.training().transferImageSize());
        assertEquals(0.001, p.training().learningRate(), 1e-12);
        assertTrue(p.training().augment());
        assertEquals(Profile.DEFAULT.training.trainableBlocks(), p.training().trainableBlocks());
        assertEquals(0, p.training().labelSpread(), 0);
        assertEquals(0, p.training().mixup(), 0);
        assertEquals(Path.of("/p/data/weights"), p.paths().weightsDir());
    }

    @Test
    void theRenamedAugmentFeaturesIsRefusedNamingItsReplacement() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.of(Map.of("PROJECT_DIR", "/p", "AUGMENT_FEATURES", "false")));
        assertTrue(e.getMessage().contains("FEATURE_VIEWS=1"), e.getMessage());
        assertEquals(6, Settings.of(Map.of("PROJECT_DIR", "/p", "FEATURE_VIEWS", "6")).training().featureViews());
        assertEquals(Profile.DEFAULT.training.featureViews(), Settings.of(Map.of("PROJECT_DIR", "/p")).training().featureViews());
    }

    @Test
    void trainingSettingsAreReadPrintedAndRecorded() {
        Settings p = Settings.of(Map.ofEntries(Map.entry("PROJECT_DIR", "/p"), Map.entry("PROFILE", "smoke"),
                Map.entry("MODELS", " Baseline, squeezenet,baseline "), Map.entry("EPOCHS", "7"), Map.entry("BATCH_SIZE", "16"),
                Map.entry("LEARNING_RATE", "3e-4"), Map.entry("LR_DECAY", "0.5"), Map.entry("PATIENCE", "0"), Map.entry("AUGMENT", "no"),
                Map.entry("TRANSFER_IMAGE_SIZE", "96"), Map.entry("TRAINABLE_BLOCKS", "2"), Map.entry("WEIGHTS_DIR", "w"),
                Map.entry("EPOCH_IMAGES", "500"), Map.entry("FEATURE_VIEWS", "1"), Map.entry("LABEL_SPREAD", "0.75"),
                Map.entry("MIXUP", "0.4")));
        assertEquals(0.4, p.training().mixup(), 0);
        assertEquals(0.4, agecnn.train.TrainingPlan.of(p).mixup(), 0);
        assertEquals("0.4", p.asMap().get("MIXUP"));
        assertEquals(0.75, p.training().labelSpread(), 0);
        assertEquals("0.75", p.asMap().get("LABEL_SPREAD"));
        assertEquals(500, p.training().epochImages());
        assertEquals(1, p.training().featureViews());
        assertEquals(java.util.List.of("baseline", "squeezenet"), p.training().models());
        assertEquals(7, p.training().epochs());
        assertEquals(16, p.training().batchSize());
        assertEquals(3e-4, p.training().learningRate(), 1e-15);
        assertEquals(0.5, p.training().lrDecay(), 1e-15);
        assertEquals(0, p.training().patience());
        assertFalse(p.training().augment());
        assertEquals(96, p.training().transferImageSize());
        assertEquals(2, p.training().trainableBlocks());
        assertEquals(Path.of("/p/w"), p.paths().weightsDir());
        assertEquals("baseline,squeezenet", p.asMap().get("MODELS"));
        assertEquals("0 (never stop early)", p.asMap().get("PATIENCE"));
        assertTrue(p.toString().contains("TRANSFER_IMAGE_SIZE"));
    }

    @Test
    void theAgeHeadIsEachModelsOwnUnlessBinsOrYearsAreAskedFor() {
        Settings d = Settings.of(Map.of("PROJECT_DIR", "/p"));
        assertEquals(Settings.HeadKind.AUTO, d.training().ageHead());
        assertEquals(3, d.training().ageSigma(), 0);
        assertEquals("auto", d.asMap().get("AGE_HEAD"));
        assertEquals(Settings.HeadKind.BINS, Settings.of(Map.of("PROJECT_DIR", "/p", "AGE_HEAD", "bins")).training().ageHead());
        Settings y = Settings.of(Map.of("PROJECT_DIR", "/p", "AGE_HEAD", " Years ", "AGE_SIGMA", "2.5"));
        assertEquals(Settings.HeadKind.YEARS, y.training().ageHead());
        assertEquals(2.5, y.training().ageSigma(), 0);
        assertEquals("years", y.asMap().get("AGE_HEAD"));
        assertEquals("2.5", y.asMap().get("AGE_SIGMA"));
        agecnn.train.TrainingPlan plan = agecnn.train.TrainingPlan.of(y);
        assertEquals(agecnn.nets.AgeHead.YEARS, plan.ageHead());
        assertEquals(2.5, plan.ageSigma(), 0);
        assertEquals(y.asMap(), y.toBuilder().build().asMap(), "toBuilder keeps the head");
        var e = assertThrows(IllegalArgumentException.class, () -> Settings.of(Map.of("PROJECT_DIR", "/p", "AGE_HEAD", "decades")));
        assertEquals("AGE_HEAD must be auto, bins or years; got 'decades'", e.getMessage());
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
        assertMessage(Map.of("AGE_HEAD", "decades"), "AGE_HEAD");
        assertMessage(Map.of("AGE_SIGMA", "-1"), "AGE_SIGMA");
        assertMessage(Map.of("MODELS", " , "), "MODELS");
    }

    @Test
    void theBuilderGivesWhatTheEnvironmentGives() {
        Settings fromMap = Settings.of(Map.of("PROJECT_DIR", "/p", "PROFILE", "smoke", "SEED", "7", "MODELS", "baseline",
                "TRAINABLE_BLOCKS", "3", "RUN_DIR", "/r", "SPARK_AVERAGING", "4"));
        Settings built = Settings.builder().profile(Profile.SMOKE).seed(7).models("baseline").trainableBlocks(3)
                .runDir(Path.of("/r")).sparkAveraging(4).build();
        Map<String, String> a = new java.util.LinkedHashMap<>(fromMap.asMap()), b = new java.util.LinkedHashMap<>(built.asMap());
        // the builder's project folder is found from the working folder; the rest must agree
        a.remove("PROJECT_DIR");
        b.remove("PROJECT_DIR");
        a.remove("WEIGHTS_DIR");
        b.remove("WEIGHTS_DIR");
        assertEquals(a, b);
        assertTrue(built.training().trainableBlocksGiven());
        assertEquals(fromMap.asMap(), fromMap.toBuilder().build().asMap(), "toBuilder keeps every value");
        assertEquals(Profile.SMOKE.training.epochs(), built.training().epochs(), "the profile's defaults");
    }

    @Test
    void everySettingIsPrintedAndRecordedInItsGroup() {
        Settings s = Settings.of(Map.of("PROJECT_DIR", "/p"));
        assertEquals(java.util.Arrays.stream(Setting.values()).map(Enum::name).toList(), java.util.List.copyOf(s.asMap().keySet()));
        String text = s.toString();
        for (Setting x : Setting.values()) assertTrue(text.contains(x.name()), x + " is not printed");
        for (Setting.Group g : Setting.Group.values()) assertTrue(text.contains("  " + g.name().toLowerCase() + "\n"), g + " has no heading");
    }

    @Test
    void theOldWeightsVariableIsRefusedNamingWeightsDir() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.of(Map.of("PROJECT_DIR", "/p", "AGECNN_WEIGHTS", "/w")));
        assertTrue(e.getMessage().contains("WEIGHTS_DIR"), e.getMessage());
    }

    @Test
    void theBuilderRefusesWhatTheEnvironmentRefuses() {
        Settings.Builder b = Settings.builder();
        for (Runnable bad : new Runnable[] {() -> b.learningRate(0), () -> b.lrDecay(-1), () -> b.labelSpread(-0.5),
                () -> b.mixup(Double.NaN), () -> b.epochs(0), () -> b.models(java.util.List.of())}) {
            assertThrows(IllegalArgumentException.class, bad::run);
        }
    }

    private static void assertMessage(Map<String, String> env, String key) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Settings.of(env));
        assertTrue(e.getMessage().startsWith(key), e.getMessage());
    }
}
